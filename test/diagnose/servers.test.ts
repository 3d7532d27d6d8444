/**
 * Real servers of every stack, misconfigured the way people do (test/servers, recorded with
 * Chromium into test/fixtures/servers), replayed through a real corscope: Chrome's line is the one
 * Chromium printed, the diagnosis names the cause the case was built for, the stack, and a fix that
 * contains what was applied to the real server, after which Chromium accepted the call.
 */
import { describe, expect, it } from 'vitest';
import { chromeLineOf, loadServerFixtures, replayCalls, type ServerCase, type ServerFixture } from '../support/servers.js';

const fixtures = loadServerFixtures();
const cases: [string, ServerFixture, ServerCase][] = fixtures.flatMap((f) => f.cases.map((c) => [c.name, f, c] as [string, ServerFixture, ServerCase]));

describe('recorded servers', () => {
  it('every stack has recordings', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (_name, fixture, kase) => {
    const { calls, origin } = await replayCalls(fixture, kase.calls);
    const last = calls.at(-1)!;
    const line = chromeLineOf(last.recorded, origin);
    const blocked = last.records.find((r) => r.verdict === 'blocked' || r.diagnosis !== undefined);
    expect(line, 'Chromium printed a CORS line for the last call').toBeDefined();
    expect(blocked?.chrome?.message).toBe(line);
    const expected = kase.expected ?? {};
    expect(blocked?.diagnosis).toMatchObject({
      code: expected.code ?? kase.intent,
      stack: expected.stack === undefined ? fixture.stack : expected.stack,
    });
    if (kase.fix) expect(blocked!.diagnosis!.fix).toContain(kase.fix.applied);
    for (const evidence of expected.evidence ?? []) expect(blocked!.diagnosis!.evidence.join('\n')).toContain(evidence);
  });

  it.each(cases.filter(([, , c]) => c.fix))('%s: with the fix applied, Chromium and corscope accept the call', async (_name, fixture, kase) => {
    const { calls } = await replayCalls(fixture, kase.fix!.calls);
    const last = calls.at(-1)!;
    expect(last.recorded.chrome.filter((l) => l.startsWith('Access to '))).toEqual([]);
    expect(last.records.map((r) => r.verdict).filter((v) => v === 'blocked')).toEqual([]);
  });
});
