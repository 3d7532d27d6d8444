import { describe, expect, it } from 'vitest';
import { applyPatchPlan, judge } from '../../src/cors/index.js';
import type { CredentialsKnowledge, Exchange } from '../../src/cors/types.js';
import { includesCredentials, loadOracle } from '../support/oracle.js';

/**
 * For every exchange Chrome blocked (the recorded Chrome 156 traffic), the engine's minimal patch
 * makes the engine accept it under every credentials mode, and touches nothing it does not need.
 */

const oracle = loadOracle();
const exchanges = oracle.cases.flatMap((kase) =>
  kase.serverRequests.map((request, i) => {
    const exchange: Exchange = {
      stage: request.method === 'OPTIONS' ? 'preflight' : 'request',
      request: { url: `${kase.origins[request.server]}${request.path}`, method: request.method, headers: request.rawHeaders },
      response: request.response,
      context: { initiator: kase.client.api },
    };
    return [`${kase.id} #${i + 1} ${request.method} ${request.path}`, exchange, includesCredentials(kase)] as const;
  }),
);

const needsPatch = exchanges.filter(([, e]) => {
  const verdict = judge(e).verdict;
  return verdict === 'blocked' || verdict === 'conditional';
});
const passing = exchanges.filter(([, e]) => judge(e).verdict === 'allowed');

describe('the minimal patch makes every blocked Chrome 156 exchange pass', () => {
  it('covers the blocked cases', () => expect(needsPatch.length).toBeGreaterThan(40));

  it.each(needsPatch)('%s', (_name, exchange, include) => {
    const verdict = judge(exchange);
    const patched = applyPatchPlan(exchange.response.status, exchange.response.headers, verdict.patch);
    const modes: CredentialsKnowledge[] = ['omit', 'include', 'unknown'];
    for (const credentials of modes) {
      const after = judge({ ...exchange, response: patched, context: { ...exchange.context, credentials } });
      expect(after.verdict, `${credentials}: ${after.primary?.code}`).toBe('allowed');
    }
    expect(include || verdict.verdict !== 'allowed').toBe(true);
  });
});

describe('exchanges that pass need no patch', () => {
  it.each(passing)('%s', (_name, exchange) => {
    const verdict = judge(exchange);
    expect(verdict.patch).toEqual({ remove: [], set: [] });
    const patched = applyPatchPlan(exchange.response.status, exchange.response.headers, verdict.patch);
    expect(patched.headers).toEqual(exchange.response.headers);
    expect(patched.added).toEqual([]);
    expect(patched.removed).toEqual([]);
  });
});
