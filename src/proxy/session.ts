/**
 * Per-exchange bookkeeping: what the browser sent, what the memory of earlier exchanges says about
 * it, and turning a response head into a verdict, a patch and a record.
 */
import { performance } from 'node:perf_hooks';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { classifyRequest, credentialsOf, firstHeaderValue, judge, normalizedHeader } from '../cors/index.js';
import type { ExchangeContext, HeaderLine, RequestSnapshot, ResponseSnapshot, Stage, Verdict } from '../cors/types.js';
import { buildRecord, judgedFields, levelFor, summarize, withBrowsers, withHeaders, type CredentialsSign, type ExchangeRecord, type UpstreamFailure } from '../log/record.js';
import { keepWire } from '../log/wire.js';
import { diagnose, observe } from '../diagnose/index.js';
import type { BodyExcerpt, DiagnosisInput, Observation, ServerHistory, StackName } from '../diagnose/types.js';
import { browserOrigin, browserUrl, initiatorOf, requestSnapshot } from './exchange.js';
import type { ResolvedOptions } from './options.js';
import { applyPatch, mayPatch, withExpose } from './patch.js';
import type { EchoMemory, PreflightPairing, RedirectMemory, SeenPreflight } from './pairing.js';
import { deepFreeze, judgmentKey, type Judgment, type JudgmentCache } from './judgments.js';
import type { CookieFact } from '../cookies/index.js';

export interface Memory {
  readonly pairing: PreflightPairing;
  readonly redirects: RedirectMemory;
  readonly echoes: EchoMemory;
  readonly judgments: JudgmentCache;
  /** What the target did before, for the diagnosis (a new fact replaces it: it is immutable). */
  history: ServerHistory;
  /** Page origins seen sending cookies to the target (bounded): the sign that they use credentials. */
  readonly credentialed: Set<string>;
  /** Set while an inspector follows: each record keeps references to its header lines (log/wire.ts). */
  keepWire?: boolean;
  nextId(): string;
  /** The page-visible origins of every target corscope fronts, seen from a request that came in at `addressed`. */
  frontedOrigins(addressed: string): readonly string[];
}

/** Page origins remembered as sending cookies. */
const CREDENTIALED_ORIGINS = 16;

/** One browser request on its way through corscope. */
export interface Session {
  readonly start: number;
  readonly request: RequestSnapshot;
  readonly browserOrigin: string;
  readonly stage: Stage;
  readonly cors: boolean;
  readonly origin: string | null;
  readonly context: ExchangeContext;
  /** Set once the id is known (reserved by a preflight, or new). */
  id: string;
  /** On an actual request: the preflight that let it through. */
  preflight?: string;
  /** Set when corscope's own timeout cut the wait for the target (504, not 502). */
  timedOut: boolean;
  /** The request to the target, once it has a socket (what the timeout cuts). */
  upstream: ClientRequest | undefined;
  /** What that socket had read before (a pooled one has read earlier answers); -1 until then. */
  readBefore: number;
  /** The head written to the browser, once it is. */
  sent?: { readonly status: number; readonly headers: readonly HeaderLine[] };
  /** The target's response, once its head came. */
  response?: IncomingMessage;
  /** Sent again on a fresh connection after a pooled one turned out closed (at most once). */
  retried?: boolean;
  /** On an actual request: the preflight that let it through, as answered. */
  preflightSeen?: SeenPreflight;
  /** After a redirect corscope saw: that redirect answer. */
  redirectedBy?: Observation;
  /** The stack named for the target that redirected here (`stack` of that target). */
  redirectedByStack?: StackName;
}

export function openSession(req: IncomingMessage, options: ResolvedOptions, memory: Memory, fallbackHost: string): Session {
  const url = browserUrl(req, options.publicUrl, fallbackHost);
  return startSession(requestSnapshot(req, url), browserOrigin(req, options.publicUrl, fallbackHost), options, memory);
}

/** A session from plain data: the request as the browser sent it and the origin it addressed. */
export function startSession(request: RequestSnapshot, addressed: string, options: ResolvedOptions, memory: Memory): Session {
  const start = performance.now();
  const { url } = request;
  const classification = classifyRequest(request);
  const stage: Stage = 'stage' in classification ? classification.stage : 'request';
  const cors = 'stage' in classification;
  const origin = firstHeaderValue(request.headers, 'origin') ?? null;
  const hop = cors && origin ? memory.redirects.recall(origin, url, stage === 'request') : undefined;
  const credentials = credentialsOf(request, stage);
  if (credentials === 'include' && origin && !memory.credentialed.has(origin)) {
    if (memory.credentialed.size >= CREDENTIALED_ORIGINS) memory.credentialed.delete(memory.credentialed.values().next().value!);
    memory.credentialed.add(origin);
  }
  const context: ExchangeContext = {
    initiator: initiatorOf(request, options.initiator),
    credentials,
    wording: options.wording,
    ...(hop ? { redirect: hop.tainted ? { initialUrl: hop.initialUrl, tainted: true } : { initialUrl: hop.initialUrl } } : {}),
    ...(hop?.tainted ? { pageOrigin: hop.tainted.pageOrigin } : {}),
    ...(cors && origin ? { otherOriginsEchoed: memory.echoes.others(origin) } : {}),
  };
  const session: Session = { start, request, browserOrigin: addressed, stage, cors, origin, context, id: '', timedOut: false, upstream: undefined, readBefore: -1 };
  const paired = cors && origin && stage === 'request' ? memory.pairing.pair(origin, url, request.method) : undefined;
  session.id = paired?.reservedId ?? memory.nextId();
  if (paired) session.preflight = paired.preflight;
  if (paired?.seen) session.preflightSeen = paired.seen;
  if (hop?.redirect) session.redirectedBy = hop.redirect;
  if (hop?.stack) session.redirectedByStack = hop.stack;
  return session;
}

export interface Outcome {
  readonly status: number;
  /** The head the browser gets; shared with the judgment cache, so never changed in place. */
  readonly headers: readonly HeaderLine[];
  readonly record: ExchangeRecord;
  /** Set when the verdict came from (or went into) the judgment cache: the logger reuses its child. */
  readonly judgment?: Judgment;
  /** Set when the record wants a diagnosis: what it needs but the body (see `settle`). */
  readonly pending?: DiagnosisInput;
}

/**
 * Judge what the browser is about to receive, apply patch mode if it applies, and remember what
 * later exchanges need (pairing, echoed origins). The record carries the unpatched verdict.
 */
export function conclude(
  session: Session,
  response: ResponseSnapshot,
  options: ResolvedOptions,
  memory: Memory,
  upstream?: UpstreamFailure,
  cookies?: readonly CookieFact[],
): Outcome {
  const sign = session.cors && session.origin ? signOf(session.origin, response, memory) : undefined;
  // A failure of the target is rare and its record carries the error: judged every time. What was
  // said of the cookies is part of the key: two Set-Cookie lines may read the same once rewritten.
  const key = upstream ? undefined : judgmentKey(session.stage, session.request, response, session.context) + (sign ?? '') + (cookies ? JSON.stringify(cookies) : '');
  const known = key === undefined ? undefined : memory.judgments.get(key);
  if (known) return repeat(session, known, response, options, memory);
  const verdict = judge({ stage: session.stage, request: session.request, response, context: session.context });
  let status = response.status;
  let headers: readonly HeaderLine[] = response.headers;
  const record = makeRecord(session, verdict, status, options, upstream, sign, cookies);
  withBrowsers(record, { stage: session.stage, request: session.request, response, context: session.context }, verdict, options.browsers, options.headline);
  if (session.cors && mayPatch(options, verdict.origin)) {
    const patched = applyPatch(status, headers, withExpose(verdict.patch, options.expose, session.stage));
    if (patched.record) {
      status = patched.status;
      headers = patched.headers;
      record.patched = patched.record;
      record.msg = summarize(record);
    }
  }
  const pending = diagnosisInput(session, verdict, response, record, options, memory);
  // Only new kinds of answer teach the history anything (a repeat is the same answer again).
  if (session.cors) memory.history = observe(memory.history, { stage: session.stage, request: session.request, response });
  let judgment: Judgment | undefined;
  if (key !== undefined && memory.judgments.admit(key)) {
    const fields = deepFreeze(judgedFields(record));
    const echoesCredentials = session.origin !== null && echoedWithCredentials(response.headers, session.origin);
    judgment = { verdict, status, headers, fields, msg: record.msg, level: levelFor(record), echoesCredentials, repeats: 0 };
    memory.judgments.set(key, judgment);
  }
  return finish(session, verdict, response, headers, options, memory, { status, headers, record, ...(judgment ? { judgment } : {}), ...(pending ? { pending } : {}) });
}

/**
 * The credentials sign (see `CredentialsSign`): the page sent cookies here before, or the target
 * says it expects credentials.
 */
function signOf(origin: string, response: ResponseSnapshot, memory: Memory): CredentialsSign | undefined {
  if (memory.credentialed.has(origin)) return 'cookies-before';
  if (memory.history.allowsCredentials || firstHeaderValue(response.headers, 'access-control-allow-credentials') === 'true') return 'allow-credentials';
  return undefined;
}

/**
 * What the diagnosis needs, when the record wants one: a blocked call, a conditional one with a
 * sign that the page uses credentials, and a redirect (it may leave for an origin corscope cannot
 * follow). Cheap to make; `settle` runs the diagnosis once the body's first bytes are in.
 */
function diagnosisInput(session: Session, verdict: Verdict, response: ResponseSnapshot, record: ExchangeRecord, options: ResolvedOptions, memory: Memory): DiagnosisInput | undefined {
  if (!session.cors) return undefined;
  const failing = verdict.verdict === 'blocked' || (verdict.verdict === 'conditional' && record.credentialsSign !== undefined);
  const redirect = session.stage === 'request' && response.status >= 300 && response.status < 400;
  if (!failing && !redirect) return undefined;
  return {
    exchange: { stage: session.stage, request: session.request, response },
    verdict,
    history: memory.history,
    frontedOrigins: memory.frontedOrigins(session.browserOrigin),
    ...(session.origin && memory.credentialed.has(session.origin) ? { usesCredentials: true } : {}),
    ...(session.preflightSeen ? { preflight: session.preflightSeen } : {}),
    ...(session.redirectedBy ? { redirectedBy: session.redirectedBy } : {}),
    ...(session.redirectedByStack ? { redirectedByStack: session.redirectedByStack } : {}),
    ...(options.stack ? { stack: options.stack } : {}),
  };
}

/** What `publish` takes: a record, the judgment it came from and the diagnosis it waits for. */
export type Published = Pick<Outcome, 'record'> & Partial<Pick<Outcome, 'judgment' | 'pending'>>;

/** Runs the pending diagnosis, with the body's first bytes when they were read. */
export function settle(outcome: Published, body?: BodyExcerpt): void {
  const { pending, record, judgment } = outcome;
  if (!pending) return;
  const read = body !== undefined && body.bytes > 0;
  if (read) record.body = body;
  // The same exchange again, with no body to read: its diagnosis is the one made the first time.
  const diagnosis = read ? diagnose({ ...pending, exchange: { ...pending.exchange, body } }) : judgment ? (judgment.diagnosis ??= diagnose(pending)) : diagnose(pending);
  if (diagnosis) record.diagnosis = diagnosis;
}

/** The same exchange again: only the id, the timing and the pairing are new. */
function repeat(session: Session, judgment: Judgment, response: ResponseSnapshot, options: ResolvedOptions, memory: Memory): Outcome {
  judgment.repeats++;
  const record: ExchangeRecord = {
    ...judgment.fields,
    id: session.id,
    preflight: session.preflight,
    request: undefined,
    durationMs: elapsed(session),
    msg: judgment.msg,
  };
  const pending = diagnosisInput(session, judgment.verdict, response, record, options, memory);
  const outcome = { status: judgment.status, headers: judgment.headers, record, judgment, ...(pending ? { pending } : {}) };
  return finish(session, judgment.verdict, response, judgment.headers, options, memory, outcome);
}

function finish(
  session: Session,
  verdict: Verdict,
  response: ResponseSnapshot,
  sent: readonly HeaderLine[],
  options: ResolvedOptions,
  memory: Memory,
  outcome: Outcome,
): Outcome {
  remember(session, verdict, response, memory, outcome.record, outcome.judgment?.echoesCredentials);
  if (options.logger?.isLevelEnabled('debug')) withHeaders(outcome.record, session.request.headers, sent, options.logSecrets);
  if (memory.keepWire) keepWire(outcome.record, { request: session.request.headers, response: response.headers, sent }, outcome.judgment);
  return outcome;
}

/** `--answer-preflight`: corscope's own 204 with exactly what the engine says Chrome needs. */
export function answerPreflight(session: Session, options: ResolvedOptions, memory: Memory): Outcome {
  const unanswered = judge({ stage: 'preflight', request: session.request, response: { status: 204, headers: [] }, context: session.context });
  const patched = applyPatch(204, [], unanswered.patch);
  const verdict = judge({ stage: 'preflight', request: session.request, response: { status: 204, headers: patched.headers }, context: session.context });
  const record = makeRecord(session, verdict, 204, options);
  record.patched = { removed: [], added: patched.record?.added ?? [], answeredPreflight: true };
  record.msg = summarize(record);
  remember(session, verdict, { status: 204, headers: patched.headers }, memory, record);
  if (memory.keepWire) keepWire(record, { request: session.request.headers, response: [], sent: patched.headers, unanswered: true });
  return { status: 204, headers: patched.headers, record };
}

function makeRecord(
  session: Session,
  verdict: Verdict,
  status: number,
  options: ResolvedOptions,
  upstream?: UpstreamFailure,
  credentialsSign?: CredentialsSign,
  cookies?: readonly CookieFact[],
): ExchangeRecord {
  const record = buildRecord({
    id: session.id,
    verdict,
    method: session.request.method,
    url: session.request.url,
    status,
    durationMs: elapsed(session),
    ...(session.context.redirect ? { redirectedFrom: session.context.redirect.initialUrl } : {}),
    ...(upstream ? { upstream } : {}),
    ...(credentialsSign ? { credentialsSign } : {}),
    ...(cookies ? { cookies } : {}),
    logSecrets: options.logSecrets,
  });
  if (session.preflight) record.preflight = session.preflight;
  return record;
}

function elapsed(session: Session): number {
  return Math.round((performance.now() - session.start) * 10) / 10;
}

/**
 * What later exchanges need: the pairing (a preflight that passed announces its actual request)
 * and the origins the target echoes with credentials (the context's `otherOriginsEchoed`).
 * `echoesCredentials`, when the judgment cache knows it, spares the header scans.
 */
function remember(
  session: Session,
  verdict: Verdict,
  response: ResponseSnapshot,
  memory: Memory,
  record: ExchangeRecord,
  echoesCredentials?: boolean,
): void {
  if (!session.cors || !session.origin) return;
  if (session.stage === 'preflight' && (verdict.verdict !== 'blocked' || record.patched)) {
    const method = firstHeaderValue(session.request.headers, 'access-control-request-method') ?? '';
    const requestId = memory.nextId();
    const seen = { observation: { stage: session.stage, request: session.request, response }, verdict, id: session.id };
    memory.pairing.remember(session.origin, session.request.url, method, session.id, requestId, verdict.maxAgeSeconds, seen);
    record.request = requestId;
  }
  if (echoesCredentials ?? echoedWithCredentials(response.headers, session.origin)) memory.echoes.add(session.origin);
}

/** The response echoes `origin` in Access-Control-Allow-Origin and allows credentials. */
function echoedWithCredentials(headers: readonly HeaderLine[], origin: string): boolean {
  return normalizedHeader(headers, 'access-control-allow-origin') === origin && normalizedHeader(headers, 'access-control-allow-credentials') === 'true';
}
