/**
 * What the stack profiles' tests (test/diagnose/stacks/<stack>.test.ts) share: a recorded fixture
 * (test/fixtures/servers/<stack>.json) read back as the diagnosis sees it (the answer Chrome
 * blocked, its StackEvidence and FixContext), answers written by hand or from a stack's source, and
 * the tests every profile runs over its recording. Each test file keeps only what is its stack's:
 * the fingerprints and fixes it expects, and the answers of other stacks it must not claim.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { judge } from '../../src/cors/index.js';
import type { HeaderLine, Verdict } from '../../src/cors/types.js';
import { fixContext } from '../../src/diagnose/context.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { EMPTY_HISTORY, type BodyExcerpt, type Diagnosis, type DiagnosisCode, type FixContext, type Observation, type ServerHistory, type StackEvidence, type StackName, type StackProfile } from '../../src/diagnose/types.js';
import type { RecordedCall, RecordedExchange, ServerCase } from './servers.js';

// ---- the recordings ------------------------------------------------------------------------------

/** A recorded case as the stack tests read it: with its fix, and the fingerprints its blocked answer shows. */
export type StackCase = ServerCase & {
  readonly fix: NonNullable<ServerCase['fix']>;
  readonly expected: Omit<NonNullable<ServerCase['expected']>, 'evidence'> & { readonly evidence: string[] };
};

export interface StackFixture {
  /** The page's origin the calls were made from. */
  readonly page: string;
  readonly server: string;
  readonly cases: StackCase[];
}

const FIXTURES = new URL('../fixtures/servers/', import.meta.url);

export function loadFixture(stack: StackName): StackFixture {
  return JSON.parse(readFileSync(new URL(`${stack}.json`, FIXTURES), 'utf8')) as StackFixture;
}

export function caseNamed(fixture: StackFixture, name: string): StackCase {
  const c = fixture.cases.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no case ${name} in the fixture`);
  return c;
}

/** The exchanges of a call that went through corscope's place and were answered, in order. */
export const apiAnswers = (call: RecordedCall): RecordedExchange[] => call.exchanges.filter((x) => x.target === 'api' && x.response !== undefined);

/** A recorded exchange as the diagnosis sees it: the body excerpt decoded, typed by the answer's Content-Type. */
export function observation(x: RecordedExchange): Observation {
  const type = x.response?.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
  return {
    stage: x.stage,
    request: x.request,
    response: x.response ?? { status: 0, headers: [] },
    ...(x.body ? { body: { text: Buffer.from(x.body.base64, 'base64').toString('utf8'), type, bytes: x.body.bytes, truncated: x.body.truncated } } : {}),
  };
}

/** What recognition reads of an answer: its lines and body, the answers paired with it (newest first), no identity. */
export function evidenceOf(o: Observation, related: readonly Observation[] = []): StackEvidence {
  return { stage: o.stage, status: o.response.status, headers: o.response.headers, ...(o.body ? { body: o.body } : {}), related: related.map((r) => r.response), identity: [] };
}

export interface Failing {
  readonly exchange: Observation;
  readonly verdict: Verdict;
  readonly preflight?: { readonly observation: Observation; readonly verdict: Verdict };
}

/**
 * The exchange Chrome blocked in the case's last call (its preflight if that failed, else the
 * request, or the redirect that left for the sign-in page), judged with the page's credentials mode.
 */
export function failing(c: StackCase): Failing {
  const last = c.calls.at(-1) as RecordedCall;
  const credentials = last.call.credentials === 'include' ? 'include' : 'omit';
  const judged = (o: Observation) => judge({ ...o, context: { credentials } });
  const exchanges = apiAnswers(last);
  const pre = exchanges.find((e) => e.stage === 'preflight');
  const req = exchanges.find((e) => e.stage === 'request');
  if (pre) {
    const preflight = observation(pre);
    const verdict = judged(preflight);
    if (verdict.verdict === 'blocked' || !req) return { exchange: preflight, verdict };
    const exchange = observation(req);
    return { exchange, verdict: judged(exchange), preflight: { observation: preflight, verdict } };
  }
  const exchange = observation(req as RecordedExchange);
  return { exchange, verdict: judged(exchange) };
}

/** The blocked answer as recognition reads it: with its paired preflight. */
export function blockedEvidence(c: StackCase): StackEvidence {
  const { exchange, preflight } = failing(c);
  return evidenceOf(exchange, preflight ? [preflight.observation] : []);
}

/**
 * The fix writer's facts for the case's blocked answer, with the case's intent as the code and the
 * answer's Location resolved against the request (`location: false` leaves it out).
 */
export function contextFor(c: StackCase, options: { readonly location?: boolean } = {}): FixContext {
  const f = failing(c);
  const raw = options.location === false ? undefined : f.exchange.response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
  const location = raw === undefined ? undefined : new URL(raw, f.exchange.request.url).href;
  return fixContext(f, { code: c.intent, evidence: [], ...(location ? { location } : {}) });
}

/** Every answer of the cases' broken and fixed calls, titled `<case> #<call> <stage> <status>` (calls counted across both runs). */
export const answersOf = (cases: readonly StackCase[]): (readonly [string, RecordedExchange])[] =>
  cases.flatMap((c) => [...c.calls, ...c.fix.calls].flatMap((run, i) => apiAnswers(run).map((e) => [`${c.name} #${i} ${e.stage} ${e.response?.status}`, e] as const)));

/**
 * Every answer of the broken runs, then of the fixed ones, titled `<case> broken|fixed <stage>
 * <METHOD> <path> <status>`, with the earlier answers of the same call (its preflight, the
 * redirect), newest first.
 */
export const answersInRuns = (cases: readonly StackCase[]): (readonly [string, StackCase, RecordedExchange, RecordedExchange[]])[] =>
  cases.flatMap((c) =>
    (['broken', 'fixed'] as const).flatMap((run) =>
      (run === 'broken' ? c.calls : c.fix.calls).flatMap((call) =>
        apiAnswers(call).map((x, i, api) => [`${c.name} ${run} ${x.stage} ${x.request.method} ${new URL(x.request.url).pathname} ${x.response?.status}`, c, x, api.slice(0, i).reverse()] as const),
      ),
    ),
  );

/** The answers of one call, each with what the diagnosis pairs it with: its preflight, or the redirect that led to it. */
export function pairedAnswers(run: RecordedCall): { e: RecordedExchange; related: RecordedExchange[] }[] {
  const api = apiAnswers(run);
  return api.map((e, i) => {
    const prev = api[i - 1];
    const paired = prev && e.stage === 'request' && (prev.stage === 'preflight' || ((prev.response?.status ?? 0) >= 300 && (prev.response?.status ?? 0) < 400));
    return { e, related: paired ? [prev] : [] };
  });
}

/** Every answer with what it is paired with, titled `<case> broken|fixed #<call> <stage> <status>`. */
export const pairedAnswersInRuns = (cases: readonly StackCase[]): (readonly [string, RecordedExchange, RecordedExchange[]])[] =>
  cases.flatMap((c) =>
    (
      [
        ['broken', c.calls],
        ['fixed', c.fix.calls],
      ] as const
    ).flatMap(([label, runs]) => runs.flatMap((run, i) => pairedAnswers(run).map(({ e, related }) => [`${c.name} ${label} #${i} ${e.stage} ${e.response?.status}`, e, related] as const))),
  );

/** Another stack's recorded answers, each as bare evidence, titled `<stack> <case> #<call> <stage> <status>`. */
export const otherStackAnswers = (...stacks: StackName[]): [string, StackEvidence][] =>
  stacks.flatMap((stack) => answersOf(loadFixture(stack).cases).map(([name, e]): [string, StackEvidence] => [`${stack} ${name}`, evidenceOf(observation(e))]));

/** Every answered exchange of another stack's broken runs, as bare evidence, titled `<stack> <case> <stage> <status>`. */
export const brokenRunAnswers = (stack: StackName): [string, StackEvidence][] =>
  loadFixture(stack).cases.flatMap((c) =>
    c.calls.flatMap((run) => run.exchanges.filter((e) => e.response).map((e): [string, StackEvidence] => [`${stack} ${c.name} ${e.stage} ${e.response?.status}`, evidenceOf(observation(e))])),
  );

/**
 * Every API answer of every recorded fixture, titled `<case> #<call> <stage> <status>`, as bare
 * evidence whose body has no type: what a stack recognised from source alone must not claim.
 */
export function everyRecordedAnswer(): [string, StackEvidence][] {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  return files.flatMap((file) => {
    const f = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as { cases: ServerCase[] };
    return f.cases.flatMap((c) =>
      [...c.calls, ...(c.fix?.calls ?? [])].flatMap((run, i) =>
        apiAnswers(run).map((x): [string, StackEvidence] => {
          const response = x.response as NonNullable<RecordedExchange['response']>;
          const text = x.body ? Buffer.from(x.body.base64, 'base64').toString('utf8') : undefined;
          return [`${c.name} #${i} ${x.stage} ${response.status}`, { stage: x.stage, status: response.status, headers: response.headers, ...(text !== undefined ? { body: { text, type: null, bytes: text.length, truncated: false } } : {}), related: [], identity: [] }];
        }),
      ),
    );
  });
}

// ---- answers written by hand ---------------------------------------------------------------------

/** A body excerpt of `text`, whole. */
export const textBody = (text: string, type: string | null): BodyExcerpt => ({ text, type, bytes: text.length, truncated: false });

/** An answer with nothing paired and no identity. */
export const bare = (stage: 'preflight' | 'request', status: number, headers: HeaderLine[], body?: BodyExcerpt): StackEvidence => ({
  stage,
  status,
  headers,
  ...(body ? { body } : {}),
  related: [],
  identity: [],
});

/** An answer of another stack: headers, then what differs from a bodiless 200 to a request (the body typed `type`). */
export const otherAnswer = (headers: HeaderLine[], status = 200, text?: string, stage: 'preflight' | 'request' = 'request', type = 'text/plain'): StackEvidence =>
  bare(stage, status, headers, text !== undefined ? textBody(text, type) : undefined);

/** Hand-written answers of application stacks (no proxy in front), as they come on the wire. */
export const APP_ANSWERS: [string, StackEvidence][] = [
  ['Flask with flask-cors defaults', bare('preflight', 200, [['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'PUT, OPTIONS, GET, HEAD'], ['Access-Control-Allow-Methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT']])],
  ['Express 404', bare('preflight', 404, [['X-Powered-By', 'Express'], ['Content-Security-Policy', "default-src 'none'"]], textBody('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot OPTIONS /api/items</pre>\n</body>\n</html>\n', 'text/html; charset=utf-8'))],
  ['uvicorn', bare('request', 500, [['server', 'uvicorn'], ['content-type', 'text/plain; charset=utf-8']], textBody('Internal Server Error', 'text/plain; charset=utf-8'))],
  ['Go net/http 404', bare('request', 404, [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']], textBody('404 page not found\n', 'text/plain; charset=utf-8'))],
  ['Kestrel', bare('preflight', 405, [['Server', 'Kestrel'], ['Allow', 'GET, PUT']])],
  ['Puma', bare('request', 401, [['Server', 'Puma'], ['Content-Type', 'application/json']], textBody('{"error":"unauthorized"}', 'application/json'))],
];

// ---- answers written from a stack's source (nothing recorded) ------------------------------------

/** The page the written answers are for. */
export const PAGE = 'http://localhost:5173';

/** One whole answer as the named source writes it, with the request it answers. */
export interface WrittenAnswer {
  stage: 'preflight' | 'request';
  request: { method: string; path: string; headers: HeaderLine[] };
  status: number;
  headers: HeaderLine[];
  body?: string;
}

/** The page's preflight for `method` on /api/items/1, asking for the `asked` headers. */
export const writtenPreflight = (method: string, asked?: string): WrittenAnswer['request'] => ({
  method: 'OPTIONS',
  path: '/api/items/1',
  headers: [['Origin', PAGE], ['Access-Control-Request-Method', method], ...(asked ? [['Access-Control-Request-Headers', asked] as HeaderLine] : [])],
});

/** The page's `method` call on /api/items, with `headers` besides its Origin. */
export const writtenCall = (method: string, headers: HeaderLine[] = []): WrittenAnswer['request'] => ({ method, path: '/api/items', headers: [['Origin', PAGE], ...headers] });

/** A written answer as the diagnosis sees it, from the server at `api`. */
export function writtenObservation(api: string, a: WrittenAnswer): Observation {
  const type = a.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
  return {
    stage: a.stage,
    request: { method: a.request.method, url: api + a.request.path, headers: a.request.headers },
    response: { status: a.status, headers: a.headers },
    ...(a.body !== undefined ? { body: { text: a.body, type, bytes: a.body.length, truncated: false } } : {}),
  };
}

/** A written answer as recognition reads it, with the written answers paired with it. */
export function writtenEvidence(api: string, a: WrittenAnswer, related: WrittenAnswer[] = []): StackEvidence {
  return evidenceOf(writtenObservation(api, a), related.map((r) => writtenObservation(api, r)));
}

/** The real diagnose() on a written answer Chrome blocks (it says so first), with the server's history. */
export function diagnoseWritten(api: string, a: WrittenAnswer, credentials: 'include' | 'omit' = 'omit', history: ServerHistory = EMPTY_HISTORY): Diagnosis | undefined {
  const exchange = writtenObservation(api, a);
  const verdict = judge({ stage: exchange.stage, request: exchange.request, response: exchange.response, context: { credentials, pageOrigin: PAGE } });
  expect(verdict.verdict).toBe('blocked');
  return diagnose({ exchange, verdict, history, ...(credentials === 'include' ? { usesCredentials: true } : {}) });
}

/** A fix context for the page's PUT with Content-Type to /api/items/1, answered `status`, nothing allowed. */
export const baseContext = (status: number): FixContext => ({
  code: 'no-cors',
  origin: PAGE,
  method: 'PUT',
  requestHeaders: ['content-type'],
  credentials: false,
  allowedMethods: [],
  allowedHeaders: [],
  missingMethods: [],
  missingHeaders: [],
  allowOrigin: null,
  status,
  path: '/api/items/1',
  headerFix: '',
});

const DIAGNOSIS_CODES: DiagnosisCode[] = [
  'no-cors',
  'origin-not-allowed',
  'origin-fixed-other',
  'origin-malformed',
  'wildcard-with-credentials',
  'credentials-not-allowed',
  'duplicate-layers',
  'route-overrides',
  'auth-before-cors',
  'preflight-unhandled',
  'error-without-cors',
  'route-excluded',
  'method-not-allowed',
  'header-not-allowed',
  'redirect-before-cors',
  'redirect-target-no-cors',
  'redirect-to-login',
  'preflight-status',
];

// ---- what a profile says -------------------------------------------------------------------------

/** Every fingerprint as `<weight> <evidence>`, in the profile's order. */
export const prints = (profile: StackProfile, e: StackEvidence): string[] => profile.recognise(e).map((f) => `${f.weight} ${f.evidence}`);

/** The evidence of the strong fingerprints only. */
export const strongOf = (profile: StackProfile, e: StackEvidence): string[] =>
  profile
    .recognise(e)
    .filter((f) => f.weight === 'strong')
    .map((f) => f.evidence);

// ---- the tests every profile runs ----------------------------------------------------------------

type ContextOf = (c: StackCase) => FixContext;

/** Each recorded answer carries `evidence` among its strong fingerprints. */
export function itMarksEveryAnswer(profile: StackProfile, fixture: StackFixture, evidence: string, title = `%s carries ${evidence}`): void {
  it.each(answersOf(fixture.cases))(title, (_, e) => {
    expect(strongOf(profile, evidenceOf(observation(e)))).toContain(evidence);
  });
}

/**
 * Each recorded answer (with the earlier answers of its call) has a strong fingerprint, or its case
 * says why it has none; the blocked answer shows exactly the fingerprints its case expects.
 */
export function itRecognisesTheRecording(profile: StackProfile, fixture: StackFixture): void {
  it.each(answersInRuns(fixture.cases))('%s: a strong fingerprint, or the case says why there is none', (_, c, x, earlier) => {
    const strong = strongOf(profile, evidenceOf(observation(x), earlier.map(observation)));
    if (strong.length === 0) expect(c.expected.why).toMatch(/\w/);
    else expect(strong.length).toBeGreaterThan(0);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the blocked answer shows exactly the expected fingerprints', (_, c) => {
    expect(c.expected.stack).toBe(profile.name);
    expect(profile.recognise(blockedEvidence(c)).map((f) => f.evidence)).toEqual(c.expected.evidence);
  });
}

/**
 * Each recorded answer (with what it is paired with) has a strong fingerprint, unless `noStrong`
 * says why not (by `pairedAnswersInRuns` title); `noStrong` names only recorded answers.
 */
export function itNamesEachAnswerOrSaysWhy(profile: StackProfile, fixture: StackFixture, noStrong: Readonly<Record<string, string>>): void {
  const answers = pairedAnswersInRuns(fixture.cases);
  it.each(answers)('%s: a strong fingerprint, or the reason there is none', (key, e, related) => {
    const found = strongOf(profile, evidenceOf(observation(e), related.map(observation)));
    if (key in noStrong) expect(found).toEqual([]);
    else expect(found.length).toBeGreaterThan(0);
  });

  it('documents only answers that were recorded', () => {
    const keys: string[] = answers.map(([key]) => key);
    expect(Object.keys(noStrong).filter((k) => !keys.includes(k))).toEqual([]);
  });
}

/** Every fingerprint of each case's blocked answer, as `<weight> <evidence>`; `expected` lists every case, in order. */
export function itPrintsTheBlockedAnswers(profile: StackProfile, fixture: StackFixture, expected: [string, string[]][], evidence: (c: StackCase) => StackEvidence = blockedEvidence): void {
  it.each(expected)('%s: the blocked answer', (name, want) => {
    expect(prints(profile, evidence(caseNamed(fixture, name)))).toEqual(want);
  });

  it('covers every recorded case', () => {
    expect(expected.map(([n]) => n)).toEqual(fixture.cases.map((c) => c.name));
  });
}

/** Each case's blocked answer shows every piece of evidence the case expects. */
export function itShowsTheExpectedEvidence(profile: StackProfile, fixture: StackFixture): void {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the evidence its case expects', (_, c) => {
    const found = prints(profile, blockedEvidence(c)).join('\n');
    for (const e of c.expected.evidence) expect(found).toContain(e);
  });
}

/** None of `answers` (answers of other stacks) gives a strong fingerprint. */
export function itFindsNoStrongFingerprint(profile: StackProfile, answers: (readonly [string, StackEvidence])[], title = '%s: no strong fingerprint'): void {
  it.each(answers)(title, (_, e) => {
    expect(strongOf(profile, e)).toEqual([]);
  });
}

/** How a fix test reads a case: `title` gets the case's name, then its intent; `context` gives the fix writer's facts. */
interface FixOptions {
  readonly title?: string;
  readonly context?: ContextOf;
}

/** For each case, the fix for its intent holds what the recorded fix applied. */
export function itFixesEveryCase(profile: StackProfile, fixture: StackFixture, { title = '%s: the fix for its intent holds what was applied', context = contextFor }: FixOptions = {}): void {
  it.each(fixture.cases.map((c) => [c.name, c.intent, c] as const))(title, (_, __, c) => {
    expect(profile.fix(context(c))).toContain(c.fix.applied);
  });
}

/** The whole fix for each named case. */
export function itWritesTheWholeFix(profile: StackProfile, fixture: StackFixture, expected: [string, string][], { context = contextFor }: FixOptions = {}): void {
  it.each(expected)('%s: the whole fix', (name, text) => {
    expect(profile.fix(context(caseNamed(fixture, name)))).toBe(text);
  });
}

/** The whole fix for each code, from `base` with the row's changes (the title shows the code and the changes). */
export function itFixesPerCode(profile: StackProfile, base: FixContext, cases: [DiagnosisCode, Partial<FixContext>, string][]): void {
  it.each(cases)('%s: %o', (code, over, expected) => {
    expect(profile.fix({ ...base, ...over, code })).toBe(expected);
  });
}

/** A fix (some text) for every diagnosis code, from `base` with only the code changed. */
export function itWritesAFixForEveryCode(profile: StackProfile, base: FixContext): void {
  it('writes a fix for every code', () => {
    for (const code of DIAGNOSIS_CODES) expect(profile.fix({ ...base, code }), code).toMatch(/\S/);
  });
}
