/**
 * hapi with its own CORS (`routes: { cors }` on the server, `options: { cors }` per route).
 * Fingerprints read from @hapi/hapi 21.4's lib/cors.js and lib/config.js (the cors defaults) and
 * Boom's error payloads, and checked against test/fixtures/servers/hapi.json. hapi sends no Server
 * header and writes its own header names in lower case.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { fingerprintCollector, headerName, headerValue, headerValues, jsList, neededHeaders, ON_PAIRED, q, type Lines } from './common.js';

// lib/config.js: cors.headers and cors.exposedHeaders defaults, joined with "," by lib/cors.js.
const DEFAULT_HEADERS = ['Accept', 'Authorization', 'Content-Type', 'If-None-Match'];
const DEFAULT_EXPOSED = 'WWW-Authenticate,Server-Authorization';
// lib/cors.js internals.handler: how hapi's preflight route answers what it refuses (200, JSON).
const REFUSALS: readonly [string, string][] = [
  ['CORS error: Origin not allowed', 'the origin is not in cors.origin'],
  ['CORS error: Some headers are not allowed', 'a requested header is not in cors.headers / additionalHeaders'],
  ['CORS is disabled for this route', 'the route has no cors'],
];
// Boom's payloads for what hapi answers itself (no route; an exception in a handler).
const BOOM: readonly [number, string][] = [
  [404, '{"statusCode":404,"error":"Not Found","message":"Not Found"}'],
  [500, '{"statusCode":500,"error":"Internal Server Error","message":"An internal server error occurred"}'],
];

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  // The answer's own lines first; the paired answer's only for a default the answer itself does not show.
  const defaults = (headers: Lines) =>
    headers.flatMap(([name, value]): [string, string][] => {
      const lower = name.toLowerCase();
      if (lower === 'access-control-expose-headers' && value === DEFAULT_EXPOSED) return [[lower, `${name}: ${value} is hapi's default cors.exposedHeaders`]];
      if (lower === 'access-control-allow-headers' && value === DEFAULT_HEADERS.join(',')) return [[lower, `${name}: ${value} is hapi's default cors.headers`]];
      return [];
    });
  const own = defaults(e.headers);
  for (const [, fact] of own) add(fact, 'strong');
  for (const r of e.related) for (const [which, fact] of defaults(r.headers)) if (!own.some(([o]) => o === which)) add(`${fact}${ON_PAIRED}`, 'strong');
  const text = e.body?.text;
  if (text !== undefined) {
    for (const [message, meaning] of REFUSALS) {
      if (text === JSON.stringify({ message })) add(`${e.status} ${text} is hapi's CORS preflight route refusing: ${meaning}`, 'strong');
    }
    for (const [status, payload] of BOOM) if (e.status === status && text === payload) add(`${status} ${payload} is hapi's own (Boom) answer`, 'strong');
  }
  // The route default cache: every hapi answer says no-cache, in lower case.
  if (e.headers.some(([n, v]) => n === 'cache-control' && v === 'no-cache')) add("cache-control: no-cache (lower case) is hapi's default on every answer", 'weak');
  if (e.headers.some(([n, v]) => n === 'vary' && v === 'origin')) add('vary: origin (lower case) is what hapi adds on routes with cors', 'weak');
  // The preflight route echoes the one method asked for, with the default Max-Age of a day.
  if (e.stage === 'preflight' && headerValues(e.headers, 'access-control-max-age').includes('86400') && headerValues(e.headers, 'access-control-allow-methods').length === 1 && !headerValue(e.headers, 'access-control-allow-methods')!.includes(',')) {
    add("a preflight answer naming the one method asked for, with access-control-max-age: 86400, is hapi's preflight route", 'weak');
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

/** The requested headers hapi's default cors.headers does not cover (it always allows Origin too). */
function beyondDefaults(headers: readonly string[]): string[] {
  const known = [...DEFAULT_HEADERS, 'Origin'].map((h) => h.toLowerCase());
  return headers.filter((h) => !known.includes(h.toLowerCase())).map(headerName);
}

/** `{ origin: ['http://localhost:5173'], credentials: true }` */
function corsOptions(ctx: FixContext, extra = ''): string {
  return `{ origin: ${jsList([ctx.origin])}${ctx.credentials ? ', credentials: true' : ''}${extra} }`;
}

/** `routes: { cors: {...} }` in Hapi.server(...): every route and hapi's own answers get CORS. */
function serverWide(ctx: FixContext, extra = ''): string {
  return `routes: { cors: ${corsOptions(ctx, extra)} }`;
}

/** Move the check off onRequest, which runs before the route (and its cors) is known. */
function onPreAuth(ctx: FixContext): string {
  const headers = beyondDefaults(ctx.requestHeaders);
  const also = headers.length ? `, and add additionalHeaders: ${jsList(headers)}` : '';
  return `move the check from server.ext('onRequest', ...) to server.ext('onPreAuth', ...)${also} (or make it an auth strategy): hapi's CORS preflight route skips onPreAuth and authentication, while onRequest runs for every request before the route is looked up`;
}

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `No route of this hapi server has cors (hapi's default is cors: false): set it for every route in the server options: Hapi.server({ ..., ${serverWide(ctx)} }), or options: { cors: ${corsOptions(ctx)} } on the routes the page calls`;
    case 'credentials-not-allowed':
    case 'wildcard-with-credentials':
      return `hapi's cors: true (or origin: 'ignore') does not allow credentials; name the page's origin and allow them: ${serverWide({ ...ctx, credentials: true })}`;
    case 'origin-not-allowed':
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `hapi sends CORS headers only to the origins in cors.origin, compared as exact strings ('*' wildcards aside: no trailing slash, no path; localhost and 127.0.0.1 differ), and answers a refused preflight 200 {"message":"CORS error: Origin not allowed"}. Fix: add ${q(ctx.origin)} to cors.origin, e.g. ${serverWide(ctx)}`;
    case 'header-not-allowed': {
      const headers = beyondDefaults(neededHeaders(ctx));
      // hapi's defaults cover every header asked for: what refused them is not hapi's list.
      if (headers.length === 0) return undefined;
      return `hapi allows only cors.headers (default ${DEFAULT_HEADERS.join(', ')}) and answers any other requested header with 200 {"message":"CORS error: Some headers are not allowed"}: keep the defaults and add yours: additionalHeaders: ${jsList(headers)}, e.g. ${serverWide(ctx, `, additionalHeaders: ${jsList(headers)}`)}`;
    }
    case 'route-excluded':
    case 'preflight-unhandled':
      return `${ctx.method} ${ctx.path} has no cors (hapi's preflight route answers it 200 {"message":"CORS is disabled for this route"}, or 404 without a route for that method): set cors for every route in the server options, ${serverWide(ctx)}, or options: { cors: ${corsOptions(ctx)} } on that route too`;
    case 'auth-before-cors':
      return `A server extension answered the preflight ${ctx.status} (a preflight never carries keys or cookies): ${onPreAuth(ctx)}`;
    case 'preflight-status':
      return `The preflight carries hapi's CORS headers but status ${ctx.status}: hapi's own preflight route answers 200, so a server.ext('onRequest') check answered it: ${onPreAuth(ctx)}`;
    case 'error-without-cors':
      return `The ${ctx.status} left without CORS headers: hapi adds them to every answer of a route with cors, its errors included, but not to what onRequest extensions or unknown paths answer unless cors is set server-wide: ${serverWide(ctx)}. Then fix the ${ctx.status} itself`;
    case 'redirect-before-cors':
      return `The ${ctx.status} redirect${ctx.location ? ` to ${ctx.location}` : ''} came from an onRequest extension, before any route's cors: set cors server-wide (${serverWide(ctx)}) so hapi adds it to that answer too, never redirect OPTIONS, or call the final URL`;
    case 'route-overrides':
      return `The ${ctx.path} handler sets Access-Control-Allow-Origin itself (${ctx.allowOrigin ?? ''}): remove .header('Access-Control-Allow-Origin', ...) there and let the route's cors answer`;
    case 'redirect-to-login':
      return `${ctx.method} ${ctx.path} was redirected to a sign-in page${ctx.location ? ` (${ctx.location})` : ''}${ctx.allowOrigin === null ? ' that sends no CORS headers' : ''}: with @hapi/cookie, leave redirectTo off the API routes so they answer 401, and let the page send the user to sign in`;
    case 'method-not-allowed':
    case 'duplicate-layers':
    case 'redirect-target-no-cors':
      // hapi's preflight route echoes the method asked for; duplicates and redirect targets come from elsewhere.
      return undefined;
  }
}

export const hapi: StackProfile = {
  name: 'hapi',
  title: 'hapi with its route cors',
  recognise: fingerprints,
  fix,
};
