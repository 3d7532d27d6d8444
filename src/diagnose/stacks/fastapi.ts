/**
 * FastAPI with Starlette's CORSMiddleware (`fastapi.middleware.cors` re-exports it), served by
 * uvicorn. Fingerprints and defaults are read from Starlette 0.26's starlette/middleware/cors.py
 * and FastAPI 0.92's exception handlers, and checked against test/fixtures/servers/fastapi.json.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, everyLine, fingerprintCollector, headerName, headerValue, headerValues, neededHeaders, neededMethods, pyList, slashTarget, unique, withNeededMethods } from './common.js';

// CORSMiddleware always allows these four, sorted into its Access-Control-Allow-Headers (SAFELISTED_HEADERS).
const SAFELISTED = ['Accept', 'Accept-Language', 'Content-Language', 'Content-Type'];
// allow_methods=["*"] becomes ALL_METHODS, joined with ", ".
const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

/** Python's sorted() on str: code-point order, as CORSMiddleware sorts its header list. */
function isSorted(items: readonly string[]): boolean {
  return items.every((item, i) => i === 0 || (items[i - 1] as string) < item);
}

/** The Starlette header list: the four safelisted names with their exact casing, the whole list sorted. */
function isStarletteHeaderList(value: string): boolean {
  const items = value.split(', ');
  return SAFELISTED.every((name) => items.includes(name)) && isSorted(items);
}

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  for (const [name, value] of everyLine(e)) {
    // uvicorn's own header (unless run with --no-server-header); behind a proxy the proxy's Server shows instead.
    if (name.toLowerCase() === 'server' && /^uvicorn$/i.test(value.trim())) add(`${name}: ${value}`, 'strong');
  }
  for (const headers of answerAndPaired(e)) {
    for (const v of headerValues(headers, 'access-control-allow-headers')) {
      if (isStarletteHeaderList(v)) add(`Access-Control-Allow-Headers ${v} is Starlette CORSMiddleware's list (Accept, Accept-Language, Content-Language, Content-Type always in, sorted)`, 'strong');
    }
    for (const v of headerValues(headers, 'access-control-allow-methods')) {
      // flask-cors sends the same sorted list, so it only agrees with Starlette.
      if (v === ALL_METHODS) add(`Access-Control-Allow-Methods ${v} is Starlette CORSMiddleware's allow_methods=["*"]`, 'weak');
    }
    const maxAge = headerValue(headers, 'access-control-max-age');
    if (maxAge === '600' && headerValue(headers, 'access-control-allow-methods') === 'GET') {
      add('Access-Control-Allow-Methods GET with Access-Control-Max-Age 600 are CORSMiddleware\'s defaults (allow_methods=("GET",), max_age=600)', 'weak');
    } else if (maxAge === '600') add('Access-Control-Max-Age 600 is CORSMiddleware\'s default max_age', 'weak');
  }
  const text = e.body?.text?.trim() ?? '';
  if (/^Disallowed CORS (origin|method|headers)(, (method|headers))*$/.test(text)) add(`${e.status} "${text}" is Starlette CORSMiddleware's preflight refusal`, 'strong');
  // FastAPI's http_exception_handler answers {"detail": ...} as compact JSON; its validation handler a detail list.
  if (/^\{"detail":"(Not Found|Method Not Allowed)"\}$/.test(text)) add(`${e.status} ${text} is FastAPI's HTTPException answer`, 'strong');
  if (text.startsWith('{"detail":[{"loc":')) add(`${e.status} {"detail":[{"loc":…}]} is FastAPI's request validation answer`, 'strong');
  if (e.status === 500 && text === 'Internal Server Error' && e.body?.type?.startsWith('text/plain')) add('500 "Internal Server Error" (text/plain) is Starlette\'s ServerErrorMiddleware page', 'weak');
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

/** The methods to list: those allowed now plus the one the page needs; GET alone is the default. */
function methodsFor(ctx: FixContext): string[] {
  const methods = unique([...ctx.allowedMethods.map((m) => m.toUpperCase()), ...ctx.missingMethods, ctx.method.toUpperCase()]).filter((m) => m !== '*');
  return methods.length === 1 && methods[0] === 'GET' ? [] : methods;
}

/** The headers to list: beyond the four CORSMiddleware always allows. */
function headersFor(ctx: FixContext): string[] {
  const names = unique([...ctx.allowedHeaders, ...ctx.missingHeaders, ...ctx.requestHeaders]).filter((h) => h !== '*');
  return names.filter((h) => !SAFELISTED.some((s) => s.toLowerCase() === h.toLowerCase())).map(headerName);
}

function options(ctx: FixContext): string {
  const methods = methodsFor(ctx);
  const headers = headersFor(ctx);
  return [
    `allow_origins=${pyList([ctx.origin])}`,
    ...(ctx.credentials ? ['allow_credentials=True'] : []),
    ...(methods.length > 0 ? [`allow_methods=${pyList(methods)}`] : []),
    ...(headers.length > 0 ? [`allow_headers=${pyList(headers)}`] : []),
  ].join(', ');
}

const addMiddleware = (ctx: FixContext) => `app.add_middleware(CORSMiddleware, ${options(ctx)})`;
const IMPORT = 'from fastapi.middleware.cors import CORSMiddleware';

function methodFix(ctx: FixContext): string {
  const needed = neededMethods(ctx);
  const methods = withNeededMethods(ctx, ctx.allowedMethods.filter((m) => m !== '*'));
  const why = ctx.allowedMethods.join() === 'GET' ? 'allow_methods defaults to ("GET",)' : `allow_methods lacks ${needed.join(', ')}`;
  return `CORSMiddleware's ${why} and it refuses any other method with a 400 "Disallowed CORS method": allow_methods=${pyList(methods)} (or ["*"] for all)`;
}

function headerFix(ctx: FixContext): string {
  const names = unique(neededHeaders(ctx).filter((h) => !SAFELISTED.some((s) => s.toLowerCase() === h))).map(headerName);
  const extra = headersFor({ ...ctx, missingHeaders: [], requestHeaders: [] });
  const why = extra.length === 0 ? 'allow_headers defaults to () (only Accept, Accept-Language, Content-Language and Content-Type pass)' : `allow_headers lacks ${names.join(', ')}`;
  return `CORSMiddleware's ${why} and it refuses others with a 400 "Disallowed CORS headers": allow_headers=${pyList(unique([...extra, ...names]))} (or ["*"])`;
}

function fix(ctx: FixContext): string | undefined {
  const origin = pyList([ctx.origin]);
  switch (ctx.code) {
    case 'no-cors':
      return `${IMPORT}, then ${addMiddleware(ctx)}`;
    case 'origin-not-allowed':
      return `add "${ctx.origin}" to allow_origins, exactly as the browser sends it (scheme, host and port; no trailing slash, no path): CORSMiddleware compares the strings, e.g. allow_origins=${origin}`;
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `CORSMiddleware echoes the allowed origin itself; Access-Control-Allow-Origin ${ctx.allowOrigin ?? ''} is set by hand (a route, a middleware or a proxy): remove it and use ${addMiddleware(ctx)}`;
    case 'wildcard-with-credentials':
      return `with allow_origins=["*"] Starlette answers * to a credentialed call that carries no Cookie (a login, an Authorization-only call), and a * set by hand never works with credentials; name the origin: allow_origins=${origin}, allow_credentials=True`;
    case 'credentials-not-allowed':
      return `CORSMiddleware's allow_credentials defaults to False: add allow_credentials=True (${addMiddleware({ ...ctx, credentials: true })})`;
    case 'method-not-allowed':
      return methodFix(ctx);
    case 'header-not-allowed':
      return headerFix(ctx);
    case 'auth-before-cors':
      return 'Starlette runs the middleware added last first: call app.add_middleware(CORSMiddleware, ...) after every other middleware (every @app.middleware("http") and app.add_middleware), so it answers the preflight before authentication runs; a Depends() that raises HTTPException(401) already runs inside it';
    case 'error-without-cors':
      if (ctx.status >= 500) {
        return `ServerErrorMiddleware writes the 500 outside every app.add_middleware() layer, so it never passes CORSMiddleware (starlette#1116): wrap the whole app instead, at the end of main.py: app = CORSMiddleware(app, ${options(ctx)}) and let uvicorn serve that object; or catch the exception and return a JSONResponse(status_code=500)`;
      }
      return `this ${ctx.status} was answered before CORSMiddleware ran (a middleware added after it answers itself): call app.add_middleware(CORSMiddleware, ...) after every other middleware`;
    case 'preflight-unhandled':
      return `nothing answers the preflight: FastAPI routes the OPTIONS like any request and answers 405; headers set in routes never reach it. ${IMPORT}, then ${addMiddleware(ctx)}`;
    case 'preflight-status':
      if (ctx.status === 400 && ctx.missingMethods.length > 0) return methodFix(ctx);
      if (ctx.status === 400 && ctx.missingHeaders.length > 0) return headerFix(ctx);
      return `the CORS headers are added by hand but the OPTIONS still reaches the router, which answers ${ctx.status}: replace them with ${addMiddleware(ctx)}, which answers the preflight 200 itself`;
    case 'route-excluded':
      return `CORSMiddleware covers every route of the app it is added to; this answer for ${ctx.path} came around it (a mounted sub-application, or a middleware added after CORSMiddleware that answers itself): add it on the app uvicorn serves, after every other middleware`;
    case 'duplicate-layers':
    case 'route-overrides':
      return `CORSMiddleware already sets Access-Control-Allow-Origin: remove the header set by hand (in a route, a middleware or the proxy in front) and keep ${addMiddleware(ctx)}`;
    case 'redirect-before-cors':
      if (ctx.location !== undefined && slashTarget(ctx.path, ctx.location) !== undefined) {
        return `Starlette's redirect_slashes answered ${ctx.status} to ${ctx.location}: call the path exactly as the route declares it`;
      }
      return undefined;
    default:
      return undefined;
  }
}

export const fastapi: StackProfile = {
  name: 'fastapi',
  title: "FastAPI with Starlette's CORSMiddleware",
  recognise: fingerprints,
  fix,
};
