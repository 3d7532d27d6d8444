/**
 * NestJS on @nestjs/platform-express with Nest's CORS (`app.enableCors()`, the `cors` option of
 * NestFactory.create(); the cors package underneath). Fingerprints read from @nestjs/core 12.5's
 * router (NotFoundException "Cannot METHOD /path") and BaseExceptionFilter, and checked against
 * test/fixtures/servers/nestjs.json. Every answer also carries Express's marks (X-Powered-By:
 * Express, the cors package's defaults): only Nest's own error bodies name Nest.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, everyLine, fingerprintCollector, headerValues, jsList, q, unique, withNeededHeaders, withNeededMethods } from './common.js';

// cors 2.8 `defaults.methods`, which enableCors() passes on unless `methods` is given.
const CORS_DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  const text = e.body?.text ?? '';
  // HttpException bodies: { message, error?, statusCode } in that order, which Fastify's 404 shares
  // ("Route OPTIONS:/x not found"); what names Nest is the router's "Cannot <METHOD> <path>" and the
  // guards' "Forbidden resource".
  const http = /^\{"message":("(?:[^"\\]|\\.)*"|\[.*\]),(?:"error":"[^"]*",)?"statusCode":(\d{3})\}$/.exec(text);
  if (http && Number(http[2]) === e.status) {
    if (e.status === 404 && /^"Cannot [A-Z]+ \/[^"]*"$/.test(http[1]!)) add(`404 ${text} is NestJS's router finding no route (NotFoundException)`, 'strong');
    else if (e.status === 403 && http[1] === '"Forbidden resource"') add(`403 ${text} is a NestJS guard refusing (ForbiddenException)`, 'strong');
    else add(`${e.status} ${text} has the shape of a NestJS HttpException's body (Fastify's 404 shares it)`, 'weak');
  }
  // BaseExceptionFilter: anything that is not an HttpException, as { statusCode, message }.
  const plain = /^\{"statusCode":(\d{3}),"message":"((?:[^"\\]|\\.)*)"\}$/.exec(text);
  if (e.status === 500 && text === '{"statusCode":500,"message":"Internal server error"}') add(`500 ${text} is NestJS's default exception filter`, 'strong');
  else if (plain && plain[1] === String(e.status)) {
    // body-parser's own errors (Express itself would print them as an HTML page).
    const parser = plain[2] === 'request entity too large' || /JSON/.test(plain[2]!);
    if (parser) add(`${e.status} ${text} is NestJS's exception filter passing on body-parser's error`, 'strong');
    else add(`${e.status} ${text} has the {statusCode, message} shape NestJS's exception filter gives errors that are not HttpExceptions`, 'weak');
  }
  if (everyLine(e).some(([n, v]) => n.toLowerCase() === 'x-powered-by' && v.trim() === 'Express')) {
    add("X-Powered-By: Express is consistent with NestJS's default platform (Express)", 'weak');
  }
  for (const headers of answerAndPaired(e)) {
    if (headerValues(headers, 'access-control-allow-methods').includes(CORS_DEFAULT_METHODS)) add(`Access-Control-Allow-Methods ${CORS_DEFAULT_METHODS} is the cors package's default, which enableCors() uses`, 'weak');
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

/** `app.enableCors({ origin: 'http://localhost:5173', credentials: true })` */
function enable(ctx: FixContext, extra = ''): string {
  return `app.enableCors({ origin: ${q(ctx.origin)}${ctx.credentials ? ', credentials: true' : ''}${extra} })`;
}

/** Order in main.ts: enableCors() registers its middleware at once; the create option only in init(). */
function first(ctx: FixContext): string {
  return `call ${enable(ctx)} first, before app.use() and app.useBodyParser(): Express runs middleware in registration order, and the cors option of NestFactory.create() is applied only in init() (at listen()), after everything main.ts registered`;
}

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `This Nest app does not enable CORS: in main.ts, ${enable(ctx)} before app.listen() (or NestFactory.create(AppModule, { cors: { origin: ${q(ctx.origin)} } }))`;
    case 'wildcard-with-credentials':
      return `enableCors() without an origin sends '*' (the cors package's default), which a credentialed call may not use: ${enable({ ...ctx, credentials: true })}`;
    case 'credentials-not-allowed':
      return `enableCors() sends Access-Control-Allow-Credentials only with credentials: true: ${enable({ ...ctx, credentials: true })}`;
    case 'origin-not-allowed':
      return `enableCors() refuses ${ctx.origin}: the cors package compares each listed origin with the Origin exactly (localhost and 127.0.0.1, ports and schemes differ). Fix: add ${q(ctx.origin)} to the origin list of enableCors(), e.g. ${enable(ctx)}`;
    case 'origin-fixed-other':
      return `enableCors() was given one fixed origin, ${ctx.allowOrigin ?? 'another'}, which it sends as is: ${enable(ctx)}, or origin: ${jsList(unique([ctx.allowOrigin ?? ctx.origin, ctx.origin]))} to allow both (a list echoes the Origin that matches)`;
    case 'origin-malformed':
      return `enableCors() sends a string origin exactly as written, and ${ctx.allowOrigin ?? 'it'} is not an origin (scheme://host:port, no trailing slash or path; several go in an array): ${enable(ctx)}`;
    case 'method-not-allowed': {
      const methods = withNeededMethods(ctx);
      return `enableCors() was given methods without ${ctx.method}: methods: ${jsList(methods)} (or leave methods out: the default is ${CORS_DEFAULT_METHODS})`;
    }
    case 'header-not-allowed': {
      const headers = withNeededHeaders(ctx);
      return `enableCors() was given allowedHeaders without ${ctx.missingHeaders.join(', ') || 'the headers the page sends'}: allowedHeaders: ${jsList(headers)} (or leave allowedHeaders out: the cors package then reflects Access-Control-Request-Headers)`;
    }
    case 'preflight-unhandled':
      return `The OPTIONS ${ctx.path} got ${ctx.status === 404 ? `Nest's 404 ("Cannot OPTIONS ${ctx.path}")` : `status ${ctx.status}`} without CORS headers: enableCors() called after app.listen() (or app.init()) adds the cors middleware behind Nest's routes and 404 handler. Fix: call ${enable(ctx)} before app.listen(), or pass it as NestFactory.create(AppModule, { cors: {...} })`;
    case 'preflight-status':
      return `The preflight carries the CORS headers but status ${ctx.status}: with preflightContinue: true the cors package passes the OPTIONS on to Nest's router, which has no OPTIONS route. Fix: remove preflightContinue: true from enableCors() (the cors package then answers it 204 itself)`;
    case 'auth-before-cors':
      return `Middleware registered with app.use() answered the preflight ${ctx.status} (a preflight never carries keys or cookies) before CORS ran; Nest's guards run after enableCors()'s middleware and never see preflights. Fix: ${first(ctx)}`;
    case 'error-without-cors':
      return `The ${ctx.status} was answered before the cors middleware ran (app.useBodyParser() or app.use() middleware registered ahead of it), so Chrome hides it. Fix: ${first(ctx)}. Then fix the ${ctx.status} itself`;
    case 'route-excluded':
      return `The preflight passed but ${ctx.method} ${ctx.path} answered without CORS headers: something registered ahead of the cors middleware answered it. Fix: ${first(ctx)}`;
    case 'route-overrides':
      return `The ${ctx.path} handler sets Access-Control-Allow-Origin itself over what enableCors() sent: remove @Header('Access-Control-Allow-Origin', ${q(ctx.allowOrigin ?? '*')}) from it (or its res.header(...)) and let enableCors() answer`;
    case 'redirect-before-cors':
      return `The ${ctx.status} redirect${ctx.location ? ` to ${ctx.location}` : ''} was answered by middleware ahead of the cors middleware: ${first(ctx)}; or call the final URL`;
    case 'duplicate-layers':
      return `Two layers send the CORS headers: keep ${enable(ctx)} alone and remove the other (app.use(cors()) as well, @Header(...) on a handler, or a proxy in front adding its own)`;
    case 'redirect-to-login':
      return `${ctx.method} ${ctx.path} was redirected to a sign-in page${ctx.location ? ` (${ctx.location})` : ''}${ctx.allowOrigin === null ? ' that sends no CORS headers' : ''}: let a guard throw UnauthorizedException (401) for API calls instead of res.redirect(...), and let the page send the user to sign in`;
    case 'redirect-target-no-cors':
      return undefined;
  }
}

export const nestjs: StackProfile = {
  name: 'nestjs',
  title: 'NestJS (enableCors, on Express)',
  recognise: fingerprints,
  fix,
};
