/**
 * Koa with @koa/cors (and @koa/router, @koa/bodyparser). Fingerprints read from @koa/cors 5.0's
 * index.js, @koa/router 15's allowedMethods(), Koa 3's response.redirect and ctx.onerror, and
 * checked against test/fixtures/servers/koa.json. Koa sends no Server or X-Powered-By header, so a
 * plain answer of a Koa app names nothing; @koa/cors' defaults and Koa's own bodies do.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { fingerprintCollector, headerValue, headerValues, jsList, ON_PAIRED, q, withNeededHeaders, withNeededMethods, type Lines } from './common.js';

// @koa/cors `defaults.allowMethods`. Sent with the header name as written here (ctx.set); hono/cors
// once had the same list, but a fetch Headers object sends its names in lower case.
const KOA_CORS_DEFAULT_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';
// @koa/router registers HEAD with every GET route, ahead of it, and allowedMethods() joins with ", ";
// OPTIONS is listed only if a route defines it (Werkzeug's "HEAD, GET, OPTIONS" always has it).
const ROUTER_ALLOW = /^HEAD, GET(, (?!OPTIONS\b)[A-Z]+)*$/;
// Koa's default error body is the status' message (statuses), sent as text/plain; charset=utf-8.
const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  const defaults = (headers: Lines) => headers.some(([n, v]) => n === 'Access-Control-Allow-Methods' && v === KOA_CORS_DEFAULT_METHODS);
  const fact = `Access-Control-Allow-Methods: ${KOA_CORS_DEFAULT_METHODS} is @koa/cors' default allowMethods`;
  if (defaults(e.headers)) add(fact, 'strong');
  else if (e.related.some((r) => defaults(r.headers))) add(`${fact}${ON_PAIRED}`, 'strong');
  const text = e.body?.text;
  const type = headerValue(e.headers, 'content-type');
  const allow = headerValue(e.headers, 'allow');
  if ((e.status === 200 || e.status === 405) && allow !== undefined && ROUTER_ALLOW.test(allow) && (text ?? '') === '' && type === 'text/plain; charset=utf-8') {
    add(`an empty ${e.status} with Allow: ${allow} (HEAD ahead of GET) is @koa/router's allowedMethods() answer to OPTIONS`, 'strong');
  }
  // response.redirect: "Redirecting to <url>." and nothing else (Express says "Found. Redirecting to").
  if (e.status >= 300 && e.status < 400 && text !== undefined && /^Redirecting to \S+\.$/.test(text)) {
    add(`${e.status} body "${text}" is Koa's ctx.redirect()`, 'strong');
  }
  // keepHeadersOnError: @koa/cors hands its headers to ctx.onerror in err.headers, Vary as "vary".
  if (e.status >= 400 && e.headers.some(([n]) => n === 'vary') && e.headers.some(([n]) => n === 'Access-Control-Allow-Origin')) {
    add(`${e.status} with Access-Control-Allow-Origin and a lower-case vary: Origin is @koa/cors' headers kept on a Koa error answer (keepHeadersOnError)`, 'strong');
  }
  if (e.status >= 400 && text !== undefined && text === REASONS[e.status] && type === 'text/plain; charset=utf-8') {
    add(`${e.status} body "${text}" (text/plain; charset=utf-8) is Koa's default error body`, 'weak');
  }
  // @koa/cors calls ctx.vary('Origin') before anything else, so Vary leads the headers it sets.
  if (e.headers[0]?.[0] === 'Vary' && e.headers[0][1] === 'Origin') {
    add(
      headerValues(e.headers, 'access-control-allow-origin').length
        ? 'Vary: Origin ahead of every other header, as @koa/cors sets it'
        : "Vary: Origin without Access-Control-Allow-Origin, as @koa/cors sends it when its origin function returns nothing for this origin",
      'weak',
    );
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

/** `app.use(cors({ origin: 'http://localhost:5173', credentials: true }))`. */
function use(ctx: FixContext, extra = ''): string {
  return `app.use(cors({ origin: ${q(ctx.origin)}${ctx.credentials ? ', credentials: true' : ''}${extra} }))`;
}

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `Nothing in this Koa app sends CORS headers: install @koa/cors and register it ahead of the router: import cors from '@koa/cors'; ${use(ctx)}`;
    case 'origin-not-allowed':
      return `@koa/cors sent nothing for ${ctx.origin}: an origin function that returns '' (or a list that misses this origin: localhost and 127.0.0.1, ports and schemes all differ) leaves the answer without CORS headers. Fix: add ${q(ctx.origin)} to the origins your @koa/cors origin function returns, or name it: ${use(ctx)}`;
    case 'origin-fixed-other':
      return `@koa/cors sends a string origin on every answer as is (${ctx.allowOrigin ?? 'another origin'}): ${use(ctx)}, or an origin function that returns ctx.get('Origin') for each origin you allow`;
    case 'origin-malformed':
      return `@koa/cors sends a string origin exactly as written, and ${ctx.allowOrigin ?? 'it'} is not an origin (scheme://host:port, no trailing slash or path): ${use(ctx)}`;
    case 'wildcard-with-credentials':
      return `@koa/cors' default origin is '*' and credentials is false; a credentialed call needs the page's origin named and credentials allowed: ${use({ ...ctx, credentials: true })}`;
    case 'credentials-not-allowed':
      return `@koa/cors sends Access-Control-Allow-Credentials only with credentials: true: ${use({ ...ctx, credentials: true })}`;
    case 'method-not-allowed': {
      const methods = withNeededMethods(ctx);
      return `@koa/cors was given allowMethods without ${ctx.method}: allowMethods: ${jsList(methods)} (or leave allowMethods out: the default is ${KOA_CORS_DEFAULT_METHODS})`;
    }
    case 'header-not-allowed': {
      const headers = withNeededHeaders(ctx);
      return `@koa/cors was given allowHeaders without ${ctx.missingHeaders.join(', ') || 'the headers the page sends'}: allowHeaders: ${jsList(headers)} (or leave allowHeaders out: @koa/cors then echoes Access-Control-Request-Headers)`;
    }
    case 'auth-before-cors':
      return `Koa runs middleware in app.use() order, and a preflight never carries cookies, tokens or API keys, so the check answered it ${ctx.status} before cors() ran: register ${use(ctx)} before your authentication middleware; cors() then answers the preflight itself (204) and keeps its headers on the 401s thrown after it`;
    case 'preflight-unhandled':
      return `The OPTIONS never reached @koa/cors: on the router (router.use(cors()) or a route's own middleware) it runs only for a matched method, so router.allowedMethods() answers the preflight (200/405 with Allow) or nothing does (404). Mount it on the app: ${use(ctx)} ahead of app.use(router.routes())`;
    case 'error-without-cors':
      return `The ${ctx.status} was thrown before cors() ran (a body parser, or other middleware registered ahead of it), and Koa's default error handler clears the headers of a thrown error: register ${use(ctx)} before app.use(bodyParser()) and the rest; @koa/cors keeps its headers on errors thrown after it (keepHeadersOnError). Then fix the ${ctx.status} itself`;
    case 'route-excluded':
      return `The preflight passed but ${ctx.method} ${ctx.path} answered without CORS headers: cors() runs only where it is mounted, and a router mounted ahead of it answers first. Mount it on the app, first: ${use(ctx)} ahead of app.use(router.routes())`;
    case 'redirect-before-cors':
      return `The ${ctx.status} redirect${ctx.location ? ` to ${ctx.location}` : ''} was answered before cors() ran, and Chrome refuses a redirect without CORS headers (and any redirect of a preflight): register ${use(ctx)} before the redirecting middleware (trailing slash, https, canonical host), or call the final URL`;
    case 'redirect-target-no-cors':
      return `The redirect carried CORS headers but ${ctx.location ?? 'its target'} did not: mount cors() on the app for every path, ${use(ctx)} ahead of app.use(router.routes())`;
    case 'route-overrides':
      return `The ${ctx.path} route sets Access-Control-Allow-Origin itself (${ctx.allowOrigin ?? ''}) over what @koa/cors set before it: remove ctx.set('Access-Control-Allow-Origin', ...) from that route and let ${use(ctx)} answer`;
    case 'duplicate-layers':
      return `Two layers send the CORS headers: keep @koa/cors alone (${use(ctx)}) and remove the other (a ctx.append in a route, or the proxy in front adding its own)`;
    case 'redirect-to-login':
      return `${ctx.method} ${ctx.path} was redirected to a sign-in page${ctx.location ? ` (${ctx.location})` : ''}${ctx.allowOrigin === null ? ' that sends no CORS headers' : ''}: answer API calls without a session with ctx.throw(401) instead of ctx.redirect(...), and let the page send the user to sign in`;
    case 'preflight-status':
      return undefined;
  }
}

export const koa: StackProfile = {
  name: 'koa',
  title: 'Koa with @koa/cors',
  recognise: fingerprints,
  fix,
};
