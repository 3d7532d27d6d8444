/**
 * Flask with Flask-CORS, on Werkzeug's development server. Defaults are Flask-CORS 3.0.10's
 * (flask_cors/core.py DEFAULT_OPTIONS: origins "*", methods ALL_METHODS, allow_headers "*",
 * supports_credentials False, send_wildcard False, vary_header True), checked against
 * test/fixtures/servers/flask.json (Flask 2.2.2, Werkzeug 2.2.2).
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, dqList, everyLine, fingerprintCollector, headerValue, neededHeaders, neededMethods, pyList, slashTarget, unique, withNeededMethods } from './common.js';

// Flask-CORS serialises its methods sorted and joined with ", ". Starlette's allow_methods=["*"]
// sends the very same string, so it is only consistent with Flask-CORS, never proof.
const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  // Werkzeug's development server names itself (`flask run`, app.run()). Behind gunicorn or a
  // proxy this line is gone; the bodies below still speak for Werkzeug.
  for (const [name, v] of everyLine(e)) {
    if (name.toLowerCase() === 'server' && /^Werkzeug\/\S+/.test(v)) add(`${name}: ${v} is Flask's development server (Werkzeug)`, 'strong');
  }
  const text = e.body?.text ?? '';
  const title = /<title>([^<]*)<\/title>/.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
  if (title?.endsWith('// Werkzeug Debugger')) add(`${e.status} "${title}" is the Werkzeug debugger's page (Flask in debug mode)`, 'strong');
  else if (title && text.startsWith('<!doctype html>\n<html lang=en>\n<title>')) add(`${e.status} "<title>${title}</title>" is Werkzeug's own HTML page`, 'strong');
  for (const headers of answerAndPaired(e)) {
    if (headerValue(headers, 'access-control-allow-methods') === ALL_METHODS) add(`Access-Control-Allow-Methods ${ALL_METHODS} is Flask-CORS' default methods`, 'weak');
  }
  const allow = headerValue(e.headers, 'allow');
  if (e.stage === 'preflight' && e.status === 200 && allow !== undefined && headerValue(e.headers, 'content-length') === '0' && headerValue(e.headers, 'referrer-policy') === undefined) {
    add(`an empty 200 with Allow: ${allow} is Flask's automatic OPTIONS answer`, 'weak');
  }
  // Flask-CORS keeps Access-Control-Allow-Origin but drops the method and header lists when the
  // requested method is outside `methods` (core.py get_cors_headers).
  if (e.stage === 'preflight' && headerValue(e.headers, 'access-control-allow-origin') !== undefined && headerValue(e.headers, 'access-control-allow-methods') === undefined) {
    add('a preflight answer with Access-Control-Allow-Origin but no Access-Control-Allow-Methods is how Flask-CORS refuses a method', 'weak');
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

function cors(ctx: FixContext): string {
  return `CORS(app, origins=${pyList([ctx.origin])}${ctx.credentials ? ', supports_credentials=True' : ''})`;
}

/** A Flask-CORS resources pattern for the path's first segment: /auth/login -> r"/auth/*". */
function resourcePattern(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  return segments.length > 1 ? `r"/${segments[0]}/*"` : `r"${path}"`;
}

const SKIP_OPTIONS = 'if request.method == "OPTIONS": return None';
// What the recorded fix registers (flask-debug-500): HTTP errors stay as they are.
const ON_ERROR = [
  '@app.errorhandler(Exception)',
  'def on_error(e):',
  '    if isinstance(e, HTTPException):',
  '        return e',
  '    return {"error": repr(e)}, 500',
].join('\n');

function fix(ctx: FixContext): string | undefined {
  const origins = pyList([ctx.origin]);
  switch (ctx.code) {
    case 'no-cors':
      return `pip install flask-cors, then:\nfrom flask_cors import CORS\n${cors(ctx)}\nFlask-CORS answers an origin it does not allow with no CORS header at all, so an origins list that misses the page (127.0.0.1 for localhost, a trailing slash) looks exactly like this: write the origin as the browser sends it, scheme://host:port`;
    case 'origin-not-allowed':
      return `add "${ctx.origin}" to Flask-CORS' origins, exactly as the browser sends it (scheme://host:port, no trailing slash; localhost and 127.0.0.1 are different origins): ${cors(ctx)}`;
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `Flask-CORS echoes the allowed origin itself; Access-Control-Allow-Origin ${ctx.allowOrigin ?? ''} is set by hand (an @app.after_request, a view, or a proxy): remove it and use ${cors(ctx)}`;
    case 'wildcard-with-credentials':
      return `* never works with credentials, and Flask-CORS never sends * when supports_credentials=True (it echoes the allowed origin): remove the hand-written Access-Control-* headers (an @app.after_request adding Access-Control-Allow-Origin *, or send_wildcard=True) and use ${cors({ ...ctx, credentials: true })}`;
    case 'credentials-not-allowed':
      return `Flask-CORS' supports_credentials defaults to False, so it sends no Access-Control-Allow-Credentials: ${cors({ ...ctx, credentials: true })} (or @cross_origin(supports_credentials=True) on the view)`;
    case 'duplicate-layers':
      return 'Flask-CORS already adds these headers: remove the other layer (an @app.after_request that headers.add()s them, which runs after Flask-CORS when registered before CORS(app), or the proxy in front) so each header is sent once';
    case 'route-overrides':
      return `remove the view's own Access-Control-Allow-Origin header (e.g. response.headers.add("Access-Control-Allow-Origin", "${ctx.allowOrigin ?? '*'}") in the view for ${ctx.path}): Flask-CORS leaves any response that already carries one untouched, so that route does not answer like the others`;
    case 'auth-before-cors':
      return `the authentication check answered ${ctx.status} before Flask-CORS added its headers (a preflight never carries credentials). With @cross_origin: put @cross_origin(...) directly under @app.route(...), above the auth decorator (decorators run top-down, and @cross_origin answers the OPTIONS itself). In a check of your own, let preflights through first: ${SKIP_OPTIONS}`;
    case 'preflight-unhandled':
      return `Flask answered OPTIONS ${ctx.path} itself (${ctx.status === 200 ? 'its automatic OPTIONS answer' : `a ${ctx.status}`}) without Flask-CORS: the path is outside CORS(app, resources=...). Add a pattern for it: resources={..., ${resourcePattern(ctx.path)}: {"origins": ${origins}${ctx.credentials ? ', "supports_credentials": True' : ''}}} (or put @cross_origin() on that view). If other origins get CORS headers on this path, the origin is the cause instead: Flask-CORS answers an origin outside its origins with that same bare answer, so add "${ctx.origin}" to origins: ${cors(ctx)}`;
    case 'error-without-cors':
      if (ctx.status >= 500) {
        return `in debug mode Flask re-raises an unhandled exception to the Werkzeug debugger, whose 500 page never passes Flask-CORS (flask-cors#67, #210). Fix the exception (its traceback is in the server's console); to see such errors in the page, turn them into a response Flask-CORS sees:\n${ON_ERROR}`;
      }
      return `this ${ctx.status} was raised past Flask-CORS (with @cross_origin only on the view, an abort() or a refused request body escapes the decorator): use ${cors(ctx)} for the whole app, which also wraps Flask's error handlers`;
    case 'route-excluded':
      return `the response for ${ctx.path} lacks Flask-CORS' headers although its preflight had them: cover the path in CORS(app, resources=...) (${resourcePattern(ctx.path)}) or put @cross_origin() on the view`;
    case 'method-not-allowed': {
      const missing = neededMethods(ctx);
      const list = ctx.allowedMethods.length > 0 ? `methods=${pyList(withNeededMethods(ctx))}` : `add ${dqList(missing)} to methods`;
      return `Flask-CORS answers a preflight for a method outside its methods list without Access-Control-Allow-Methods: ${list} in CORS(app, ...), or leave methods out: its default allows GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE`;
    }
    case 'header-not-allowed': {
      const missing = neededHeaders(ctx);
      return `Flask-CORS echoes only the requested headers its allow_headers matches: allow_headers=${pyList(unique([...ctx.allowedHeaders, ...missing]))} in CORS(app, ...), or leave allow_headers out: its default "*" allows any header`;
    }
    case 'redirect-before-cors': {
      const target = ctx.location ? slashTarget(ctx.path, ctx.location) : undefined;
      if (!target) return undefined;
      return `Werkzeug redirects ${ctx.path} to ${target} (the route is declared ${target.endsWith('/') ? 'with' : 'without'} a trailing slash) and Chrome never follows a redirected preflight: call "${target}" from the page, or declare the route with strict_slashes=False: @app.route("${target}", strict_slashes=False)`;
    }
    case 'redirect-to-login':
      return 'answer a signed-out API call with 401 instead of redirecting it to the login page, e.g. with Flask-Login:\n@login_manager.unauthorized_handler\ndef unauthorized():\n    return {"error": "not signed in"}, 401';
    case 'preflight-status':
      if (ctx.status === 401 || ctx.status === 403) {
        return `the preflight carries Flask-CORS' headers but your authentication answered it ${ctx.status} (a preflight never carries credentials): let OPTIONS through at the top of the check, e.g. in @app.before_request: ${SKIP_OPTIONS}`;
      }
      if (ctx.status === 404) return `no Flask route matches ${ctx.path}: Flask-CORS adds its headers to the 404, but Chrome needs a 2xx; check the URL the page calls against app.url_map`;
      return `the preflight carries Flask-CORS' headers but answered ${ctx.status}: an @app.before_request or an error in it answered the OPTIONS; ${SKIP_OPTIONS}`;
    default:
      return undefined;
  }
}

export const flask: StackProfile = {
  name: 'flask',
  title: 'Flask with Flask-CORS',
  recognise: fingerprints,
  fix,
};
