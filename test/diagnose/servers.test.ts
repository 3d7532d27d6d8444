/**
 * Real servers of every stack, misconfigured the way people do (test/servers, recorded with
 * Chromium into test/fixtures/servers), replayed through a real corscope: Chrome's line is the one
 * Chromium printed, the diagnosis names the cause the case was built for, the stack, and a fix that
 * contains what was applied to the real server, after which Chromium accepted the call.
 */
import { describe, expect, it } from 'vitest';
import { levelFor } from '../../src/log/record.js';
import { chromeLineOf, loadServerFixtures, replayCalls, UNDECIDABLE, type ServerCase, type ServerFixture } from '../support/servers.js';

const fixtures = loadServerFixtures();

/** Cases whose blocked call corscope cannot know is credentialed (see below). */
const QUIET: string[] = ['koa-credentials-missing'];

const cases: [string, ServerFixture, ServerCase][] = fixtures.flatMap((f) => f.cases.map((c) => [c.name, f, c] as [string, ServerFixture, ServerCase]));

describe('recorded servers', () => {
  it('every stack has recordings', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (_name, fixture, kase) => {
    const { calls, origin } = await replayCalls(fixture, kase.calls);
    const last = calls.at(-1)!;
    const line = chromeLineOf(last.recorded, origin);
    expect(line, 'Chromium printed a CORS line for the last call').toBeDefined();
    // Chrome's line is about an answer corscope relayed, or (a redirect to an origin corscope does
    // not front) about the next hop, which the diagnosis of the redirect predicts.
    const blocked = last.records.find((r) => r.chrome?.message === line) ?? last.records.find((r) => r.diagnosis?.prediction);
    expect(blocked, `a record with Chrome's line: ${line}`).toBeDefined();
    if (blocked!.chrome?.message !== line) expect(blocked!.diagnosis!.prediction).toContain(line);
    if (blocked!.verdict === 'conditional' && !blocked!.credentialsSign) {
      // Chrome blocked a credentialed call whose preflight carries no sign of credentials, and the
      // page showed none before: corscope keeps it a note (issue 15, quiet when it works).
      expect(QUIET).toContain(kase.name);
      expect(blocked!.diagnosis).toBeUndefined();
      return;
    }
    const expected = kase.expected ?? {};
    const code = UNDECIDABLE[kase.name] ?? expected.code ?? kase.intent;
    const stack = expected.recognised !== undefined ? expected.recognised : expected.stack === undefined ? fixture.stack : expected.stack;
    expect(blocked!.diagnosis).toMatchObject({ code, stack });
    // The profile's own fingerprints on the answer (test/diagnose/stacks/ checks them exactly) are
    // the diagnosis' evidence when they name the stack.
    if (stack === fixture.stack) for (const evidence of expected.evidence ?? []) expect(blocked!.diagnosis!.evidence.join('\n')).toContain(evidence);
    if (!kase.fix) return;
    if (stack === fixture.stack) {
      expect(blocked!.diagnosis!.fix).toContain(kase.fix.applied);
      return;
    }
    // The wire does not name the stack (or names the one it runs on: NestJS on Express): the fix
    // is the generic one or that stack's, and the stack's own fix (what was applied to the real
    // server) is what the user gets by saying the stack (--stack).
    if (stack === null) expect(blocked!.diagnosis!.fix).toContain(blocked!.fix ?? '');
    const told = await replayCalls(fixture, kase.calls, { stack: fixture.stack });
    const again = told.calls.at(-1)!.records.find((r) => r.diagnosis);
    expect(again!.diagnosis).toMatchObject({ code, stack: fixture.stack, evidence: expect.arrayContaining([`--stack ${fixture.stack}`]) });
    expect(again!.diagnosis!.fix).toContain(kase.fix.applied);
  });

  it.each(cases.filter(([, , c]) => c.fix))('%s: with the fix applied, Chromium and corscope accept the call', async (_name, fixture, kase) => {
    const { calls } = await replayCalls(fixture, kase.fix!.calls);
    const last = calls.at(-1)!;
    expect(last.recorded.chrome.filter((l) => l.startsWith('Access to '))).toEqual([]);
    expect(last.records.map((r) => r.verdict).filter((v) => v === 'blocked')).toEqual([]);
    // Quiet when it works: a call Chrome printed nothing for gets no warning (what would fail only
    // with credentials, on a page that shows no sign of sending them, is an info-level note).
    for (const call of calls) {
      if (call.recorded.chrome.some((l) => l.startsWith('Access to '))) continue;
      expect(call.records.filter((r) => levelFor(r) !== 'info' && levelFor(r) !== 'debug').map((r) => r.msg)).toEqual([]);
    }
  });
});
