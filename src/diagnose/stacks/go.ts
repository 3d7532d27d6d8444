/**
 * Go: net/http (with rs/cors, or CORS headers written by hand) and gin. net/http sends no Server or
 * X-Powered-By header, so a plain 200 from it says nothing by itself; what names it is what its own
 * code writes: http.Error's and http.NotFound's plain-text answers, http.Redirect's body, rs/cors'
 * three Vary lines. Read from Go 1.19's net/http, rs/cors 1.7.0 (cors.go) and gin 1.8.1 (gin.go),
 * and checked against test/fixtures/servers/go.json.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { dq, dqList, fingerprintCollector, hasCorsHeader, headerValue, headerValues, neededMethods, type Lines } from './common.js';

// rs/cors handlePreflight: headers.Add("Vary", ...) three times, before it looks at the Origin, so
// a refused preflight carries them too (and nothing else: 200, no Access-Control-*).
const RS_VARY = ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'];
// http.Redirect's body for GET/HEAD: `<a href="%s">%s</a>.\n\n` with the status text.
const REDIRECT_BODY = /^<a href="[^"]*">(Moved Permanently|Found|See Other|Temporary Redirect|Permanent Redirect)<\/a>\.\n\n$/;
// net/http writes the handler's header map sorted by name, then Date and Content-Length (or
// Transfer-Encoding / a sniffed Content-Type); Node, the likeliest look-alike, writes Connection first.
const AFTER_DATE = new Set(['Content-Length', 'Transfer-Encoding', 'Content-Type']);

function hasRsVary(headers: Lines): boolean {
  const vary = headerValues(headers, 'vary');
  return RS_VARY.every((v, i) => vary[i] === v) && vary.length === RS_VARY.length;
}

function goHeaderOrder(headers: Lines): boolean {
  const date = headers.findIndex(([n]) => n === 'Date');
  const next = headers[date + 1]?.[0];
  if (date < 0 || next === undefined || !AFTER_DATE.has(next)) return false;
  const before = headers.slice(0, date).map(([n]) => n);
  return before.every((n, i) => i === 0 || (before[i - 1] as string) <= n);
}

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  const text = e.body?.text;
  const type = headerValue(e.headers, 'content-type');
  const nosniff = headerValues(e.headers, 'x-content-type-options').includes('nosniff');

  // Spring's DefaultCorsProcessor adds the same three Vary lines, but first and on every answer;
  // rs/cors adds them only to preflights, and net/http then writes them in its sorted order.
  const vary = 'Vary: Origin, Vary: Access-Control-Request-Method, Vary: Access-Control-Request-Headers as three lines';
  if (hasRsVary(e.headers)) {
    if (e.stage === 'preflight' && goHeaderOrder(e.headers)) {
      add(`${vary}, in net/http's sorted order, is rs/cors' preflight answer`, 'strong');
      if (e.status === 200 && !hasCorsHeader(e.headers)) add('200 with those Vary lines and no Access-Control-* header is how rs/cors refuses a preflight (origin, method or headers not allowed)', 'weak');
    } else add(`${vary} is consistent with rs/cors' preflight answer`, 'weak');
  } else if (e.related.some((r) => hasRsVary(r.headers) && goHeaderOrder(r.headers))) {
    add(`${vary} on the paired preflight, in net/http's sorted order, are rs/cors'`, 'strong');
  }

  if (text !== undefined && type === 'text/plain; charset=utf-8' && nosniff) {
    // http.NotFound / http.Error(w, msg, code): the message, a newline, under those two headers.
    if (text === '404 page not found\n') add('404 "404 page not found" is net/http\'s NotFound', 'strong');
    else if (e.status >= 400 && /^[^\n]*\n$/.test(text)) add(`${e.status} "${text.trim()}" (text/plain; charset=utf-8, X-Content-Type-Options: nosniff, one line) is net/http's http.Error`, 'strong');
  }
  // gin's serveError writes its default404Body/default405Body as text/plain, no charset, no newline.
  if (type === 'text/plain' && (text === '404 page not found' || text === '405 method not allowed')) {
    add(`${e.status} "${text}" (Content-Type: text/plain) is gin's default answer for an unrouted request`, 'strong');
  }
  if (text !== undefined && e.status >= 300 && e.status < 400 && REDIRECT_BODY.test(text) && type === 'text/html; charset=utf-8') {
    add(`${e.status} body "${text.trim()}" is net/http's http.Redirect`, 'strong');
  }
  if (goHeaderOrder(e.headers)) add("header lines sorted by name with Date and Content-Length after them, as net/http writes them", 'weak');
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

// rs/cors 1.7 New(): AllowedMethods defaults to GET, POST, HEAD; AllowedHeaders to Origin, Accept,
// Content-Type, X-Requested-With, and a list given replaces the default (Origin is always added).
const RS_METHODS = ['GET', 'POST', 'HEAD'];
const RS_HEADERS = ['Accept', 'Content-Type', 'X-Requested-With'];
const GO_METHODS: Readonly<Record<string, string>> = {
  GET: 'http.MethodGet',
  HEAD: 'http.MethodHead',
  POST: 'http.MethodPost',
  PUT: 'http.MethodPut',
  PATCH: 'http.MethodPatch',
  DELETE: 'http.MethodDelete',
  OPTIONS: 'http.MethodOptions',
};

const goMethod = (m: string) => GO_METHODS[m.toUpperCase()] ?? dq(m);
/** http.CanonicalHeaderKey: `x-csrf-token` -> `X-Csrf-Token`. */
const canonical = (h: string) => h.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

function methodsNeeded(ctx: FixContext): string[] {
  return neededMethods(ctx).map((m) => m.toUpperCase()).filter((m, i, all) => !RS_METHODS.includes(m) && all.indexOf(m) === i);
}

function headersNeeded(ctx: FixContext): string[] {
  const names = ctx.requestHeaders.map(canonical).filter((h) => h !== 'Origin');
  return names.filter((h, i) => !RS_HEADERS.includes(h) && names.indexOf(h) === i);
}

const allowedMethods = (ctx: FixContext) => `AllowedMethods: []string{${[...RS_METHODS, ...methodsNeeded(ctx)].map(goMethod).join(', ')}}`;
const allowedHeaders = (ctx: FixContext) => `AllowedHeaders: []string{${dqList([...RS_HEADERS, ...headersNeeded(ctx)])}}`;

/** `cors.Options{...}` with what this call needs beyond rs/cors' defaults. */
function options(ctx: FixContext, credentials = ctx.credentials): string {
  const parts = [`AllowedOrigins: []string{${dq(ctx.origin)}}`];
  if (methodsNeeded(ctx).length > 0) parts.push(allowedMethods(ctx));
  if (headersNeeded(ctx).length > 0) parts.push(allowedHeaders(ctx));
  if (credentials) parts.push('AllowCredentials: true');
  return `cors.Options{${parts.join(', ')}}`;
}

const setOrigin = (ctx: FixContext) => `w.Header().Set("Access-Control-Allow-Origin", ${dq(ctx.origin)})`;

/** The OPTIONS branch a hand-written net/http handler needs before its method check. */
function optionsBranch(ctx: FixContext): string {
  const lines = ['if r.Method == http.MethodOptions {', `\t${setOrigin(ctx)}`, `\tw.Header().Set("Access-Control-Allow-Methods", ${dq(ctx.method.toUpperCase())})`];
  const headers = ctx.requestHeaders.map(canonical);
  if (headers.length > 0) lines.push(`\tw.Header().Set("Access-Control-Allow-Headers", ${dq(headers.join(', '))})`);
  if (ctx.credentials) lines.push('\tw.Header().Set("Access-Control-Allow-Credentials", "true")');
  lines.push('\tw.WriteHeader(http.StatusNoContent)', '\treturn', '}');
  return lines.join('\n');
}

function fix(ctx: FixContext): string | undefined {
  const wrap = `handler := cors.New(${options(ctx)}).Handler(mux)`;
  switch (ctx.code) {
    case 'no-cors':
      return `Nothing in this Go server sets CORS headers. Wrap the whole mux with rs/cors (github.com/rs/cors), which also answers preflights: ${wrap}, then http.ListenAndServe(addr, handler)`;
    case 'origin-not-allowed':
      return `rs/cors compares the Origin with AllowedOrigins exactly (scheme, host and port: localhost is not 127.0.0.1, and an entry with a trailing slash never matches), and refuses with no Access-Control-* header at all (a preflight gets a bare 200 with only Vary): add ${dq(ctx.origin)} to AllowedOrigins: cors.Options{AllowedOrigins: []string{..., ${dq(ctx.origin)}}}. With hand-written headers, echo the Origin when it is in your list: if allowed[r.Header.Get("Origin")] { w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin")); w.Header().Add("Vary", "Origin") }`;
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `Access-Control-Allow-Origin must be exactly the page's origin, scheme://host:port with no path or trailing slash (trim it from configuration: strings.TrimSuffix(origin, "/")): ${setOrigin(ctx)}; to allow several origins, echo the request's Origin when it is in your list, or use rs/cors: cors.Options{AllowedOrigins: []string{${dq(ctx.origin)}}}`;
    case 'wildcard-with-credentials':
      return `rs/cors sends * when AllowedOrigins is empty (its default) or holds "*", even with AllowCredentials; a credentialed call needs the origin named: ${options(ctx, true)}. By hand: ${setOrigin(ctx)} and w.Header().Set("Access-Control-Allow-Credentials", "true")`;
    case 'credentials-not-allowed':
      return `The origin is allowed but Access-Control-Allow-Credentials: true is missing: ${options(ctx, true)} (rs/cors' AllowCredentials is false by default), or by hand w.Header().Set("Access-Control-Allow-Credentials", "true")`;
    case 'method-not-allowed':
      return `rs/cors allows only GET, POST and HEAD unless AllowedMethods says otherwise, and refuses a preflight with a bare 200 (only Vary, no Access-Control-Allow-Origin), so Chrome blames the origin. A list replaces the default, so keep what you use: ${allowedMethods(ctx)}`;
    case 'header-not-allowed':
      return `rs/cors allows only Accept, Content-Type, X-Requested-With (and Origin) unless AllowedHeaders says otherwise, and refuses a preflight with a bare 200 (only Vary, no Access-Control-Allow-Origin), so Chrome blames the origin. A list replaces the default, so keep what you use: ${allowedHeaders(ctx)} (or []string{"*"})`;
    case 'auth-before-cors':
      return `The authentication middleware wraps rs/cors, so it answers ${ctx.status} to the preflight (which never carries Authorization or cookies) before rs/cors can: wrap it the other way round, c.Handler(auth(mux)) (auth being your authentication middleware), so rs/cors answers preflights itself and puts its headers on the ${ctx.status}. With gin, r.Use(cors) before the auth middleware`;
    case 'preflight-unhandled':
      return `Nothing answers OPTIONS ${ctx.path}: net/http sends it to your handler like any other method, and a gin route group's middleware never runs for a method that has no route (gin answers 404). With net/http, answer the preflight before the method check:\n${optionsBranch(ctx)}\nor wrap the mux with rs/cors, which answers preflights itself: ${wrap}. With gin, register the CORS middleware on the engine, before the routes: r.Use(CORSMiddleware())`;
    case 'preflight-status':
      return `The CORS headers are set, but the OPTIONS then goes on to the handler, which answers ${ctx.status}. End the preflight in the CORS middleware, after setting the headers:\nif r.Method == http.MethodOptions {\n\tw.WriteHeader(http.StatusNoContent)\n\treturn\n}\n(gin: if c.Request.Method == "OPTIONS" { c.AbortWithStatus(204); return })`;
    case 'error-without-cors':
      return `This ${ctx.status} was written by a layer outside rs/cors, so it lacks the CORS headers and Chrome hides it (http.TimeoutHandler writes its 503 to the real writer and drops the headers set inside it; http.MaxBytesHandler and recovery middleware wrapped around rs/cors do the same): make rs/cors the outermost handler, e.g. c.Handler(http.TimeoutHandler(mux, timeout, msg)), then fix the ${ctx.status} itself`;
    case 'route-excluded':
      return `${ctx.path} is served without rs/cors: wrap the whole mux rather than single handlers (${wrap}), or register ${ctx.path} on the wrapped mux`;
    case 'redirect-before-cors':
      return `The redirect ${ctx.location ? `to ${ctx.location} ` : ''}is written before rs/cors runs (http.ServeMux redirects /path to /path/ when only the pattern with the slash is registered; gin's RedirectTrailingSlash does too): wrap the whole mux, c.Handler(mux), so the redirect carries the CORS headers, or call ${ctx.location ?? 'the final URL'} directly; a preflight must never be redirected`;
    case 'duplicate-layers':
    case 'route-overrides':
      return `Access-Control-Allow-Origin is sent by rs/cors and by your handler (${ctx.allowOrigin ?? ''}): w.Header().Add appends a second line where rs/cors used Set. Leave CORS to rs/cors: delete the handler's own w.Header().Add("Access-Control-Allow-Origin", ...) (and any w.Header().Set of it), or the proxy's add_header in front of the Go server`;
    case 'redirect-to-login':
      return `Answer an unauthenticated API call with http.Error(w, "unauthorized", http.StatusUnauthorized) inside rs/cors instead of http.Redirect to the sign-in page, and let the page send the user there`;
    case 'redirect-target-no-cors':
      return undefined;
  }
}

export const go: StackProfile = {
  name: 'go',
  title: 'Go net/http (rs/cors, gin)',
  recognise: fingerprints,
  fix,
};
