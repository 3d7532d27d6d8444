/**
 * Issue 15, live: the Express and Fastify apps of test/servers, misconfigured the way people do,
 * run in-process behind a real corscope, and the suite's Chromium makes each case's calls from a
 * page on http://localhost:5173 (the origin the apps allow and the fixes name). For the last call,
 * Chrome's line is the `chrome.message` of corscope's record (or, for a redirect to an origin
 * corscope does not front, is in the redirect's `diagnosis.prediction`), and the record's diagnosis
 * names the cause the case was built for, the stack, and a fix containing what was applied to the
 * app. Then the fixed app: Chrome prints no CORS line and corscope blocks nothing.
 * test/diagnose/servers.test.ts asserts the same on the recordings (test/fixtures/servers).
 */
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import type { StackName } from '../../src/diagnose/types.js';
import type { ExchangeRecord } from '../../src/index.js';
import { loadServerFixtures, type RecordedCall } from '../support/servers.js';
import { urlOfLine } from './harness/cases.js';
import { describeRecords } from './harness/corscope.js';
import { describeCall } from './harness/run-case.js';
import { listenFixedOrigins, loadStack, runStackCase, type FixedOrigins, type StackCase, type StackModule, type StackRun } from './harness/server-stacks.js';
import { chromiumOrReport, useBrowser } from './harness/suite.js';

const stacks = await Promise.all(['express', 'fastify'].map(loadStack));
const fixtures = loadServerFixtures();

type Row = [name: string, stack: StackModule, kase: StackCase, recorded: { broken: RecordedCall[]; fixed: RecordedCall[] } | undefined];
const rows: Row[] = stacks.flatMap((stack) => {
  const fixture = fixtures.find((f) => f.stack === stack.stack);
  return stack.cases.map((kase): Row => {
    const rec = fixture?.cases.find((c) => c.name === kase.name);
    return [kase.name, stack, kase, rec && { broken: rec.calls, fixed: rec.fix?.calls ?? [] }];
  });
});

/**
 * Cases whose recorded answer does not name the stack (`expected.recognised: null`) but whose live
 * answer does. corscope keeps its connection to the upstream alive, so Fastify answers with
 * `Keep-Alive: timeout=72` (its keepAliveTimeout default, a strong fingerprint beside its lower-case
 * header names); the recorder's capture proxy connected with `agent: false`, so the recordings have
 * `Connection: close` and no Keep-Alive, and the replay rightly says `stack: null`.
 */
const LIVE_WIRE_NAMES_STACK: Readonly<Record<string, { readonly stack: StackName; readonly evidence: string }>> = {
  'fastify-origin-3000': { stack: 'fastify', evidence: 'Keep-Alive: timeout=72' },
  'fastify-origin-csv': { stack: 'fastify', evidence: 'Keep-Alive: timeout=72' },
  'fastify-no-credentials': { stack: 'fastify', evidence: 'Keep-Alive: timeout=72' },
};

/** The recordings name the capture proxy (`http://localhost:8081`) where corscope stands now. */
const RECORDED_API = 'http://localhost:8081';

/** Chrome's lines for each call, against the recording's (soft: the recording is history, not the claim). */
function expectAsRecorded(expect: ExpectStatic, name: string, run: StackRun, recorded: readonly RecordedCall[] | undefined): void {
  if (!recorded) return;
  const live = run.calls.map((c) => c.primary.map((l) => l.split(run.api).join(RECORDED_API)));
  expect.soft(live, `${name}: Chrome's lines per call, against the recording's`).toEqual(recorded.map((c) => c.chrome));
}

const chromium = chromiumOrReport();

if (chromium) {
  const browser = useBrowser(chromium);
  let origins: FixedOrigins | undefined;
  beforeAll(async () => {
    origins = await listenFixedOrigins();
    if (!origins.signIn) console.warn('port 9000 is taken: the redirect-to-login case asserts the diagnosis of the redirect, not the line Chrome prints for the next hop');
  });
  afterAll(() => origins?.close());

  describe.concurrent(`Chromium ${chromium.version}: real Express and Fastify apps behind corscope, Chrome's line and the diagnosis`, () => {
    it.for(rows)('%s', async ([name, stack, kase, recorded], { expect }) => {
      const run = await runStackCase(browser(), stack, kase, kase.scenario);
      expectAsRecorded(expect, name, run, recorded?.broken);
      const last = run.calls.at(-1)!;
      const logged = `corscope logged:\n${describeRecords(last.records)}\n`;
      const onCorscope = (line: string) => urlOfLine(line)?.startsWith(`${run.api}/`) === true;

      let diagnosed: ExchangeRecord | undefined;
      const predicted = last.records.find((r) => r.diagnosis?.prediction);
      if (predicted && !origins!.signIn) {
        // Port 9000 is someone else's: what Chrome prints for the next hop is not the case's.
        diagnosed = predicted;
      } else {
        expect(last.corsLines, `${name}: Chrome prints one CORS line for the last call (${describeCall(last.outcome)}); ${logged}`).toHaveLength(1);
        const line = last.corsLines[0]!;
        if (onCorscope(line)) {
          diagnosed = last.records.find((r) => r.chrome?.message === line);
          const lines = last.records.map((r) => r.chrome?.message ?? `(no line: ${r.stage} ${r.method} ${r.status} ${r.verdict})`);
          expect(diagnosed, `${name}: a record whose chrome.message is Chrome's line\n  Chrome: ${line}\n  corscope: ${lines.join('\n  corscope: ')}\n`).toBeDefined();
        } else {
          // A redirect to an origin corscope does not front: the redirect's diagnosis predicts the line.
          diagnosed = predicted;
          expect(diagnosed, `${name}: Chrome's line is about ${urlOfLine(line)}; a record predicting it; ${logged}`).toBeDefined();
          expect(diagnosed!.diagnosis!.prediction, `${name}: the prediction holds Chrome's line`).toContain(line);
        }
      }

      const expected = kase.expected ?? {};
      const code = expected.code ?? kase.intent;
      const live = LIVE_WIRE_NAMES_STACK[name];
      const stackName = live ? live.stack : expected.recognised !== undefined ? expected.recognised : expected.stack === undefined ? stack.stack : expected.stack;
      expect(diagnosed!.diagnosis, `${name}: the diagnosis; ${logged}`).toMatchObject({ code, stack: stackName });
      const diagnosis = diagnosed!.diagnosis!;
      if (stackName === stack.stack) {
        for (const evidence of [...(expected.evidence ?? []), ...(live ? [live.evidence] : [])]) {
          expect(diagnosis.evidence.join('\n'), `${name}: the diagnosis' evidence`).toContain(evidence);
        }
      }
      if (!kase.fix) return;
      if (stackName === stack.stack) {
        expect(diagnosis.fix, `${name}: the diagnosis' fix`).toContain(kase.fix.applied);
        return;
      }
      // The wire does not name the stack: the fix is the generic one, and the stack's own (what was
      // applied to the app) is what the user gets by saying the stack (--stack).
      if (stackName === null) expect(diagnosis.fix).toContain(diagnosed!.fix ?? '');
      const told = await runStackCase(browser(), stack, kase, kase.scenario, { stack: stack.stack });
      const again = told.calls.at(-1)!.records.find((r) => r.diagnosis);
      expect(again?.diagnosis, `${name} with --stack ${stack.stack}; corscope logged:\n${describeRecords(told.calls.at(-1)!.records)}\n`).toMatchObject({
        code,
        stack: stack.stack,
        evidence: expect.arrayContaining([`--stack ${stack.stack}`]),
      });
      expect(again!.diagnosis!.fix).toContain(kase.fix.applied);
    });

    it.for(rows.filter(([, , kase]) => kase.fix))('%s: fixed, Chrome and corscope accept the call', async ([name, stack, kase, recorded], { expect }) => {
      const run = await runStackCase(browser(), stack, kase, kase.fix!.scenario);
      expectAsRecorded(expect, name, run, recorded?.fixed);
      const last = run.calls.at(-1)!;
      expect(last.corsLines, `${name} fixed: Chrome's CORS lines for the last call`).toEqual([]);
      const blocked = last.records.filter((r) => r.verdict === 'blocked');
      expect(describeRecords(blocked), `${name} fixed: corscope's blocked records for the last call`).toBe(describeRecords([]));
      expect(describeCall(last.outcome), `${name} fixed: the last call`).toMatch(/^resolved /);
    });
  });
}
