/**
 * Express with the `cors` package. Fingerprints read from Express 5.3 (router 2, finalhandler 2)
 * and cors 2.8.6's lib/index.js, and checked against test/fixtures/servers/express.json.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, fingerprintCollector, headerValue, headerValues, jsList, markHeader, meantOrigins, q, unique, withNeededHeaders, withNeededMethods } from './common.js';

// cors 2.8.6 `defaults.methods`; @fastify/cors used the same string before 11 and NestJS passes
// through to this package, so alone it is only consistent with Express.
const CORS_DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
// etag (res.send): W/"<length in hex>-<27 base64 chars of a SHA-1>".
const WEAK_ETAG = /^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/;

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  // Set by Express's own init middleware on every answer, unless app.disable('x-powered-by') or helmet.
  markHeader(e, add, 'x-powered-by', (v) => v === 'Express');

  const text = e.body?.text ?? '';
  const allow = headerValue(e.headers, 'allow');
  // router's automatic OPTIONS answer: 200, Allow, and the same list as a text/plain body
  // (Express 5: "GET, HEAD, PUT"; Express 4: "PUT,GET,HEAD").
  if (e.status === 200 && allow !== undefined && text === allow) {
    add(`200 to OPTIONS with Allow: ${allow} and the same list as its body is Express's automatic OPTIONS answer`, 'strong');
  }
  // finalhandler: the 404 "Cannot GET /path" page and the error page, both under CSP default-src 'none'.
  const pre = /<title>Error<\/title>\s*<\/head>\s*<body>\s*<pre>([^<]*)/.exec(text)?.[1];
  if (pre !== undefined && headerValues(e.headers, 'content-security-policy').includes("default-src 'none'")) {
    if (/^Cannot [A-Z]+ /.test(pre)) add(`${e.status} page "${pre}" is Express's default 404 (finalhandler)`, 'strong');
    else add(`${e.status} page "${pre}" is Express's default error handler (finalhandler)`, 'strong');
  }
  // The error of the dynamic-origin example in cors' README (expressjs/cors#117).
  if (text.includes('Error: Not allowed by CORS')) add('"Error: Not allowed by CORS" is what a cors origin function passes for an origin it refuses', 'weak');

  for (const headers of answerAndPaired(e)) {
    for (const v of headerValues(headers, 'access-control-allow-methods')) {
      if (v === CORS_DEFAULT_METHODS) add(`Access-Control-Allow-Methods ${v} is the cors package's default`, 'weak');
    }
  }
  // cors ends a preflight itself: optionsSuccessStatus 204 and an explicit Content-Length: 0.
  if (e.stage === 'preflight' && e.status === 204 && e.headers.some(([n, v]) => n === 'Content-Length' && v === '0') && headerValues(e.headers, 'access-control-allow-origin').length > 0) {
    add('preflight 204 with Content-Length: 0 is the cors package\'s own answer (optionsSuccessStatus 204)', 'weak');
  }
  const etag = headerValue(e.headers, 'etag');
  if (etag !== undefined && WEAK_ETAG.test(etag)) add(`ETag: ${etag} is res.send's weak ETag`, 'weak');
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

/** `cors({ origin: 'http://localhost:5173', credentials: true })`, the origin as given. */
function corsCall(ctx: FixContext, origin: string = q(ctx.origin)): string {
  return `cors({ origin: ${origin}${ctx.credentials ? ', credentials: true' : ''} })`;
}

function fix(ctx: FixContext): string | undefined {
  const use = `app.use(${corsCall(ctx)})`;
  switch (ctx.code) {
    case 'no-cors':
      return `Install the cors package (npm install cors) and register it before the routes: import cors from 'cors'; ${use}`;
    case 'origin-not-allowed': {
      const list = `app.use(${corsCall(ctx, jsList([ctx.origin]))})`;
      const thrown =
        ctx.status >= 500
          ? `The cors origin function refused ${ctx.origin} with an Error, which Express answers as a ${ctx.status} page without CORS headers: add ${q(ctx.origin)} to the list it checks, and refuse other origins with callback(null, false) rather than callback(new Error(...)). Or give cors() the list itself: ${list}`
          : undefined;
      return thrown ?? `cors() refuses ${ctx.origin}: an origin matches only with the same scheme, host and port (localhost and 127.0.0.1 differ). Allow it next to the origins you list: ${list}`;
    }
    case 'origin-fixed-other':
      return `cors() names one fixed origin, ${ctx.allowOrigin ?? 'another'}: ${use}, or origin: ${jsList(unique([ctx.allowOrigin ?? ctx.origin, ctx.origin]))} to allow both (with a list, cors() echoes the Origin that matches)`;
    case 'origin-malformed': {
      const origins = meantOrigins(ctx);
      const origin = origins.length === 1 ? q(ctx.origin) : jsList(origins);
      return `cors() sends a string origin exactly as written, and ${ctx.allowOrigin ?? 'it'} is not one origin (scheme://host:port, no trailing slash or path, one per value; a list goes in an array): app.use(${corsCall(ctx, origin)})`;
    }
    case 'wildcard-with-credentials':
      return `cors() sends '*' (its default origin), which a credentialed request may not use: name the page's origin and allow credentials: app.use(${corsCall({ ...ctx, credentials: true })})`;
    case 'credentials-not-allowed':
      return `cors() omits Access-Control-Allow-Credentials unless credentials: true: app.use(${corsCall({ ...ctx, credentials: true })})`;
    case 'duplicate-layers':
      return `The CORS headers are sent twice (Access-Control-Allow-Origin: ${ctx.allowOrigin ?? ''}): keep cors() alone: remove the res.append('Access-Control-Allow-Origin', ...) middleware (res.append adds a second line where res.header replaces), or the header a proxy in front of Express adds too (nginx add_header)`;
    case 'route-overrides':
      return `The ${ctx.path} route sets its own Access-Control-Allow-Origin over what cors() sent: remove res.header('Access-Control-Allow-Origin', ${q(ctx.allowOrigin ?? '*')}) from the ${ctx.path} route (or its res.set / res.setHeader) and let cors() answer`;
    case 'auth-before-cors':
      return `Express runs middleware in the order it is registered, and a preflight never carries credentials, so the authentication answered ${ctx.status} before cors() ran: register ${use} before your authentication middleware, so cors() answers the preflight itself (204) and 401s keep the CORS headers`;
    case 'preflight-unhandled': {
      const who = ctx.status === 404 ? `Express found no route for OPTIONS ${ctx.path} (404)` : `Express answered OPTIONS ${ctx.path} itself (its automatic answer with Allow, status ${ctx.status})`;
      return `${who}: cors() given to a route runs only for that route's methods. Answer preflights with ${use} before the routes, or add app.options(${q(ctx.path)}, ${corsCall(ctx)}) next to the route`;
    }
    case 'error-without-cors':
      return `The ${ctx.status} was answered before cors() ran (a body parser such as express.json(), or middleware registered before cors()), so Chrome hides it: register ${use} before express.json() and every other middleware; error handlers then answer with the headers cors() already set. Then fix the ${ctx.status} itself`;
    case 'route-excluded':
      return `The preflight passed but ${ctx.method} ${ctx.path} answered without CORS headers: cors() is on some routes only, or registered after the router that answered. Register ${use} before the routers (before app.use('/api', router))`;
    case 'method-not-allowed': {
      const allowed = ctx.allowedMethods.length ? ctx.allowedMethods : CORS_DEFAULT_METHODS.split(',');
      const methods = withNeededMethods(ctx, allowed);
      return `cors() allows ${allowed.join(',')}: add ${ctx.method} to its options: methods: ${jsList(methods)} (or leave methods out: the default is ${CORS_DEFAULT_METHODS})`;
    }
    case 'header-not-allowed': {
      const headers = withNeededHeaders(ctx);
      return `cors() was given allowedHeaders without ${ctx.missingHeaders.join(', ') || 'the headers the page sends'}: allowedHeaders: ${jsList(headers)} (or leave allowedHeaders out: cors() then reflects Access-Control-Request-Headers)`;
    }
    case 'redirect-before-cors':
      return `A redirect (${ctx.status}${ctx.location ? ` to ${ctx.location}` : ''}) answered before cors() ran, and a preflight may never be redirected: register ${use} before the middleware that redirects (trailing slash, https, canonical host), and call the final URL directly`;
    case 'redirect-target-no-cors':
      return `The redirect carried CORS headers but ${ctx.location ?? 'its target'} did not: register ${use} for every route, before the routers, not on the redirecting route alone`;
    case 'redirect-to-login':
      return `${ctx.method} ${ctx.path} was redirected to a sign-in page${ctx.location ? ` (${ctx.location})` : ''}${ctx.allowOrigin === null ? ' that sends no CORS headers' : ''}, and a fetch cannot sign a user in anyway: answer API calls without a session with res.status(401).json({ error: 'unauthenticated' }) instead of res.redirect(...) (with passport, no failureRedirect on API routes), and let the page send the user to sign in`;
    case 'preflight-status':
      return `The preflight carries the CORS headers but status ${ctx.status}: cors() ends a preflight with 204 itself unless preflightContinue: true hands it to the next middleware, which answered ${ctx.status}. drop preflightContinue: ${use}`;
  }
}

export const express: StackProfile = {
  name: 'express',
  title: 'Express with the cors package',
  recognise: fingerprints,
  fix,
};
