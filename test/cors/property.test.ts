import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatchPlan, headerValues, judge, urlOrigin } from '../../src/cors/index.js';
import { isToken } from '../../src/cors/header-list.js';
import type { Exchange, HeaderLine } from '../../src/cors/types.js';

/** The engine never throws, is deterministic, and its patch always satisfies it. */

const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const corsName = fc.constantFrom(
  'Access-Control-Allow-Origin', 'access-control-allow-origin', 'Access-Control-Allow-Credentials',
  'Access-Control-Allow-Methods', 'Access-Control-Allow-Headers', 'Access-Control-Max-Age',
  'Access-Control-Expose-Headers', 'Vary', 'Location', 'X-Thing', 'Set-Cookie',
);
const corsValue = fc.oneof(
  latin1,
  fc.constantFrom('*', 'null', 'http://localhost:5173', 'http://localhost:5173/', 'true', 'TRUE', 'PUT', 'put, *', 'x-a, X-B', '', '*, *', 'http://u:p@h/x', '/next', '86400', '-1'),
);
const headerLine: fc.Arbitrary<HeaderLine> = fc.tuple(fc.oneof(corsName, latin1), corsValue);
const exchange: fc.Arbitrary<Exchange> = fc.record({
  stage: fc.constantFrom('preflight' as const, 'request' as const),
  request: fc.record({
    url: fc.constantFrom('http://localhost:8081/api', 'http://127.0.0.1:8081/x?y=1', 'not a url', ''),
    method: fc.constantFrom('GET', 'OPTIONS', 'PUT', 'patch', 'DELETE', ''),
    headers: fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('Origin', 'Origin', 'Cookie', 'Access-Control-Request-Method', 'Access-Control-Request-Headers', 'Sec-Fetch-Mode'), fc.oneof(latin1, fc.constantFrom('http://localhost:5173', 'null', 'PUT', 'x-a,authorization', 'cors'))),
        fc.tuple(latin1, latin1),
      ),
      { maxLength: 8 },
    ),
  }),
  response: fc.record({ status: fc.integer({ min: 0, max: 999 }), headers: fc.array(headerLine, { maxLength: 10 }) }),
  context: fc.record(
    {
      initiator: fc.constantFrom('fetch' as const, 'xhr' as const),
      credentials: fc.constantFrom('include' as const, 'omit' as const, 'unknown' as const),
      wording: fc.constantFrom('current' as const, 'legacy' as const),
      redirect: fc.record({ initialUrl: fc.constantFrom('http://localhost:8081/old', 'x') }),
    },
    { requiredKeys: [] },
  ),
});

/** A browser only ever asks for a method token and header-name tokens in a preflight. */
function browserCouldSend(e: Exchange): boolean {
  const method = headerValues(e.request.headers, 'access-control-request-method');
  const names = headerValues(e.request.headers, 'access-control-request-headers').flatMap((v) => v.split(','));
  if (e.stage === 'preflight' && method.length !== 1) return false;
  const origins = headerValues(e.request.headers, 'origin');
  if (!origins.every((o) => o === 'null' || urlOrigin(o) === o)) return false;
  return method.every(isToken) && names.every((n) => n.trim() === '' || isToken(n.trim()));
}

/** A fixed seed keeps CI repeatable; FC_SEED=random explores. */
const seed = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261125);

describe('engine properties', () => {
  it('never throws and gives the same verdict for the same input', () => {
    fc.assert(
      fc.property(exchange, (e) => {
        const first = judge(e);
        expect(JSON.stringify(judge(structuredClone(e)))).toBe(JSON.stringify(first));
      }),
      { numRuns: 3000, seed },
    );
  });

  it('the minimal patch makes any blocked exchange pass, including a redirect to a URL with credentials', () => {
    fc.assert(
      fc.property(exchange, (e) => {
        if (!browserCouldSend(e)) return;
        const verdict = judge(e);
        if (verdict.verdict !== 'blocked' && verdict.verdict !== 'conditional') return;
        const patched = applyPatchPlan(e.response.status, e.response.headers, verdict.patch);
        const after = judge({ ...e, response: patched });
        expect(after.verdict, JSON.stringify(after.primary?.code)).toBe('allowed');
      }),
      { numRuns: 3000, seed },
    );
  });
});
