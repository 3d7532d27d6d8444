/**
 * The server-side cause behind Chrome's line, stack-agnostic: which of the diagnosis codes the
 * evidence on the wire supports, and that evidence in short sentences. Chrome's primary finding
 * says *what* failed; the status, the other headers of the answer, the body Chrome hides, the
 * paired preflight and the server's earlier answers say *why*.
 */
import { headerValues, normalizedHeader, urlOrigin } from '../cors/index.js';
import { safeUrl } from '../cors/origin.js';
import { trimOws } from '../cors/header-list.js';
import type { Finding, HeaderLine } from '../cors/types.js';
import { refusalIn } from './refusals.js';
import { EMPTY_HISTORY, type DiagnosisCode, type DiagnosisInput, type Observation, type ServerHistory } from './types.js';

export interface Cause {
  readonly code: DiagnosisCode;
  readonly evidence: string[];
  /** Where a redirect pointed (redirect codes). */
  readonly location?: string;
  /** The other cause the same answer fits equally well (the fix then covers both). */
  readonly alternative?: DiagnosisCode;
  /**
   * Set when the fix belongs to the server whose redirect led here (an API that sent a fetch to
   * another origin's sign-in page), not to the one that answered: its stack and its route.
   */
  readonly fixAtRedirect?: boolean;
}

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';

/** Any `Access-Control-*` response header: the sign that some CORS layer touched the answer. */
export function corsHeaderNames(headers: readonly HeaderLine[]): string[] {
  const names: string[] = [];
  for (const [name] of headers) {
    const lower = name.toLowerCase();
    if (lower.startsWith('access-control-') && !names.includes(name)) names.push(name);
  }
  return names;
}

/** `Vary` names Origin: the answer was made for this Origin by something that reads it. */
function variesOnOrigin(headers: readonly HeaderLine[]): boolean {
  return headerValues(headers, 'vary').some((v) => v.split(',').some((item) => trimOws(item).toLowerCase() === 'origin'));
}

function lineCount(headers: readonly HeaderLine[], lower: string): number {
  let n = 0;
  for (const [name] of headers) if (name.toLowerCase() === lower) n++;
  return n;
}

export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.search(/[?#]/);
  return end < 0 || end < start ? url.slice(start) : url.slice(start, end);
}

/** Paths people send unauthenticated users to. */
const LOGIN_PATH = /\/(login|log-in|signin|sign-in|sign_in|auth|sso|oauth2?|cas|saml|account\/login|users\/sign_in)(\/|\?|$|\.)/i;

export function determineCause(input: DiagnosisInput): Cause {
  const { exchange, verdict } = input;
  const history = input.history ?? EMPTY_HISTORY;
  const { status, headers } = exchange.response;
  const primary = verdict.primary;
  const evidence: string[] = [];
  const cors = corsHeaderNames(headers);
  const origin = verdict.origin ?? 'null';
  const stage = exchange.stage;
  const what = stage === 'preflight' ? 'the preflight' : 'the response';
  const location = redirectTarget(exchange);

  // A CORS library that refused with an answer of its own says what it refused (Starlette's 400
  // carries its other CORS headers, so Chrome's line is about the status: the body says more).
  const refusal = refusalIn(exchange.body?.text);
  if (refusal && (cors.length === 0 || status < 200 || status > 299)) {
    evidence.push(`${status} from ${refusal.library}: "${firstLine(exchange.body?.text ?? '')}"`);
    return { code: refusal.code, evidence };
  }

  if (location !== undefined) return redirectCause(input, location, cors, evidence);

  // A call another origin's API redirected to its sign-in page: whatever this page answers, a fetch
  // cannot sign a user in, and after that hop the browser sends `Origin: null`.
  const redirectedBy = input.redirectedBy;
  if (redirectedBy && urlOrigin(redirectedBy.request.url) !== urlOrigin(exchange.request.url) && LOGIN_PATH.test(pathOf(exchange.request.url) + '/')) {
    evidence.push(`${redirectedBy.request.url} redirected the call (${redirectedBy.response.status}) to this sign-in page on another origin`);
    const acao = normalizedHeader(headers, 'access-control-allow-origin');
    if (cors.length === 0) evidence.push(`${status} with no CORS headers here`);
    else if (originHeaderOf(exchange) === 'null') evidence.push(`after that hop the browser sends Origin: null, and Access-Control-Allow-Origin here is '${acao ?? ''}'`);
    return { code: 'redirect-to-login', evidence, location: exchange.request.url, fixAtRedirect: true };
  }

  if (cors.length === 0) {
    const bare = `${status} with no CORS headers`;
    if (status === 401 || status === 403 || status === 407) {
      const challenge = headerValues(headers, 'www-authenticate')[0];
      evidence.push(challenge ? `${status} with WWW-Authenticate: ${challenge} and no CORS headers` : bare);
      if (stage === 'preflight') evidence.push('a preflight never carries cookies or Authorization, so the authentication check must let OPTIONS through');
      return { code: 'auth-before-cors', evidence };
    }
    if (status >= 500 || (stage === 'request' && isErrorStatus(status))) {
      evidence.push(bare);
      addBody(exchange, evidence);
      evidence.push(`Chrome hides this ${status} and its body from the page`);
      return { code: 'error-without-cors', evidence };
    }
    if (stage === 'preflight') return unansweredPreflight(exchange, history, origin, evidence);
    // The actual request of a call whose preflight passed: this route's answer went around the CORS layer.
    if (input.preflight && input.preflight.verdict.verdict !== 'blocked') {
      evidence.push(`preflight${input.preflight.id ? ` #${input.preflight.id}` : ''} passed`);
      evidence.push(`${what} (status ${status}) carries no CORS headers`);
      return { code: 'route-excluded', evidence };
    }
    if (redirectedBy && corsHeaderNames(redirectedBy.response.headers).length > 0) {
      evidence.push(`the redirect from ${input.redirectedBy.request.url} carried CORS headers`);
      evidence.push(`its target answered ${status} with none`);
      return { code: 'redirect-target-no-cors', evidence };
    }
    if (variesOnOrigin(headers)) {
      evidence.push(`${bare} but Vary: Origin: a CORS layer read the Origin and did not allow ${origin}`);
      return { code: 'origin-not-allowed', evidence };
    }
    const path = pathOf(exchange.request.url);
    const others = history.allowOrigins.filter((o) => o !== origin);
    if (others.length > 0 && !history.allowOrigins.includes(origin)) {
      evidence.push(bare, `this server allowed ${quoteList(others)}${history.pathsWithCors.includes(path) ? ` on ${path}` : ''} before, never ${origin}`);
      return { code: 'origin-not-allowed', evidence };
    }
    if (history.answersWithCors > 0) {
      evidence.push(bare, `other paths of this server carry CORS headers (${history.pathsWithCors.slice(0, 3).join(', ')})`);
      return { code: 'route-excluded', evidence };
    }
    evidence.push(bare);
    if (history.answers > 0) evidence.push(`none of the ${history.answers} earlier answers from this server carried a CORS header either`);
    return { code: 'no-cors', evidence };
  }

  // A CORS layer answered: what it got wrong is the finding Chrome reports first.
  if (!primary) return { code: 'no-cors', evidence };
  return corsLayerCause(input, primary, history, origin, evidence);
}

function corsLayerCause(input: DiagnosisInput, primary: Finding, history: ServerHistory, origin: string, evidence: string[]): Cause {
  const { exchange } = input;
  const { headers, status } = exchange.response;
  const acao = normalizedHeader(headers, ACAO);
  const acaoLines = lineCount(headers, ACAO);
  const code = primary.code.replace(/^Preflight(?=(Wildcard|Missing|Multiple|Invalid|AllowOrigin))/, '');
  if (acaoLines > 1 && (code === 'MultipleAllowOriginValues' || code === 'AllowOriginMismatch' || code === 'InvalidAllowOriginValue' || code === 'WildcardOriginNotAllowed')) {
    evidence.push(`${acaoLines} Access-Control-Allow-Origin lines: ${headerValues(headers, ACAO).map((v) => `'${v}'`).join(' and ')}`);
    return { code: 'duplicate-layers', evidence };
  }
  switch (code) {
    case 'MissingAllowOriginHeader':
      evidence.push(`${describeCors(headers)} but no Access-Control-Allow-Origin: the CORS layer ran and did not allow ${origin}`);
      if (history.allowOrigins.length > 0) evidence.push(`it allowed ${quoteList(history.allowOrigins)} before`);
      return { code: 'origin-not-allowed', evidence };
    case 'WildcardOriginNotAllowed':
      if (echoedElsewhere(history, exchange)) {
        evidence.push('Access-Control-Allow-Origin: * here', "other answers of this server echo the page's Origin");
        return { code: 'route-overrides', evidence };
      }
      evidence.push(`Access-Control-Allow-Origin: * while the request's credentials mode is 'include'${credentialSign(exchange)}`);
      return { code: 'wildcard-with-credentials', evidence };
    case 'MultipleAllowOriginValues':
      evidence.push(`Access-Control-Allow-Origin '${acao}' names several origins in one line`);
      return { code: 'origin-malformed', evidence };
    case 'InvalidAllowOriginValue':
      evidence.push(`Access-Control-Allow-Origin '${acao}' is not an origin${malformation(acao ?? '', origin)}`);
      return { code: 'origin-malformed', evidence };
    case 'AllowOriginMismatch': {
      if (acao === '*' && echoedElsewhere(history, exchange)) {
        evidence.push("other answers of this server echo the page's Origin");
        return { code: 'route-overrides', evidence };
      }
      if (acao !== null && trailingSlashOf(acao, origin)) {
        evidence.push(`Access-Control-Allow-Origin '${acao}' is the page's origin with a trailing slash`);
        return { code: 'origin-malformed', evidence };
      }
      if (originHeaderOf(exchange) === 'null' && input.redirectedBy) {
        evidence.push(`Access-Control-Allow-Origin names ${acao ?? ''}, but after the cross-origin redirect from ${input.redirectedBy.request.url} the browser sends Origin: null`);
      } else evidence.push(`Access-Control-Allow-Origin names ${acao ?? ''}, the page is ${origin}${nearMiss(acao ?? '', origin)}`);
      return { code: 'origin-fixed-other', evidence };
    }
    case 'InvalidAllowCredentials': {
      const lines = lineCount(headers, ACAC);
      if (lines > 1) {
        evidence.push(`${lines} Access-Control-Allow-Credentials lines, read as '${normalizedHeader(headers, ACAC) ?? ''}'`);
        return { code: 'duplicate-layers', evidence };
      }
      const value = normalizedHeader(headers, ACAC);
      evidence.push(`Access-Control-Allow-Origin: ${acao ?? ''} allows the origin, ${value === null ? 'but there is no Access-Control-Allow-Credentials' : `but Access-Control-Allow-Credentials is '${value}', not 'true'`}${credentialSign(exchange)}`);
      return { code: 'credentials-not-allowed', evidence };
    }
    case 'InvalidStatus':
      evidence.push(`the preflight carries CORS headers (${describeCors(headers)}) but its status is ${status}`);
      if (headerValues(headers, 'www-authenticate')[0] !== undefined) evidence.push(`WWW-Authenticate: ${headerValues(headers, 'www-authenticate')[0]}: authentication answered the preflight, which never carries credentials`);
      addBody(exchange, evidence);
      return { code: 'preflight-status', evidence };
    case 'MethodDisallowedByPreflightResponse':
    case 'InvalidAllowMethodsPreflightResponse': {
      const allowed = normalizedHeader(headers, 'access-control-allow-methods');
      evidence.push(allowed === null ? `no Access-Control-Allow-Methods for ${primary.hint || 'the method'}` : `Access-Control-Allow-Methods '${allowed}' lacks ${primary.hint || 'the method'}`);
      return { code: 'method-not-allowed', evidence };
    }
    case 'HeaderDisallowedByPreflightResponse':
    case 'InvalidAllowHeadersPreflightResponse': {
      const allowed = normalizedHeader(headers, 'access-control-allow-headers');
      evidence.push(allowed === null ? `no Access-Control-Allow-Headers for ${primary.hint || 'the headers'}` : `Access-Control-Allow-Headers '${allowed}' lacks ${primary.hint || 'the headers'}`);
      return { code: 'header-not-allowed', evidence };
    }
    default:
      evidence.push(primary.cause);
      return { code: 'origin-not-allowed', evidence };
  }
}

/** A preflight with no CORS headers, not an auth or server error. */
function unansweredPreflight(exchange: Observation, history: ServerHistory, origin: string, evidence: string[]): Cause {
  const { status, headers } = exchange.response;
  const allow = headerValues(headers, 'allow')[0];
  const path = pathOf(exchange.request.url);
  if (status === 404 || status === 405 || status === 501) {
    evidence.push(allow !== undefined ? `OPTIONS answered ${status} with Allow: ${allow} and no CORS headers` : `OPTIONS answered ${status} with no CORS headers`);
    addBody(exchange, evidence);
    return { code: 'preflight-unhandled', evidence };
  }
  // The origin passed here before: what the CORS layer refused now is the method or the headers
  // (rs/cors and rack-cors answer such a preflight with a bare 2xx: no Access-Control-*, no Allow).
  const method = headerValues(exchange.request.headers, 'access-control-request-method')[0] ?? '';
  const asked = headerValues(exchange.request.headers, 'access-control-request-headers')[0] ?? '';
  const methodKnown = isSafelistedMethod(method) || history.allowMethods.includes(method);
  const headersKnown = asked.split(',').every((h) => h.trim() === '' || history.allowHeaders.includes(h.trim().toLowerCase()));
  if (history.allowOrigins.includes(origin) && allow === undefined && status >= 200 && status < 300 && !(methodKnown && headersKnown)) {
    evidence.push(`the preflight answered ${status} with no Access-Control-Allow-Origin, yet this server allowed ${origin} before: the CORS layer refused what the preflight asked for`);
    if (!methodKnown || asked === '') {
      evidence.push(`Access-Control-Request-Method: ${method}${asked ? ` (or the headers it asks for: ${asked}; the answer does not say which)` : ''}`);
      return asked ? { code: 'method-not-allowed', evidence, alternative: 'header-not-allowed' } : { code: 'method-not-allowed', evidence };
    }
    evidence.push(`Access-Control-Request-Headers: ${asked}${isSafelistedMethod(method) ? '' : ` (${method} was allowed before)`}`);
    return { code: 'header-not-allowed', evidence };
  }
  if (variesOnOrigin(headers)) {
    evidence.push(`the preflight answered ${status} with Vary: Origin and no Access-Control-Allow-Origin: a CORS layer read the Origin and did not allow it`);
    if (allow !== undefined) evidence.push(`the router's own OPTIONS answer (Allow: ${allow}) went out without CORS headers`);
    return { code: 'origin-not-allowed', evidence };
  }
  const others = history.allowOrigins.filter((o) => o !== origin);
  if (others.length > 0 && !history.allowOrigins.includes(origin)) {
    evidence.push(`the preflight answered ${status} with no CORS headers${allow !== undefined ? ` (Allow: ${allow})` : ''}`, `this server allowed ${quoteList(others)}${history.pathsWithCors.includes(path) ? ` on ${path}` : ''} before, never ${origin}`);
    return { code: 'origin-not-allowed', evidence };
  }
  if (allow !== undefined) {
    evidence.push(`OPTIONS answered ${status} with Allow: ${allow} and no CORS headers: the framework's automatic OPTIONS answer`);
    return { code: 'preflight-unhandled', evidence };
  }
  if (history.answersWithCors > 0) {
    evidence.push(`the preflight answered ${status} with no CORS headers`, `other answers of this server carry CORS headers`);
    return { code: 'preflight-unhandled', evidence };
  }
  evidence.push(`the preflight answered ${status} with no CORS headers`);
  if (history.answers > 0) evidence.push(`none of the ${history.answers} earlier answers from this server carried a CORS header either`);
  return { code: 'no-cors', evidence };
}

const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);
function isSafelistedMethod(method: string): boolean {
  return SAFELISTED_METHODS.has(method.toUpperCase());
}

function redirectCause(input: DiagnosisInput, location: string, cors: string[], evidence: string[]): Cause {
  const { exchange } = input;
  const { status } = exchange.response;
  const from = urlOrigin(exchange.request.url);
  const to = urlOrigin(location);
  const leaves = to !== null && to !== from;
  if (exchange.stage === 'preflight') {
    evidence.push(`the preflight was answered ${status} to ${location}: Chrome never follows a redirect of a preflight`);
    if (sameExceptSlash(exchange.request.url, location)) evidence.push('the redirect only adds or removes a trailing slash');
    return { code: 'redirect-before-cors', evidence, location };
  }
  if (leaves && LOGIN_PATH.test(pathOf(location) + '/')) {
    evidence.push(`${status} to ${location}, a sign-in page on another origin`);
    return { code: 'redirect-to-login', evidence, location };
  }
  evidence.push(cors.length === 0 ? `${status} to ${location} with no CORS headers` : `${status} to ${location}`);
  if (sameExceptSlash(exchange.request.url, location)) evidence.push('the redirect only adds or removes a trailing slash');
  else if (from !== null && to !== null && from.replace(/^http:/, 'https:') === to) evidence.push('the redirect moves the call from http to https');
  return { code: 'redirect-before-cors', evidence, location };
}

function redirectTarget(exchange: Observation): string | undefined {
  const { status, headers } = exchange.response;
  if (![301, 302, 303, 307, 308].includes(status)) return undefined;
  const raw = headerValues(headers, 'location')[0];
  if (raw === undefined) return undefined;
  try {
    return new URL(raw, exchange.request.url).href;
  } catch {
    return raw;
  }
}

function sameExceptSlash(a: string, b: string): boolean {
  const strip = (u: string) => u.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return a !== b && strip(a) === strip(b);
}

function isErrorStatus(status: number): boolean {
  return status === 400 || status === 413 || status === 415 || status === 422 || status === 429;
}

function addBody(exchange: Observation, evidence: string[]): void {
  const body = exchange.body;
  if (!body) return;
  if (body.text !== undefined && body.text.trim() !== '') evidence.push(`body: ${firstLine(body.text)}`);
  else if (body.bytes > 0 && body.text === undefined) evidence.push(`body: ${body.bytes}${body.truncated ? '+' : ''} bytes of ${body.type ?? 'unknown type'}`);
}

/** The first meaningful line of a body, markup stripped, bounded. */
export function firstLine(text: string): string {
  const plain = text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const line = plain.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== '').join(' ');
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * The server echoes the Origin on another path: a `*` here is this route's own doing. (A library
 * that echoes on the preflight and sends `*` on the call, as Starlette does, echoes on this path.)
 */
function echoedElsewhere(history: ServerHistory, exchange: Observation): boolean {
  const path = pathOf(exchange.request.url);
  return history.echoPaths.some((p) => p !== path);
}

function describeCors(headers: readonly HeaderLine[]): string {
  return corsHeaderNames(headers).join(', ');
}

function credentialSign(exchange: Observation): string {
  return exchange.request.headers.some(([n]) => n.toLowerCase() === 'cookie') ? ' (the request carries cookies)' : '';
}

function trailingSlashOf(value: string, origin: string): boolean {
  return value.replace(/\/+$/, '') === origin && value !== origin;
}

function malformation(value: string, origin: string): string {
  if (trailingSlashOf(value, origin)) return ': the page\'s origin with a trailing slash';
  if (/^["']/.test(value)) return ': it is quoted';
  if (/\s/.test(value.trim())) return ': it holds spaces';
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/./i.test(value)) return ': it has a path';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return ': it has no scheme';
  return '';
}

function nearMiss(value: string, origin: string): string {
  const a = safeUrl(value);
  const b = safeUrl(origin);
  if (!a || !b) return '';
  const loopback = (h: string) => h === 'localhost' || h === '127.0.0.1' || h === '[::1]';
  if (a.hostname !== b.hostname && loopback(a.hostname) && loopback(b.hostname)) return ` (${a.hostname} vs ${b.hostname}: different origins to the browser)`;
  if (a.protocol !== b.protocol && a.host === b.host) return ` (${a.protocol.slice(0, -1)} vs ${b.protocol.slice(0, -1)})`;
  if (a.hostname === b.hostname && a.port !== b.port) return ` (another port: ${a.port || 'default'} vs ${b.port || 'default'})`;
  return '';
}

function quoteList(values: readonly string[]): string {
  const shown = values.slice(0, 3).join(', ');
  return values.length > 3 ? `${shown} and ${values.length - 3} more` : shown;
}

/** The Origin header the request carried (`null` after a tainting redirect). */
function originHeaderOf(exchange: Observation): string | undefined {
  return exchange.request.headers.find(([name]) => name.toLowerCase() === 'origin')?.[1];
}
