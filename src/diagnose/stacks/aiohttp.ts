/**
 * aiohttp's web server with aiohttp-cors. Fingerprints and defaults are read from aiohttp 3.8's
 * web_exceptions.py / web_protocol.py and aiohttp-cors 0.7's preflight_handler.py,
 * resource_options.py and cors_config.py, and checked against test/fixtures/servers/aiohttp.json.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, dqList, everyLine, fingerprintCollector, headerName, headerValues, neededHeaders, neededMethods, pyList, unique } from './common.js';

// aiohttp's default SERVER_SOFTWARE: "Python/{major}.{minor} aiohttp/{version}".
const SERVER = /^Python\/\d+\.\d+ aiohttp\/\d[\w.]*$/;
// aiohttp-cors' _preflight_handler refuses with web.HTTPForbidden and these texts.
const REFUSAL = /^CORS preflight request failed: (origin '[^']*' is not allowed|request method '[^']*' is not allowed for '[^']*' origin|headers are not allowed: .*|no origins are allowed|origin header is not specified in the request|'Access-Control-Request-Method' header is not specified)$/;
// aiohttp's HTTPException default text: "{status}: {reason}".
const EXCEPTION_TEXT = /^(4\d\d|5\d\d): [A-Z][A-Za-z -]+$/;
// web_protocol.RequestHandler.handle_error for an unhandled exception, text/plain.
const ERROR_500 = '500 Internal Server Error\n\nServer got itself in trouble';

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  for (const [name, value] of everyLine(e)) {
    if (name.toLowerCase() === 'server' && SERVER.test(value.trim())) add(`${name}: ${value}`, 'strong');
  }
  for (const headers of answerAndPaired(e)) {
    // aiohttp-cors upper-cases the requested names and joins them with "," (no space), never the page's case.
    for (const v of headerValues(headers, 'access-control-allow-headers')) {
      if (/^[A-Z0-9-]+(,[A-Z0-9-]+)*$/.test(v) && /[A-Z]/.test(v)) add(`Access-Control-Allow-Headers ${v}: the requested names upper-cased, as aiohttp-cors echoes them`, 'strong');
    }
  }
  const text = e.body?.text ?? '';
  if (REFUSAL.test(text.trim())) add(`${e.status} "${text.trim()}" is aiohttp-cors' preflight refusal`, 'strong');
  if (text === ERROR_500) add('500 "500 Internal Server Error\\n\\nServer got itself in trouble" is aiohttp\'s own error answer', 'strong');
  else if (EXCEPTION_TEXT.test(text.trim()) && text.trim().startsWith(`${e.status}:`)) add(`${e.status} "${text.trim()}" is aiohttp's HTTPException text`, 'weak');
  if (e.stage === 'preflight' && e.status === 200) {
    const methods = headerValues(e.headers, 'access-control-allow-methods');
    if (methods.length === 1 && /^[A-Z]+$/.test(methods[0] ?? '') && headerValues(e.headers, 'vary').length === 0) {
      add(`Access-Control-Allow-Methods ${methods[0] ?? ''} names only the requested method and no Vary, as aiohttp-cors answers`, 'weak');
    }
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

/** A Python tuple literal: ("A",) for one item. */
const pyTuple = (items: readonly string[]) => (items.length === 1 ? `("${items[0] ?? ''}",)` : `(${dqList(items)})`);

interface Extra {
  readonly credentials?: boolean;
  readonly methods?: readonly string[];
}

/** ResourceOptions for the page's call: credentials and the non-safelisted headers it sends. */
function resourceOptions(ctx: FixContext, extra: Extra = {}): string {
  const headers = unique(ctx.requestHeaders).map(headerName);
  const parts = [
    ...((extra.credentials ?? ctx.credentials) ? ['allow_credentials=True'] : []),
    ...(headers.length > 0 ? [`allow_headers=${pyTuple(headers)}`] : []),
    ...(extra.methods ? [`allow_methods=${pyList(extra.methods)}`] : []),
  ];
  return `aiohttp_cors.ResourceOptions(${parts.join(', ')})`;
}

const entry = (ctx: FixContext, extra?: Extra) => `"${ctx.origin}": ${resourceOptions(ctx, extra)}`;
const setup = (ctx: FixContext, extra?: Extra) => `aiohttp_cors.setup(app, defaults={${entry(ctx, extra)}})`;
const ADD_ALL = 'call cors.add(route) for every route after the last app.router.add_*(): for route in list(app.router.routes()): cors.add(route)';

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `cors = ${setup(ctx)}, then ${ADD_ALL}`;
    case 'origin-not-allowed':
      return `add the page's origin to the defaults (or to the cors.add() config), spelled exactly as the browser sends it (aiohttp-cors compares strings; no trailing slash, no path): ${entry(ctx)}`;
    case 'origin-fixed-other':
    case 'origin-malformed':
    case 'wildcard-with-credentials':
      // aiohttp-cors only ever echoes the request's Origin: any other value is a header set by hand.
      return `aiohttp-cors echoes the allowed origin itself; Access-Control-Allow-Origin ${ctx.allowOrigin ?? ''} is set by hand (a middleware or a handler): remove it and use cors = ${setup(ctx)}, then ${ADD_ALL}`;
    case 'credentials-not-allowed':
      return `aiohttp-cors' allow_credentials defaults to False: ${entry(ctx, { credentials: true })}`;
    case 'header-not-allowed': {
      const names = unique(neededHeaders(ctx)).map(headerName);
      return `aiohttp-cors' allow_headers defaults to () (not even Content-Type; it refuses with 403 "headers are not allowed"): allow_headers=${pyTuple(names)} in the ResourceOptions (or allow_headers="*")`;
    }
    case 'method-not-allowed': {
      const methods = neededMethods(ctx);
      return `aiohttp-cors allows, by default (allow_methods=None), only the methods of routes passed to cors.add(): cors.add() the ${methods.join(', ')} route too, or allow_methods=${pyList(methods)} in the ResourceOptions`;
    }
    case 'preflight-unhandled':
    case 'route-excluded':
      return `aiohttp-cors adds an OPTIONS route and its headers only to resources passed to cors.add(); the one for ${ctx.path} was not (registered after the cors.add() loop?): ${ADD_ALL}`;
    case 'auth-before-cors':
      return 'aiohttp-cors answers the preflight as a route handler, so every middleware runs before it: let the preflight through the authentication middleware, first thing in it: if request.method == "OPTIONS": return await handler(request)';
    case 'error-without-cors':
      return `aiohttp-cors adds its headers to every answer of a cors.add()ed resource, its 500s included, but not to the router's own answers for paths no resource matches (aiohttp-cors#172): check the URL ${ctx.path}, or ${ADD_ALL}`;
    case 'preflight-status':
      return `the CORS headers are added by hand but nothing answers OPTIONS with 200: use cors = ${setup(ctx)}, then ${ADD_ALL}`;
    case 'duplicate-layers':
      return 'aiohttp-cors refuses to run when the header is already set (an assertion), so the second Access-Control-Allow-Origin comes from the proxy in front: remove it there, or drop aiohttp-cors and let the proxy answer CORS alone';
    default:
      return undefined;
  }
}

export const aiohttp: StackProfile = {
  name: 'aiohttp',
  title: 'aiohttp with aiohttp-cors',
  recognise: fingerprints,
  fix,
};
