/**
 * A large session stays linear: every recorded case 40 times over (about 13 000 entries). About
 * 3 s of CPU here; the bound is loose because the suite shares the machine with Chromium.
 */
import { expect, it } from 'vitest';
import { analyzeHar, parseHar, summarizeHar } from '../../src/har/index.js';
import { loadOracle } from '../support/oracle.js';
import { makeHar } from './make-har.js';

it('judges ~13 000 entries in seconds, not minutes', () => {
  const cases = [...loadOracle().cases, ...loadOracle('chrome-edge-cases.json').cases].filter((c) => c.serverRequests.length > 0);
  const har = makeHar(Array.from({ length: 40 }, () => cases).flat());
  const text = JSON.stringify(har);
  const started = performance.now();
  const read = parseHar(text, 'big.har');
  if ('error' in read) throw new Error(read.error);
  const summary = summarizeHar(analyzeHar(read.entries));
  const seconds = (performance.now() - started) / 1000;
  expect(summary.requests).toBe(har.log.entries.length);
  expect(summary.requests).toBeGreaterThan(12_000);
  expect(seconds).toBeLessThan(30);
});
