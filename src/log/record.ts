/**
 * The shape of what corscope logs and emits: one record per exchange, fields stable (documented in
 * the README). The same object goes to the `exchange` event and to pino.
 */
import type { CookieFact } from '../cookies/index.js';
import type {
  CredentialsKnowledge,
  Finding,
  FindingCode,
  HeaderLine,
  Initiator,
  NotCorsReason,
  Stage,
  Verdict,
  VerdictKind,
} from '../cors/types.js';
import type { BodyExcerpt, Diagnosis } from '../diagnose/types.js';
import type { Exchange } from '../cors/types.js';
import type { OtherBrowser } from '../cors/browsers/index.js';
import { browserHeadline, browsersRecord, type BrowsersMode, type BrowsersRecord } from './browsers.js';
import { isSecretHeader, REDACTED, redactLines } from './redact.js';

/**
 * Why corscope thinks this page sends credentials to this API, when the verdict depends on it:
 * `cookies-before` (an earlier request of the page carried cookies), `allow-credentials` (the server
 * sends Access-Control-Allow-Credentials: true, so it expects credentialed calls). Without a sign,
 * a call that would fail only with credentials is a note on an `ok` line, not a warning.
 */
export type CredentialsSign = 'cookies-before' | 'allow-credentials';

export interface ChromeLine {
  readonly code: FindingCode;
  /** The exact console line for the assumed initiator. */
  readonly message: string;
  readonly variants: { readonly fetch: string; readonly xhr: string };
}

/** What patch mode changed on the way to the browser (issue 4). */
export interface PatchRecord {
  /** Header lines removed, as `Name: value`. */
  readonly removed: string[];
  /** Header lines added, as `Name: value`. */
  readonly added: string[];
  /** The status before and after, when patch mode changed it. */
  readonly status?: { readonly from: number; readonly to: number };
  /** corscope answered the preflight itself; the target never saw it. */
  readonly answeredPreflight: boolean;
}

/** Set when corscope could not get an answer from the target and sent its own 502/504. */
export interface UpstreamFailure {
  /** Node's error code (`ECONNREFUSED`, `ENOTFOUND`, …) or `TIMEOUT`. */
  readonly code: string;
  readonly message: string;
  /** The target URL corscope tried. */
  readonly target: string;
}

/** Set when Node's HTTP parser refused the request and corscope answered it itself. */
export interface RefusedRequest {
  /** llhttp's code, e.g. `HPE_INVALID_METHOD`, `HPE_HEADER_OVERFLOW`. */
  readonly code: string;
  readonly message: string;
}

export interface ExchangeRecord {
  readonly event: 'cors';
  readonly id: string;
  readonly stage: Stage;
  readonly verdict: VerdictKind;
  readonly method: string;
  /** The URL as the browser used it (the one Chrome prints). */
  readonly url: string;
  readonly origin: string | null;
  /** The status the browser received. */
  readonly status: number;
  /** Chrome's console error; null when Chrome prints none. */
  readonly chrome: ChromeLine | null;
  readonly cause: string | null;
  readonly fix: string | null;
  readonly findings: readonly Finding[];
  readonly credentials: CredentialsKnowledge;
  readonly initiator: Initiator;
  /** On an actual request: the id of the preflight that allowed it. */
  preflight?: string;
  /** On a preflight: the id the actual request will carry (absent from the log if it never came). */
  request?: string;
  /** Set when Chrome does not CORS-check this request at all. */
  readonly notCors?: NotCorsReason;
  /** The first URL of the redirect chain that led here (Chrome's "redirected from"). */
  readonly redirectedFrom?: string;
  /** Milliseconds until the response head was ready (the body streams on afterwards). */
  readonly durationMs: number;
  /** On a conditional verdict: the sign that the page does use credentials here (it is then a warning). */
  readonly credentialsSign?: CredentialsSign;
  /** What Firefox and Safari do with the same exchange (see log/browsers.ts); absent where Chrome allows silently, unless asked. */
  browsers?: BrowsersRecord;
  /** Set when `msg` is that browser's line instead of Chrome's (`--headline`). */
  headline?: OtherBrowser;
  /** Why the server sent what Chrome refuses, and the fix in its terms (blocked, or conditional with a sign). */
  diagnosis?: Diagnosis;
  /** The first bytes of a refused answer's body, which Chrome hides from the page. */
  body?: BodyExcerpt;
  patched?: PatchRecord;
  readonly upstream?: UpstreamFailure;
  refused?: RefusedRequest;
  /** The target the exchange went to, when corscope fronts several (its URL as given). */
  target?: string;
  /**
   * The response's cookies there is something to say about: what corscope rewrote so the browser
   * keeps them (a Domain naming the target's host, a Path under its base path), and why Chrome
   * refuses one anyway (names only: values are secrets).
   */
  cookies?: readonly CookieFact[];
  /** Raw header lines (secrets redacted), only at debug level. */
  headers?: { request: HeaderLine[]; response: HeaderLine[] };
  msg: string;
}

/** The per-exchange fields of a record; everything else is a function of the judged exchange. */
export const OWN_FIELDS = ['id', 'preflight', 'request', 'durationMs', 'diagnosis', 'body', 'upstream', 'refused', 'headers', 'target', 'msg'] as const;
type OwnField = (typeof OWN_FIELDS)[number];

/** What every exchange with the same request, response and context shares. */
export type JudgedFields = Omit<ExchangeRecord, OwnField>;

/** `record` without its per-exchange fields (the part a cache may keep and reuse). */
export function judgedFields(record: ExchangeRecord): JudgedFields {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) if (!OWN.has(name) && value !== undefined) fields[name] = value;
  return fields as unknown as JudgedFields;
}
const OWN: ReadonlySet<string> = new Set(OWN_FIELDS);

export interface RecordInput {
  readonly cookies?: readonly CookieFact[];
  readonly id: string;
  readonly verdict: Verdict;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly durationMs: number;
  readonly redirectedFrom?: string;
  readonly upstream?: UpstreamFailure;
  readonly credentialsSign?: CredentialsSign;
  readonly logSecrets: boolean;
}

export function buildRecord(input: RecordInput): ExchangeRecord {
  const { verdict } = input;
  const primary = verdict.primary;
  const chrome: ChromeLine | null = primary?.chrome
    ? {
        code: primary.code,
        message: primary.chrome[verdict.initiator],
        variants: { fetch: primary.chrome.fetch, xhr: primary.chrome.xhr },
      }
    : null;
  const findings = input.logSecrets ? verdict.findings : verdict.findings.map(redactFinding);
  // The fields every identical exchange shares come first (the proxy logs them pre-serialized
  // through a pino child on repeats, and child bindings always precede the call's own fields), then
  // what is this exchange's own. The same order on first sight and on repeats.
  const record: ExchangeRecord = {
    event: 'cors',
    stage: verdict.stage,
    verdict: verdict.verdict,
    method: input.method,
    url: input.url,
    origin: verdict.origin,
    status: input.status,
    chrome,
    cause: primary?.cause ?? null,
    fix: primary?.fix ?? null,
    findings,
    credentials: verdict.credentials,
    initiator: verdict.initiator,
    ...(verdict.notCors ? { notCors: verdict.notCors } : {}),
    ...(input.redirectedFrom ? { redirectedFrom: input.redirectedFrom } : {}),
    ...(input.credentialsSign && verdict.verdict === 'conditional' ? { credentialsSign: input.credentialsSign } : {}),
    ...(input.cookies ? { cookies: input.cookies } : {}),
    browsers: undefined,
    headline: undefined,
    // Filled in later by the proxy; declared here so they keep their place in every record.
    patched: undefined,
    id: input.id,
    preflight: undefined,
    request: undefined,
    durationMs: input.durationMs,
    diagnosis: undefined,
    body: undefined,
    ...(input.upstream ? { upstream: input.upstream } : {}),
    msg: '',
  };
  record.msg = summarize(record);
  return record;
}

/** What the other browsers make of the exchange, and their line as `msg` when `headline` names one. */
export function withBrowsers(record: ExchangeRecord, exchange: Exchange, verdict: Verdict, mode: BrowsersMode, headline?: OtherBrowser): void {
  // A call that fails only with credentials the page shows no sign of sending works (an `ok` line
  // with a note): in every recorded case the others agree, and a working page's records stay as
  // short as before (the bench's calls are all such).
  if (mode === 'auto' && record.verdict === 'conditional' && !record.credentialsSign) return;
  const browsers = browsersRecord(exchange, verdict, mode);
  if (!browsers) return;
  record.browsers = browsers;
  if (headline) {
    record.headline = headline;
    record.msg = summarize(record);
  }
}

/** Findings quote header values; a finding about a secret header must not leak it. */
function redactFinding(finding: Finding): Finding {
  if (!finding.header || !isSecretHeader(finding.header) || finding.value == null) return finding;
  return { ...finding, value: REDACTED };
}

export function withHeaders(
  record: ExchangeRecord,
  request: readonly HeaderLine[],
  response: readonly HeaderLine[],
  logSecrets: boolean,
): void {
  record.headers = logSecrets
    ? { request: [...request], response: [...response] }
    : { request: redactLines(request), response: redactLines(response) };
}

/**
 * `msg`: Chrome's own line when Chrome blocks (what the developer will search for), except when
 * the target failed: then the real fault comes first, since Chrome's line hides it.
 */
export function summarize(record: ExchangeRecord): string {
  const target = `${record.method} ${record.url}`;
  if (record.upstream) {
    const chrome = record.chrome ? ` Chrome will show: ${record.chrome.message}` : '';
    if (record.upstream.code === 'BODY_STALL') return `corscope gave up on ${target}: ${record.upstream.message}; the browser got ${record.status}.${chrome}`;
    return `corscope could not get a response from the target (${record.upstream.code}: ${record.upstream.message}); the browser got ${record.status}.${chrome}`;
  }
  if (record.refused) {
    const chrome = record.chrome ? ` Chrome will show: ${record.chrome.message}` : '';
    return `corscope answered ${target} itself with ${record.status}: ${record.refused.message}.${chrome}`;
  }
  const other = record.headline ? browserHeadline(record, record.headline) : undefined;
  if (other !== undefined) return other;
  if (record.patched?.answeredPreflight) return `preflight ${target} answered by corscope (--answer-preflight)`;
  if (record.verdict === 'blocked' && record.chrome) return record.chrome.message;
  if (record.verdict === 'conditional') {
    return `${target} ${record.status}: blocked only if ${conditionWords(record.findings)}: ${record.chrome?.message ?? record.cause ?? ''}`;
  }
  if (record.verdict === 'not-cors') return `${target} ${record.status} (not CORS: ${record.notCors ?? 'n/a'})`;
  const warnings = record.findings.filter((f) => f.severity === 'warning').length;
  const patched = record.patched ? ' after patch' : '';
  const refused = record.cookies?.find((c) => c.rejected);
  const cookie = refused ? `; Chrome refuses its cookie ${refused.name}: ${refused.rejected!.message}` : '';
  return `${record.stage} ${target} ${record.status} allowed${patched}${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}${cookie}`;
}

export function conditionWords(findings: readonly Finding[]): string {
  const onlyIf = findings.find((f) => f.severity === 'error' && f.onlyIf)?.onlyIf;
  if (onlyIf === 'credentials-include') return "the request is sent with credentials ('include' / withCredentials)";
  if (onlyIf === 'credentials-not-include') return 'the request is sent without credentials';
  return 'the page sends it that way';
}

/** Blocked and conditional exchanges are what the developer came for; the rest is context. */
export function levelFor(record: ExchangeRecord): 'error' | 'warn' | 'info' | 'debug' {
  if (record.upstream) return 'error';
  if (record.verdict === 'blocked') return 'warn';
  // "CORS passes but I am logged out": a cookie Chrome refuses is worth a warning whatever the verdict.
  if (record.cookies?.some((c) => c.rejected)) return 'warn';
  // What fails only under a credentials mode the page shows no sign of using is a note.
  if (record.verdict === 'conditional') return record.credentialsSign ? 'warn' : 'info';
  if (record.verdict === 'not-cors') return 'debug';
  return 'info';
}
