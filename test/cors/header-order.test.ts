import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/cors/index.js';
import type { HeaderLine, Initiator } from '../../src/cors/types.js';

/**
 * Which refused header Chrome names, over 188 preflights a real Chrome 156 refused (pairs, triples
 * and larger sets; fetch and XHR; with and without the default client hints): the engine, given
 * only what the preflight shows, writes Chrome's line.
 */

interface Observation {
  id: string;
  initiator: Initiator;
  pageHeaders: string[];
  preflightRequestHeaders: string;
  preflightResponse: { status: number; headers: HeaderLine[] };
  named: string;
  consoleLine: string;
}

const { observations } = JSON.parse(
  readFileSync(new URL('../fixtures/header-order.json', import.meta.url), 'utf8'),
) as { observations: Observation[] };

const OPENING = /^Access to (?:fetch|XMLHttpRequest) at '([^']+)' from origin '([^']+)'/;

function judgeObservation(o: Observation, authorHeaderOrder?: string[]) {
  const [, url, origin] = OPENING.exec(o.consoleLine)!;
  return judge({
      stage: 'preflight',
      request: {
        url: url!,
        method: 'OPTIONS',
        headers: [
          ['Origin', origin!],
          ['Access-Control-Request-Method', 'GET'],
          ['Access-Control-Request-Headers', o.preflightRequestHeaders],
        ],
      },
      response: o.preflightResponse,
    context: { initiator: o.initiator, credentials: 'omit', ...(authorHeaderOrder ? { authorHeaderOrder } : {}) },
  });
}

describe('the refused header Chrome names, given the order the page set them in (188 observations)', () => {
  it.each(observations.map((o) => [o.id, o] as const))('%s', (_id, o) => {
    const verdict = judgeObservation(o, o.pageHeaders);
    expect(verdict.primary?.hint).toBe(o.named);
    expect(verdict.primary?.chrome?.[o.initiator]).toBe(o.consoleLine);
  });
});

/**
 * XHR cases whose call order of setRequestHeader changes the slot order (names that collide in
 * Blink's table): a preflight does not show the call order, so from the preflight alone the engine
 * cannot tell which of the refused names Chrome picks. It still lists every refused name.
 */
const CALL_ORDER_DEPENDENT = new Set([
  'E6-blocked3-fetch-xhrrev', 'E6-blocked4-fetch-xhrrev', 'E7-xhr1', 'E7-xhr4', 'E7-xhr5', 'E7-xhr8', 'E7-xhr12',
  'E7-xhr13', 'E7-xhr16', 'E7-xhr0', 'E7-xhr9', 'E7-xhr17',
]);

describe('the refused header Chrome names, from the preflight alone (what the proxy sees)', () => {
  const visible = observations.filter((o) => !CALL_ORDER_DEPENDENT.has(o.id));
  it('covers all but the call-order-dependent XHR cases', () => {
    expect(visible.length).toBe(observations.length - CALL_ORDER_DEPENDENT.size);
  });
  it.each(visible.map((o) => [o.id, o] as const))('%s', (_id, o) => {
    const verdict = judgeObservation(o);
    expect(verdict.primary?.chrome?.[o.initiator]).toBe(o.consoleLine);
  });
  it.each([...CALL_ORDER_DEPENDENT].map((id) => [id, observations.find((o) => o.id === id)!] as const))(
    '%s: every refused name is in the cause',
    (_id, o) => {
      const verdict = judgeObservation(o);
      expect(verdict.primary?.code).toBe('HeaderDisallowedByPreflightResponse');
      expect(verdict.primary?.cause).toContain(o.named);
    },
  );
});
