/**
 * Hono with hono/cors (on @hono/node-server, hono/bearer-auth, hono/body-limit). Fingerprints read
 * from hono 4.13's middleware/cors, bearer-auth and hono-base's notFound, and checked against
 * test/fixtures/servers/hono.json. Hono sends no Server or X-Powered-By header; what it builds through
 * a fetch Headers object goes out with lower-case names, its fast-path answers with capitalised ones.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { fingerprintCollector, headerValue, headerValues, jsList, ON_PAIRED, q, withNeededHeaders, withNeededMethods, type Lines } from './common.js';

// hono/cors `allowMethods` default since QUERY was added (4.10); before that the list ended at
// PATCH, the very string @koa/cors defaults to, so that one is only consistent with Hono.
const HONO_DEFAULT_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY';
const HONO_OLD_DEFAULT_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  // The answer's own lines first; the paired answer's only for what the answer itself does not show.
  const methods = (headers: Lines, where: string) => {
    for (const [name, value] of headers) {
      if (name.toLowerCase() !== 'access-control-allow-methods') continue;
      if (value === HONO_DEFAULT_METHODS) add(`${name}: ${value} is hono/cors' default allowMethods${where}`, 'strong');
      else if (value === HONO_OLD_DEFAULT_METHODS && name === name.toLowerCase()) add(`${name}: ${value} is hono/cors' default allowMethods before QUERY${where}`, 'weak');
    }
  };
  methods(e.headers, '');
  if (found.length === 0) for (const r of e.related) methods(r.headers, ON_PAIRED);
  const text = e.body?.text;
  const type = headerValue(e.headers, 'content-type');
  // hono-base's notFoundHandler: c.text('404 Not Found', 404).
  if (e.status === 404 && text === '404 Not Found' && type === 'text/plain; charset=UTF-8') add('404 body "404 Not Found" (text/plain; charset=UTF-8) is Hono\'s default notFound', 'strong');
  // bearerAuth's challenge when no token came, with its default realm "".
  if (e.status === 401 && headerValues(e.headers, 'www-authenticate').includes('Bearer realm=""')) add('401 with WWW-Authenticate: Bearer realm="" is hono/bearer-auth\'s default answer', 'strong');
  // errorHandler: c.text('Internal Server Error', 500).
  if (e.status === 500 && text === 'Internal Server Error' && type === 'text/plain; charset=UTF-8') add('500 body "Internal Server Error" (text/plain; charset=UTF-8) is Hono\'s default onError', 'weak');
  // new Response(string): the fetch standard's own Content-Type, as a Hono middleware answers.
  if (type === 'text/plain;charset=UTF-8') add('Content-Type: text/plain;charset=UTF-8 is a fetch Response made from a string (Hono middleware)', 'weak');
  // hono/cors, when it names origins: Vary: Origin on the answer, and with credentials: true the
  // Allow-Credentials line even for an origin it refuses.
  const acao = headerValues(e.headers, 'access-control-allow-origin').length > 0;
  if (!acao && e.headers.some(([n, v]) => n === 'access-control-allow-credentials' && v === 'true')) {
    add('access-control-allow-credentials: true without Access-Control-Allow-Origin is hono/cors refusing an origin (credentials: true)', 'weak');
  }
  if (e.headers.some(([n, v]) => n === 'vary' && v === 'Origin, Access-Control-Request-Headers') && e.stage === 'preflight' && e.status === 204) {
    add('a 204 preflight with vary: Origin, Access-Control-Request-Headers in lower case is hono/cors\' answer', 'weak');
  }
  // A fetch Headers object iterates its names in lower case and sorted; @hono/node-server writes them
  // so (Content-Length it adds itself). hapi's lower-case names come in its own order.
  const names = e.headers.map(([n]) => n).filter((n) => n === n.toLowerCase() && n !== 'content-length');
  if (names.length >= 2 && names.some((n) => n.startsWith('access-control-') || n === 'vary') && names.every((n, i) => i === 0 || names[i - 1]! < n)) {
    add(`header names in lower case and sorted (${names.join(', ')}): a fetch Headers object, as Hono on @hono/node-server sends`, 'weak');
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

/** `app.use('*', cors({ origin: 'http://localhost:5173', credentials: true }))`: on every path, first. */
function use(ctx: FixContext): string {
  return `app.use('*', cors({ origin: ${q(ctx.origin)}${ctx.credentials ? ', credentials: true' : ''} }))`;
}

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `Nothing in this Hono app sends CORS headers: import { cors } from 'hono/cors' and register it before the routes: ${use(ctx)}`;
    case 'preflight-unhandled':
      return `The OPTIONS ${ctx.path} never reached cors() (${ctx.status === 404 ? "Hono's 404" : `status ${ctx.status}`}): its path pattern misses the request (with new Hono().basePath('/api'), app.use('/api/*') guards /api/api/*), or it sits on one route only. Register it where every path matches: ${use(ctx)}`;
    case 'origin-not-allowed':
      return `hono/cors sent no Access-Control-Allow-Origin for ${ctx.origin}: it compares each configured origin with the Origin as a string (no trailing slash, no path; localhost and 127.0.0.1, ports and schemes differ). Fix: add ${q(ctx.origin)} to the origin list of cors(), e.g. ${use(ctx)}`;
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `hono/cors sent ${ctx.allowOrigin ?? 'another value'}, which is not the page's origin: ${use(ctx)}`;
    case 'wildcard-with-credentials':
      return `hono/cors sends origin '*' as is, credentials: true or not, and a credentialed call may not use it: name the page's origin: ${use({ ...ctx, credentials: true })}`;
    case 'credentials-not-allowed':
      return `hono/cors sends Access-Control-Allow-Credentials only with credentials: true: ${use({ ...ctx, credentials: true })}`;
    case 'method-not-allowed': {
      const methods = withNeededMethods(ctx);
      return `cors() was given allowMethods without ${ctx.method}: allowMethods: ${jsList(methods)} (or leave allowMethods out: the default is ${HONO_DEFAULT_METHODS})`;
    }
    case 'header-not-allowed': {
      const headers = withNeededHeaders(ctx);
      return `cors() was given allowHeaders without ${ctx.missingHeaders.join(', ') || 'the headers the page sends'}: allowHeaders: ${jsList(headers)} (or leave allowHeaders out: hono/cors then echoes Access-Control-Request-Headers)`;
    }
    case 'auth-before-cors':
      return `Hono runs middleware in registration order, and a preflight never carries the token, so the auth middleware answered it ${ctx.status} before cors() ran: register ${use(ctx)} before your auth middleware (bearerAuth, basicAuth, jwt); cors() then answers the preflight itself (204) and its headers stay on the 401s that follow`;
    case 'route-excluded':
      return `The preflight passed but ${ctx.method} ${ctx.path} answered without CORS headers: a handler registered before cors() answers without running it. Register ${use(ctx)} before the routes (before app.route() / app.get() ...)`;
    case 'error-without-cors':
      return `The ${ctx.status} was answered before cors() ran (bodyLimit, a validator or other middleware registered ahead of it), so Chrome hides it: register ${use(ctx)} first, before any middleware that can answer; answers made after it, app.onError's included, keep its headers. Then fix the ${ctx.status} itself`;
    case 'redirect-before-cors':
      return `The ${ctx.status} redirect${ctx.location ? ` to ${ctx.location}` : ''} was answered before cors() ran: register ${use(ctx)} first, before the redirecting middleware, or call the final URL`;
    case 'redirect-target-no-cors':
      return `The redirect carried CORS headers but ${ctx.location ?? 'its target'} did not: ${use(ctx)}, on '*' so every path has it`;
    case 'route-overrides':
      return `The ${ctx.path} handler sets Access-Control-Allow-Origin itself (${ctx.allowOrigin ?? ''}): remove c.header('Access-Control-Allow-Origin', ...) there and let cors() answer`;
    case 'duplicate-layers':
      return `Two layers send the CORS headers: keep one cors() (${use(ctx)}) and remove the other (a second cors() on a sub-app or route, c.header(...) in a handler, or the proxy in front adding its own)`;
    case 'redirect-to-login':
      return `${ctx.method} ${ctx.path} was redirected to a sign-in page${ctx.location ? ` (${ctx.location})` : ''}${ctx.allowOrigin === null ? ' that sends no CORS headers' : ''}: answer API calls without a session with c.json({ error: 'unauthenticated' }, 401) instead of c.redirect(...), and let the page send the user to sign in`;
    case 'preflight-status':
      return undefined;
  }
}

export const hono: StackProfile = {
  name: 'hono',
  title: 'Hono with hono/cors',
  recognise: fingerprints,
  fix,
};
