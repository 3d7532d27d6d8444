/**
 * A recorded page session, judged as the proxy would have judged it live: every cross-origin
 * entry through the engine, preflights paired with the actual request they announced, redirect
 * chains carried into Chrome's "(redirected from …)" and the tainted origin.
 */
import { classifyRequest, headerValues, judge, redirectLocation, redirectTaints, resolveLocation, urlOrigin } from '../cors/index.js';
import type { CredentialsKnowledge, ExchangeContext, Initiator, RequestSnapshot, Wording } from '../cors/types.js';
import { buildRecord, withBrowsers, type ExchangeRecord } from '../log/record.js';
import { diagnose, observe } from '../diagnose/index.js';
import { BODY_EXCERPT_BYTES, bodyExcerpt } from '../log/body.js';
import type { Observation, ServerHistory, StackName } from '../diagnose/types.js';
import type { Verdict } from '../cors/types.js';
import type { HarEntry } from './validate.js';

export interface HarOptions {
  /** Word every line for this initiator instead of reading Chrome's `_resourceType`. */
  readonly initiator?: Initiator;
  readonly wording?: Wording;
  readonly logSecrets?: boolean;
  /** The servers' stack, when their fingerprints do not tell it (`--stack`). */
  readonly stack?: StackName;
}

export interface HarRecord {
  readonly record: ExchangeRecord;
  /** When the request started (epoch ms), when the HAR says. */
  readonly time: number | undefined;
  /** The entry's index in `log.entries`. */
  readonly entry: number;
}

/** A cross-origin request the HAR holds no response for: what to run to hear Chrome's words. */
export interface Unanswered {
  readonly entry: number;
  readonly method: string;
  readonly url: string;
  readonly pageOrigin: string;
  readonly error: string | undefined;
}

export interface HarAnalysis {
  readonly records: HarRecord[];
  /** Entries in the file. */
  readonly requests: number;
  /** Entries Chrome CORS-checks (preflights included). */
  readonly crossOrigin: number;
  /**
   * Cross-origin entries with no response in the HAR (status 0, or -1 from Playwright), which
   * cannot be judged. A CORS failure often looks like this: the browser withheld the response.
   */
  readonly unanswered: Unanswered[];
}

interface Chain {
  readonly initialUrl: string;
  readonly tainted: boolean;
  readonly pageOrigin: string;
  /** The redirect answer that led here (the diagnosis reads it). */
  readonly redirect?: Observation;
}

const snapshot = (e: HarEntry): RequestSnapshot => ({ url: e.request.url, method: e.request.method, headers: e.request.headers });
const originOf = (e: HarEntry): string | undefined => headerValues(e.request.headers, 'origin')[0];

export function analyzeHar(entries: readonly HarEntry[], options: HarOptions = {}): HarAnalysis {
  const records: HarRecord[] = [];
  let counter = 0;
  let crossOrigin = 0;
  const unanswered: Unanswered[] = [];
  /** Redirect targets not yet requested: next URL -> the chain that leads there. */
  const pending = new Map<string, Chain>();
  /** Actual-request entries whose preflight Chrome refused: never sent, already reported. */
  const neverSent = new Set<number>();
  /** Preflights that let requests through, by (origin, url, method): Chrome's preflight cache. */
  const preflights = new Map<string, ExchangeRecord>();
  /** Record ids reserved by a preflight for the actual request that follows it. */
  const reserved = new Map<number, { id: string; preflight: ExchangeRecord }>();
  /** Each preflight as the diagnosis of its actual request reads it, by record id. */
  const preflightSeen = new Map<string, { observation: Observation; verdict: Verdict; id: string }>();
  /** What each server answered so far in the session. */
  const histories = new Map<string, ServerHistory>();

  entries.forEach((entry, i) => {
    const request = snapshot(entry);
    const classification = classifyRequest(request);
    const isPreflight = 'stage' in classification && classification.stage === 'preflight';
    if (!answered(entry) && !neverSent.has(i)) {
      // Devtools keeps only provisional headers for a failed request, often without Origin.
      const pageOrigin = originOf(entry) ?? pageOriginOf(entry);
      if ('stage' in classification || (pageOrigin !== 'null' && urlOrigin(request.url) !== pageOrigin)) {
        crossOrigin += 1;
        unanswered.push({ entry: i, method: request.method, url: request.url, pageOrigin, error: entry.response.error });
      }
      take(pending, request.url);
      return;
    }
    // The preflight of a redirected request only looks; the actual request takes the chain.
    const chain = isPreflight ? pending.get(request.url) : take(pending, request.url);
    if (!('stage' in classification)) {
      follow(entry, chain, undefined, pending);
      return;
    }
    crossOrigin += 1;
    if (neverSent.has(i)) return;
    const origin = originOf(entry) ?? 'null';
    const stage = classification.stage;
    const actualIndex = stage === 'preflight' ? findActual(entries, i) : undefined;
    const actual = actualIndex === undefined ? undefined : entries[actualIndex];
    const context: ExchangeContext = {
      initiator: options.initiator ?? initiatorOf(actual ?? entry),
      credentials: credentialsOf(actual ?? (stage === 'request' ? entry : undefined)),
      wording: options.wording ?? 'current',
      ...(chain ? { redirect: { initialUrl: chain.initialUrl, tainted: chain.tainted }, pageOrigin: chain.pageOrigin } : {}),
    };
    const exchange = { stage, request, response: { status: entry.response.status, headers: entry.response.headers }, context };
    const verdict = judge(exchange);
    const booked = reserved.get(i);
    const record = buildRecord({
      id: booked?.id ?? String(++counter),
      verdict,
      method: request.method,
      url: request.url,
      status: entry.response.status,
      durationMs: 0,
      ...(chain ? { redirectedFrom: chain.initialUrl } : {}),
      logSecrets: options.logSecrets ?? false,
    });
    // A HAR from a Firefox or Safari user's bug report: their lines beside Chrome's, as in the proxy.
    withBrowsers(record, exchange, verdict, 'auto');
    records.push({ record, time: entry.started, entry: i });
    const observation = observationOf(entry, stage, request, options);
    const server = urlOrigin(request.url) ?? request.url;
    const history = histories.get(server);
    const pairedPreflight = stage === 'request' ? (booked?.preflight ?? preflights.get(key(origin, request.url, request.method))) : undefined;
    const seen = pairedPreflight ? preflightSeen.get(pairedPreflight.id) : undefined;
    if (verdict.verdict === 'blocked' || verdict.verdict === 'conditional') {
      if (observation.body && observation.body.bytes > 0) record.body = observation.body;
      const diagnosis = diagnose({
        exchange: observation,
        verdict,
        ...(history ? { history } : {}),
        ...(seen ? { preflight: seen } : {}),
        ...(chain?.redirect ? { redirectedBy: chain.redirect } : {}),
        ...(options.stack ? { stack: options.stack } : {}),
      });
      if (diagnosis) record.diagnosis = diagnosis;
    }
    histories.set(server, observe(history, observation));
    if (stage === 'preflight') preflightSeen.set(record.id, { observation, verdict, id: record.id });

    if (stage === 'preflight') {
      const method = headerValues(request.headers, 'access-control-request-method')[0] ?? '';
      // A refused preflight (or one refused only with credentials, when its request then never got
      // an answer) means Chrome did not send the request: devtools lists it with no response.
      const refused = verdict.verdict === 'blocked' || verdict.verdict === 'conditional';
      if (refused && actualIndex !== undefined && !answered(entries[actualIndex]!)) {
        neverSent.add(actualIndex);
        return;
      }
      if (verdict.verdict === 'blocked') return;
      preflights.set(key(origin, request.url, method), record);
      if (actualIndex !== undefined) {
        const id = String(++counter);
        reserved.set(actualIndex, { id, preflight: record });
        record.request = id;
      }
      return;
    }
    const preflight = booked?.preflight ?? preflights.get(key(origin, request.url, request.method));
    if (preflight) record.preflight = preflight.id;
    if (verdict.verdict !== 'blocked') follow(entry, chain, origin, pending);
  });
  return { records, requests: entries.length, crossOrigin, unanswered };
}

/**
 * The entry as the diagnosis reads it. Devtools stores the body already decoded, so the excerpt
 * is made as if it came without its Content-Encoding.
 */
function observationOf(entry: HarEntry, stage: 'preflight' | 'request', request: RequestSnapshot, options: HarOptions): Observation {
  const response = { status: entry.response.status, headers: entry.response.headers };
  const content = entry.response.content;
  if (!content) return { stage, request, response };
  const headers = response.headers.filter(([name]) => name.toLowerCase() !== 'content-encoding');
  const body = bodyExcerpt({ bytes: content.bytes.subarray(0, BODY_EXCERPT_BYTES), seen: content.size, truncated: content.size > BODY_EXCERPT_BYTES, responseHeaders: headers, requestHeaders: request.headers, logSecrets: options.logSecrets ?? false });
  return { stage, request, response, body };
}

/** Devtools records a request that got no response with status 0, Playwright with -1. */
const answered = (entry: HarEntry): boolean => entry.response.status > 0;

/**
 * How far after a preflight its actual request may appear. Chrome sends it as soon as the preflight
 * passes, so it is near; the bound keeps a HAR of thousands of unmatched preflights linear.
 */
const PAIRING_WINDOW = 500;

/** The actual request a preflight announced: the next entry for the same URL, origin and method. */
function findActual(entries: readonly HarEntry[], at: number): number | undefined {
  const preflight = entries[at]!;
  const origin = originOf(preflight);
  const method = headerValues(preflight.request.headers, 'access-control-request-method')[0];
  for (let j = at + 1; j < Math.min(entries.length, at + 1 + PAIRING_WINDOW); j++) {
    const e = entries[j]!;
    if (e.request.url !== preflight.request.url || originOf(e) !== origin) continue;
    const other = classifyRequest(snapshot(e));
    if ('stage' in other && other.stage === 'preflight') return undefined;
    if (e.request.method === method) return j;
  }
  return undefined;
}

/** Remember where a redirect leads, so the entry that follows it is judged as Chrome words it. */
function follow(entry: HarEntry, chain: Chain | undefined, origin: string | undefined, pending: Map<string, Chain>): void {
  const location = entry.response.redirectURL || redirectLocation(entry.response.status, entry.response.headers);
  if (!location || entry.response.status < 300 || entry.response.status > 399) return;
  const url = entry.request.url;
  const next = resolveLocation(location, url);
  if (next === null) return;
  const pageOrigin = chain?.pageOrigin ?? (origin !== undefined && origin !== 'null' ? origin : pageOriginOf(entry));
  pending.set(next, {
    initialUrl: chain?.initialUrl ?? url,
    tainted: (chain?.tainted ?? false) || redirectTaints(url, next, pageOrigin),
    pageOrigin,
    redirect: { stage: 'request', request: snapshot(entry), response: { status: entry.response.status, headers: entry.response.headers } },
  });
}

/** A request without Origin is same-origin (or a navigation): its Referer, else its own URL, says the page. */
function pageOriginOf(entry: HarEntry): string {
  const referer = headerValues(entry.request.headers, 'referer')[0];
  return (referer !== undefined ? urlOrigin(referer) : null) ?? originOf(entry) ?? urlOrigin(entry.request.url) ?? 'null';
}

/** Chrome's `_resourceType` tells fetch from XHR; other HARs may only have X-Requested-With. */
function initiatorOf(entry: HarEntry): Initiator {
  if (entry.resourceType === 'xhr') return 'xhr';
  if (entry.resourceType === 'fetch') return 'fetch';
  return headerValues(entry.request.headers, 'x-requested-with')[0]?.toLowerCase() === 'xmlhttprequest' ? 'xhr' : 'fetch';
}

/**
 * Cookies sent mean credentials `include`. Their absence proves nothing: Chrome's default
 * ("sanitized") HAR export drops Cookie headers, so the mode is then unknown.
 */
function credentialsOf(entry: HarEntry | undefined): CredentialsKnowledge {
  if (!entry) return 'unknown';
  return entry.request.hasCookies || headerValues(entry.request.headers, 'cookie').length > 0 ? 'include' : 'unknown';
}

function take<V>(map: Map<string, V>, k: string): V | undefined {
  const value = map.get(k);
  map.delete(k);
  return value;
}

const key = (...parts: string[]) => parts.join('\u0000');
