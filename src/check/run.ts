/**
 * `runCheck`: make the calls Chrome would make for one page request (preflight, actual request,
 * redirects, each re-preflighted when needed), judge every answer with the engine and stop where
 * Chrome would stop (Fetch §4.4 "HTTP-redirect fetch", §4.8 "CORS-preflight fetch"; Chromium
 * `CorsURLLoader`).
 */
import { accessControlRequestHeaders, isSameOrigin, judge, needsPreflight, normalizeMethod, schemeError, urlOrigin, urlScheme } from '../cors/index.js';
import type { ExchangeContext, HeaderLine, RequestSnapshot, ResponseSnapshot, Verdict } from '../cors/types.js';
import { refusedBeforeSending } from '../cors/browsers/index.js';
import { buildRecord, summarize, withBrowsers, type ExchangeRecord } from '../log/record.js';
import { bodyExcerpt } from '../log/body.js';
import { diagnose, observe } from '../diagnose/index.js';
import type { Observation, ServerHistory } from '../diagnose/types.js';
import type { CheckOptions } from './options.js';
import { followRedirect, type Hop } from './redirect.js';
import { send, type NetworkFailure, type SendResult } from './send.js';
import { actualRequest, preflightRequest, type Call } from './wire.js';

export interface CheckFailure extends NetworkFailure {
  /** The net error Chrome would report instead of a CORS line (`Failed to load resource: net::…`). */
  readonly chrome?: string;
}

export interface WireExchange {
  readonly request: RequestSnapshot;
  readonly stage?: 'preflight' | 'request';
  readonly status?: number;
  readonly responseHeaders?: readonly HeaderLine[];
  /** What was malformed in the answer's head (Node's parser refused it; Chrome reads it). */
  readonly malformed?: readonly string[];
}

function exchangeOf(request: RequestSnapshot, sent: Extract<SendResult, { response: unknown }>): WireExchange {
  const exchange = { request, status: sent.response.status, responseHeaders: sent.response.headers };
  return sent.malformed ? { ...exchange, malformed: sent.malformed } : exchange;
}

/** The answer as the diagnosis reads it: the error body's first bytes decoded and redacted. */
function observationOf(stage: 'preflight' | 'request', request: RequestSnapshot, sent: Extract<SendResult, { response: unknown }>, options: CheckOptions): Observation {
  const observation = { stage, request, response: sent.response };
  if (!sent.body) return observation;
  return { ...observation, body: bodyExcerpt({ ...sent.body, responseHeaders: sent.response.headers, requestHeaders: request.headers, logSecrets: options.logSecrets ?? false }) };
}

export interface CheckResult {
  /**
   * `allowed`: Chrome lets the page read the final response. `blocked`: Chrome prints the line in
   * the last record. `failed`: no usable answer (unreachable, timeout, too many redirects).
   */
  readonly outcome: 'allowed' | 'blocked' | 'failed';
  /** One record per request sent (preflights included), in order, shaped as the proxy's. */
  readonly records: ExchangeRecord[];
  /** What went on the wire and what came back, in order. */
  readonly exchanges: WireExchange[];
  readonly failure?: CheckFailure;
}

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const records: ExchangeRecord[] = [];
  const exchanges: WireExchange[] = [];
  let counter = 0;
  const nextId = () => String(++counter);
  const initiator = options.initiator ?? 'fetch';
  const pageOrigin = options.origin;

  const scheme = urlScheme(options.url);
  if (scheme !== 'http' && scheme !== 'https') {
    const finding = schemeError(options.url, pageOrigin);
    if (finding) {
      records.push(schemeRecord(nextId(), options, finding));
      return { outcome: 'blocked', records, exchanges };
    }
    return failed(records, exchanges, { code: 'UNSUPPORTED_SCHEME', message: `corscope check sends only http: and https: requests`, url: options.url });
  }

  const cookieLine = (options.headers ?? []).find(([n]) => n.toLowerCase() === 'cookie');
  const cookieHost = new URL(options.url).hostname;
  let hop: Hop = {
    url: options.url,
    method: normalizeMethod(options.method ?? 'GET'),
    body: options.data,
    authorHeaders: (options.headers ?? []).filter(([n]) => n.toLowerCase() !== 'cookie'),
    tainted: false,
    redirects: 0,
  };
  const preflightCache = new Map<string, string>();
  /** What each server answered so far in this run (the diagnosis reads it). */
  const histories = new Map<string, ServerHistory>();
  /** Attaches the diagnosis to a failing record, then lets the server's history learn the answer. */
  const learn = (record: ExchangeRecord, verdict: Verdict, observation: Observation, related: { preflight?: { observation: Observation; verdict: Verdict; id: string }; redirectedBy?: Observation }): void => {
    const server = urlOrigin(observation.request.url) ?? observation.request.url;
    const history = histories.get(server);
    if (verdict.verdict === 'blocked' || verdict.verdict === 'conditional') {
      if (observation.body && observation.body.bytes > 0) record.body = observation.body;
      const diagnosis = diagnose({ exchange: observation, verdict, ...related, ...(history ? { history } : {}), ...(options.stack ? { stack: options.stack } : {}) });
      if (diagnosis) record.diagnosis = diagnosis;
    }
    histories.set(server, observe(history, observation));
  };
  let redirectedBy: Observation | undefined;
  const common = {
    initiator,
    credentials: options.credentials ? 'include' : 'omit',
    wording: options.wording ?? 'current',
    pageOrigin,
    authorHeaderOrder: hop.authorHeaders.map(([n]) => n),
  } satisfies ExchangeContext;
  const sendOptions = { timeoutMs: options.timeoutMs ?? 10_000, insecure: options.insecure ?? false };

  for (;;) {
    const { url, method, body, authorHeaders, tainted } = hop;
    const cors = tainted || !isSameOrigin(pageOrigin, url);
    const context: ExchangeContext = { ...common, ...(hop.redirects > 0 ? { redirect: { initialUrl: options.url, tainted } } : {}) };
    const call: Call = {
      url,
      method,
      authorHeaders,
      // Chrome sends Origin on every CORS request, and on same-origin ones unless GET or HEAD.
      originHeader: cors ? (tainted ? 'null' : pageOrigin) : method === 'GET' || method === 'HEAD' ? null : pageOrigin,
      pageOrigin,
      // Cookies belong to a host (any port): the browser's jar for the URL given, not for others.
      ...(cookieLine && options.credentials && new URL(url).hostname === cookieHost ? { cookie: cookieLine[1] } : {}),
      ...(body !== undefined ? { body } : {}),
      userAgent: options.userAgent ?? 'corscope',
    };

    let preflightRecord: ExchangeRecord | undefined;
    let preflightSeen: { observation: Observation; verdict: Verdict; id: string } | undefined;
    // Chrome's preflight cache, within this one call: a chain that comes back to a URL reuses it.
    const cacheKey = `${url}\u0000${method}\u0000${accessControlRequestHeaders(authorHeaders) ?? ''}\u0000${call.originHeader ?? ''}`;
    const cachedPreflight = preflightCache.get(cacheKey);
    if (cors && needsPreflight(method, authorHeaders) && cachedPreflight === undefined) {
      const request = preflightRequest(call);
      const sent = await send(request, sendOptions);
      if ('failure' in sent) return failed(records, exchanges, sent.failure, request);
      exchanges.push(exchangeOf(request, sent));
      const verdict = judge({ stage: 'preflight', request, response: sent.response, context });
      preflightRecord = record(nextId(), verdict, request, sent.response, sent.durationMs, context, options);
      preflightSeen = { observation: observationOf('preflight', request, sent, options), verdict, id: preflightRecord.id };
      learn(preflightRecord, verdict, preflightSeen.observation, redirectedBy ? { redirectedBy } : {});
      records.push(preflightRecord);
      if (verdict.verdict === 'blocked') return { outcome: 'blocked', records, exchanges };
      if ((verdict.maxAgeSeconds ?? 0) > 0) preflightCache.set(cacheKey, preflightRecord.id);
    }

    const request = actualRequest(call);
    const sent = await send(request, { ...sendOptions, ...(body !== undefined ? { body } : {}) });
    if ('failure' in sent) return failed(records, exchanges, sent.failure, request);
    exchanges.push(exchangeOf(request, sent));
    const verdict = judge({ stage: 'request', request, response: sent.response, context });
    const id = nextId();
    const current = record(id, verdict, request, sent.response, sent.durationMs, context, options);
    const observation = observationOf('request', request, sent, options);
    learn(current, verdict, observation, { ...(preflightSeen ? { preflight: preflightSeen } : {}), ...(redirectedBy ? { redirectedBy } : {}) });
    redirectedBy = observation;
    if (preflightRecord) {
      preflightRecord.request = id;
      current.preflight = preflightRecord.id;
    } else if (cachedPreflight !== undefined && cors) {
      current.preflight = cachedPreflight;
    }
    records.push(current);
    if (verdict.verdict === 'blocked') return { outcome: 'blocked', records, exchanges };

    const step = followRedirect(hop, sent.response, pageOrigin);
    if ('done' in step) return { outcome: 'allowed', records, exchanges };
    if ('failure' in step) return failed(records, exchanges, step.failure);
    hop = step.next;
  }
}

function record(
  id: string,
  verdict: Verdict,
  request: RequestSnapshot,
  response: ResponseSnapshot,
  durationMs: number,
  context: ExchangeContext,
  options: CheckOptions,
): ExchangeRecord {
  const built = buildRecord({
    id,
    verdict,
    method: request.method,
    url: request.url,
    status: response.status,
    durationMs,
    ...(context.redirect ? { redirectedFrom: context.redirect.initialUrl } : {}),
    logSecrets: options.logSecrets ?? false,
  });
  // `check` reports all three browsers on every exchange it makes.
  withBrowsers(built, { stage: verdict.stage, request, response: { status: response.status, headers: response.headers }, context }, verdict, 'always', options.headline);
  return built;
}

/** Chrome refuses the URL before sending anything: no status, no response. */
function schemeRecord(id: string, options: CheckOptions, finding: NonNullable<ReturnType<typeof schemeError>>): ExchangeRecord {
  const verdict: Verdict = {
    verdict: 'blocked',
    stage: 'request',
    primary: finding,
    findings: [finding],
    credentials: options.credentials ? 'include' : 'omit',
    initiator: options.initiator ?? 'fetch',
    origin: options.origin,
    patch: { remove: [], set: [] },
  };
  const built = buildRecord({
    id,
    verdict,
    method: normalizeMethod(options.method ?? 'GET'),
    url: options.url,
    status: 0,
    durationMs: 0,
    logSecrets: options.logSecrets ?? false,
  });
  const refused = refusedBeforeSending({ url: options.url, pageUrl: `${options.origin}/`, initiator: options.initiator ?? 'fetch' });
  if (refused) {
    built.browsers = {
      firefox: { verdict: refused.firefox.verdict, lines: refused.firefox.lines, reason: refused.firefox.reason ?? null },
      safari: { verdict: refused.safari.verdict, lines: refused.safari.lines },
    };
    if (options.headline) {
      built.headline = options.headline;
      built.msg = summarize(built);
    }
  }
  return built;
}

const NET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'net::ERR_CONNECTION_REFUSED',
  ECONNRESET: 'net::ERR_CONNECTION_RESET',
  ENOTFOUND: 'net::ERR_NAME_NOT_RESOLVED',
  EAI_AGAIN: 'net::ERR_NAME_NOT_RESOLVED',
  EHOSTUNREACH: 'net::ERR_ADDRESS_UNREACHABLE',
  ENETUNREACH: 'net::ERR_INTERNET_DISCONNECTED',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'net::ERR_CERT_AUTHORITY_INVALID',
  SELF_SIGNED_CERT_IN_CHAIN: 'net::ERR_CERT_AUTHORITY_INVALID',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'net::ERR_CERT_AUTHORITY_INVALID',
  CERT_HAS_EXPIRED: 'net::ERR_CERT_DATE_INVALID',
  ERR_TLS_CERT_ALTNAME_INVALID: 'net::ERR_CERT_COMMON_NAME_INVALID',
};

function failed(records: ExchangeRecord[], exchanges: WireExchange[], failure: CheckFailure, request?: RequestSnapshot): CheckResult {
  if (request) exchanges.push({ request });
  const chrome = failure.chrome ?? NET_ERRORS[failure.code];
  return { outcome: 'failed', records, exchanges, failure: { ...failure, ...(chrome ? { chrome } : {}) } };
}
