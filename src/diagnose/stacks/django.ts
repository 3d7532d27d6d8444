/**
 * Django with django-cors-headers. Defaults are django-cors-headers 3.14's (corsheaders/defaults.py,
 * corsheaders/conf.py: CORS_ALLOW_HEADERS default_headers, CORS_ALLOW_METHODS default_methods,
 * CORS_PREFLIGHT_MAX_AGE 86400, CORS_ALLOW_CREDENTIALS False) and Django 3.2's middleware defaults,
 * checked against test/fixtures/servers/django.json (runserver, DEBUG on).
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, escapeRegex, everyLine, fingerprintCollector, headerValue, neededHeaders, neededMethods, pyList, slashTarget, unique, withNeededMethods } from './common.js';

const DEFAULT_HEADERS = ['accept', 'accept-encoding', 'authorization', 'content-type', 'dnt', 'origin', 'user-agent', 'x-csrftoken', 'x-requested-with'];
const DEFAULT_HEADERS_LINE = DEFAULT_HEADERS.join(', ');
const DEFAULT_METHODS = 'DELETE, GET, OPTIONS, PATCH, POST, PUT';
const CORS_FIRST = 'put "corsheaders.middleware.CorsMiddleware" first in MIDDLEWARE';

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  // runserver is wsgiref's WSGIServer; other wsgiref-served apps (Bottle's default) say the same.
  const server = everyLine(e).find(([n, v]) => n.toLowerCase() === 'server' && /^WSGIServer\//.test(v));
  const serverLine = server ? `${server[0]}: ${server[1]}` : undefined;
  if (serverLine) add(`${serverLine} is wsgiref's server, which Django's runserver uses`, 'weak');

  // Django's SecurityMiddleware (nosniff, Referrer-Policy same-origin since 3.1) and
  // XFrameOptionsMiddleware (DENY since 3.0): together they name Django.
  const h = e.headers;
  const security = headerValue(h, 'x-content-type-options') === 'nosniff' && headerValue(h, 'referrer-policy') === 'same-origin';
  if (security && headerValue(h, 'x-frame-options') === 'DENY') {
    add("X-Frame-Options: DENY, X-Content-Type-Options: nosniff and Referrer-Policy: same-origin are Django's default middleware headers", 'strong');
  } else if (security) {
    add("X-Content-Type-Options: nosniff with Referrer-Policy: same-origin are Django's SecurityMiddleware defaults", serverLine ? 'strong' : 'weak');
  }

  for (const headers of answerAndPaired(e)) {
    const allowHeaders = headerValue(headers, 'access-control-allow-headers');
    if (allowHeaders === DEFAULT_HEADERS_LINE) add(`Access-Control-Allow-Headers ${allowHeaders} is django-cors-headers' default CORS_ALLOW_HEADERS`, 'strong');
    else if (allowHeaders?.startsWith(`${DEFAULT_HEADERS_LINE}, `)) add(`Access-Control-Allow-Headers begins with django-cors-headers' default CORS_ALLOW_HEADERS (${DEFAULT_HEADERS_LINE})`, 'strong');
    if (headerValue(headers, 'access-control-allow-methods') === DEFAULT_METHODS) add(`Access-Control-Allow-Methods ${DEFAULT_METHODS} is django-cors-headers' default CORS_ALLOW_METHODS`, 'weak');
    if (headerValue(headers, 'access-control-max-age') === '86400') add("Access-Control-Max-Age 86400 is django-cors-headers' default CORS_PREFLIGHT_MAX_AGE", 'weak');
  }

  // CorsMiddleware answers every preflight itself (process_request): an empty 200 whose only
  // other header is Vary: Origin, before any middleware below it adds its own.
  const vary = headerValue(h, 'vary')?.split(',').some((v) => v.trim().toLowerCase() === 'origin') ?? false;
  if (e.stage === 'preflight' && e.status === 200 && vary && headerValue(h, 'content-length') === '0' && headerValue(h, 'allow') === undefined) {
    add("an empty 200 with Vary: Origin is django-cors-headers' own preflight answer", serverLine ? 'strong' : 'weak');
  }

  const text = e.body?.text ?? '';
  if (text.includes('<meta name="robots" content="NONE,NOARCHIVE">')) {
    const title = /<title>([^<]*)<\/title>/.exec(text)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
    add(`${e.status} "<title>${title}</title>" is Django's own error page (DEBUG or CSRF)`, 'strong');
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

function origins(ctx: FixContext): string {
  return `CORS_ALLOWED_ORIGINS = ${pyList([ctx.origin])}${ctx.credentials ? '\nCORS_ALLOW_CREDENTIALS = True' : ''}`;
}

/** A CORS_URLS_REGEX alternative for the path's first segment: /auth/login/ -> |^/auth/. */
function regexAlternative(path: string): string {
  const first = path.split('/').find((s) => s !== '');
  return first === undefined ? '|^/$' : `|^/${escapeRegex(first)}/`;
}

function methodsFix(ctx: FixContext): string {
  const missing = neededMethods(ctx);
  if (ctx.allowedMethods.join(', ') === DEFAULT_METHODS) {
    return `CORS_ALLOW_METHODS defaults to ${DEFAULT_METHODS}: from corsheaders.defaults import default_methods\nCORS_ALLOW_METHODS = list(default_methods) + ${pyList(missing)}`;
  }
  return `CORS_ALLOW_METHODS = ${pyList(withNeededMethods(ctx))} (or delete the setting: its default is ${DEFAULT_METHODS})`;
}

function headersFix(ctx: FixContext): string {
  const missing = neededHeaders(ctx);
  const allowed = ctx.allowedHeaders.map((a) => a.toLowerCase());
  if (DEFAULT_HEADERS.every((d, i) => allowed[i] === d)) {
    const extra = unique([...allowed.slice(DEFAULT_HEADERS.length), ...missing]);
    return `CORS_ALLOW_HEADERS is django-cors-headers' default list, without ${missing.join(', ')}: from corsheaders.defaults import default_headers\nCORS_ALLOW_HEADERS = list(default_headers) + ${pyList(extra)}`;
  }
  return `CORS_ALLOW_HEADERS = ${pyList(unique([...ctx.allowedHeaders, ...missing]))}`;
}

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `pip install django-cors-headers, then in settings.py: add "corsheaders" to INSTALLED_APPS, ${CORS_FIRST} (above "django.middleware.common.CommonMiddleware"), and\n${origins(ctx)}`;
    case 'origin-not-allowed':
      return `add "${ctx.origin}" to CORS_ALLOWED_ORIGINS, exactly as the browser sends it (localhost and 127.0.0.1 are different origins; keep the others you need): ${origins(ctx)}. django-cors-headers answers an origin it does not allow with Vary: Origin and no Access-Control-Allow-Origin`;
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `django-cors-headers echoes the allowed origin itself (and its check corsheaders.E014 refuses a path or trailing slash in CORS_ALLOWED_ORIGINS): Access-Control-Allow-Origin ${ctx.allowOrigin ?? ''} is set elsewhere (a view, a middleware, the proxy in front): remove it and use ${origins(ctx)}`;
    case 'wildcard-with-credentials':
      return `django-cors-headers sends * when CORS_ALLOW_ALL_ORIGINS = True and CORS_ALLOW_CREDENTIALS is not set, and * never works with credentials. Name the origin and allow credentials (instead of CORS_ALLOW_ALL_ORIGINS, which with credentials lets any site call the API as the user):\n${origins({ ...ctx, credentials: true })}`;
    case 'credentials-not-allowed':
      return 'CORS_ALLOW_CREDENTIALS defaults to False: set CORS_ALLOW_CREDENTIALS = True in settings.py (an assignment: "CORS_ALLOW_CREDENTIALS: True" is only an annotation and leaves it unset)';
    case 'duplicate-layers':
      return 'CorsMiddleware already sets these headers: remove the other layer (a view or middleware that sets Access-Control-* itself, or the proxy in front, e.g. nginx add_header) so each header is sent once';
    case 'route-overrides':
      return `the view for ${ctx.path} sets its own Access-Control-Allow-Origin (response["Access-Control-Allow-Origin"] = "${ctx.allowOrigin ?? '*'}"); remove it and let CorsMiddleware answer as it does for the other views`;
    case 'auth-before-cors':
      return `${CORS_FIRST}, above the middleware that answered ${ctx.status}: middleware run top-down, so CorsMiddleware then answers the preflight itself and adds its headers to the ${ctx.status} answers of the middleware below it (a preflight never carries credentials)`;
    case 'preflight-unhandled':
      return `CorsMiddleware did not answer OPTIONS ${ctx.path}, so the view did (${ctx.status}${ctx.status === 405 ? ': @require_POST or a class-based view without options' : ''}). If CORS_URLS_REGEX is set, it must match the path (re.match on request.path_info): add ${regexAlternative(ctx.path)} to it, e.g. r"^/api/.*$" becomes r"^/api/.*$${regexAlternative(ctx.path)}"; otherwise ${CORS_FIRST}`;
    case 'error-without-cors': {
      const slash = !['GET', 'HEAD'].includes(ctx.method) && !ctx.path.endsWith('/') ? ` Here a ${ctx.method} to ${ctx.path} without its trailing slash is CommonMiddleware's APPEND_SLASH RuntimeError under DEBUG: call "${ctx.path}/".` : '';
      return `this ${ctx.status} came from a middleware above CorsMiddleware (an error in a view still passes CorsMiddleware and gets its headers): ${CORS_FIRST}, above "django.middleware.common.CommonMiddleware", so the page can read the error; then fix the error itself.${slash}`;
    }
    case 'route-excluded':
      return `the preflight passed but the response for ${ctx.path} lacks CorsMiddleware's headers: something outside Django's middleware answered it, or a middleware above CorsMiddleware replaced the response; ${CORS_FIRST}`;
    case 'method-not-allowed':
      return methodsFix(ctx);
    case 'header-not-allowed':
      return headersFix(ctx);
    case 'redirect-before-cors': {
      const target = ctx.location ? slashTarget(ctx.path, ctx.location) : undefined;
      if (target) {
        return `CommonMiddleware's APPEND_SLASH redirected ${ctx.path} to ${target} before CorsMiddleware could add its headers: ${CORS_FIRST}, above "django.middleware.common.CommonMiddleware"; better, call "${target}" from the page: no redirect at all (and Chrome never follows one for a preflight)`;
      }
      if (ctx.location?.startsWith('https:')) return `SecurityMiddleware's SECURE_SSL_REDIRECT answered before CorsMiddleware: call ${ctx.location} directly, and ${CORS_FIRST}`;
      return undefined;
    }
    case 'redirect-to-login':
      return `@login_required redirects a signed-out call to LOGIN_URL${ctx.location ? ` (${ctx.location.split('?')[0]})` : ''}, which has no CORS: for API views answer 401 instead, e.g.\nif not request.user.is_authenticated:\n    return JsonResponse({"detail": "not signed in"}, status=401)\n(Django REST framework's permission classes answer 401/403 this way)`;
    case 'preflight-status':
      return `CorsMiddleware answers every preflight 200 itself; a ${ctx.status} with CORS headers means something else answered the OPTIONS (a proxy in front, or a middleware above CorsMiddleware that copies its headers): ${CORS_FIRST}`;
    default:
      return undefined;
  }
}

export const django: StackProfile = {
  name: 'django',
  title: 'Django with django-cors-headers',
  recognise: fingerprints,
  fix,
};
