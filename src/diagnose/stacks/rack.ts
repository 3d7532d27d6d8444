/**
 * Ruby on Rack: rack-cors (Rack::Cors) in front of Sinatra, Rails or a bare Rack app, served by
 * puma (which sends no Server header) or WEBrick. Read from rack-cors 1.1.1 (lib/rack/cors.rb),
 * Sinatra 3.0 (base.rb), puma 5.6 (server.rb) and Rack 2.2, and checked against
 * test/fixtures/servers/rack.json.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { fingerprintCollector, hasCorsHeader, hasHeader, headerValue, headerValues, jsList, ON_PAIRED, q, type AddFingerprint, type Lines } from './common.js';

// Resource#to_headers: every answer rack-cors touches (preflight or not) gets Allow-Methods, an
// Expose-Headers that is empty unless `expose:` is set, and Max-Age (`max_age:`, default 7200).
function corsMarks(headers: Lines, stage: StackEvidence['stage'], where: string, add: AddFingerprint): void {
  const expose = headerValues(headers, 'access-control-expose-headers');
  if (expose.length > 0 && expose.every((v) => v.trim() === '')) {
    add(`an empty Access-Control-Expose-Headers is rack-cors' (Resource#to_headers sends it when expose: is not set)${where}`, 'strong');
  }
  const methods = headerValue(headers, 'access-control-allow-methods');
  const maxAge = headerValue(headers, 'access-control-max-age');
  if (stage === 'request' && methods !== undefined && maxAge !== undefined) {
    const defaults = [methods === 'GET' ? 'GET alone is its default methods: [:get]' : '', maxAge === '7200' ? '7200 its default max_age' : ''].filter((d) => d !== '');
    add(`Access-Control-Allow-Methods ${methods} with Access-Control-Max-Age ${maxAge} on an actual response: rack-cors sends both on every answer${defaults.length > 0 ? ` (${defaults.join('; ')})` : ''}${where}`, 'weak');
  }
}

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  for (const [name, value] of [...e.headers, ...e.identity]) {
    const lower = name.toLowerCase();
    if (lower === 'server' && /^(WEBrick|thin)\b/.test(value)) add(`${name}: ${value}`, 'strong');
    if (lower === 'x-rack-cors') add(`${name}: ${value} is rack-cors' debug header`, 'strong');
    if (lower === 'x-runtime') add(`${name}: ${value} is Rack::Runtime's (Rails puts it in every stack)`, 'strong');
  }
  corsMarks(e.headers, e.stage, '', add);
  for (const r of e.related) corsMarks(r.headers, 'preflight', ON_PAIRED, add);

  const text = e.body?.text ?? '';
  const type = headerValue(e.headers, 'content-type');
  // puma's Server#lowlevel_error: an exception that escaped every middleware, Rack::Cors included.
  if (text.startsWith('Puma caught this error: ')) add(`${e.status} "${text.split('\n')[0]}" is puma's answer to an exception no middleware caught`, 'strong');
  if (text.startsWith('An unhandled lowlevel error occurred.')) add(`${e.status} "An unhandled lowlevel error occurred." is puma's answer to an exception no middleware caught`, 'strong');
  if (text.includes('Sinatra doesn’t know this ditty.')) add(`${e.status} "Sinatra doesn’t know this ditty." is Sinatra's development 404 page`, 'strong');
  if (headerValues(e.headers, 'x-cascade').includes('pass')) add('X-Cascade: pass is the Rack routers\' "no route" mark (Sinatra, Rails)', 'strong');
  if (text.includes('You need to sign in or sign up before continuing.')) add(`${e.status} "You need to sign in or sign up before continuing." is Devise's failure message (Warden)`, 'strong');
  if (headerValues(e.headers, 'x-xss-protection').includes('1; mode=block') && headerValues(e.headers, 'x-frame-options').includes('SAMEORIGIN')) {
    add('X-XSS-Protection: 1; mode=block with X-Frame-Options: SAMEORIGIN are Rack::Protection\'s (Sinatra) headers', 'weak');
  }
  if (type !== undefined && /^text\/html;charset=utf-8$/.test(type)) add(`Content-Type: ${type} (no space before charset) is Sinatra's spelling`, 'weak');
  const challenge = headerValue(e.headers, 'www-authenticate');
  if (e.status === 401 && challenge?.startsWith('Basic realm=') && type === 'text/plain' && headerValue(e.headers, 'content-length') === '0') {
    add(`401 text/plain, empty, with WWW-Authenticate: ${challenge} is Rack::Auth::Basic's answer`, 'weak');
  }
  // Rack::Cors#call answers every preflight [200, headers, []] itself; a refused one has no headers.
  if (e.stage === 'preflight' && e.status === 200 && !hasCorsHeader(e.headers) && !hasHeader(e.headers, 'vary') && !hasHeader(e.headers, 'content-type') && text === '') {
    add('an empty 200 with no header of its own is how rack-cors refuses a preflight (origin, path, method or headers not allowed)', 'weak');
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

// The methods list of rack-cors' README; `methods:` defaults to [:get] only.
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head'];

function methods(ctx: FixContext): string {
  const extra = [ctx.method, ...ctx.missingMethods].map((m) => m.toLowerCase()).filter((m, i, all) => !METHODS.includes(m) && all.indexOf(m) === i);
  return `[${[...METHODS, ...extra].map((m) => `:${m}`).join(', ')}]`;
}

/** The `resource` pattern for the path: its first segment and everything under it. */
function pattern(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  return segments.length >= 2 ? `/${segments[0]}/*` : '*';
}

function resource(ctx: FixContext, credentials = ctx.credentials): string {
  return `resource ${q(pattern(ctx.path))}, headers: :any, methods: ${methods(ctx)}${credentials ? ', credentials: true' : ''}`;
}

function allowBlock(ctx: FixContext, credentials = ctx.credentials): string {
  return ['use Rack::Cors do', '  allow do', `    origins ${q(ctx.origin)}`, `    ${resource(ctx, credentials)}`, '  end', 'end'].join('\n');
}

const RAILS = 'in Rails, config/initializers/cors.rb: Rails.application.config.middleware.insert_before 0, Rack::Cors do ... end with the same allow block';

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `Nothing in this Rack app sends CORS headers. Add rack-cors (gem 'rack-cors') as the first middleware in config.ru:\n${allowBlock(ctx)}\n(${RAILS})`;
    case 'origin-not-allowed':
      return `Rack::Cors matches the Origin against each origins entry exactly (scheme, host and port: localhost is not 127.0.0.1; an entry with a trailing slash never matches; one without a scheme, 'localhost:5173', matches any scheme), and refuses without a single CORS header (a preflight gets an empty 200): add ${q(ctx.origin)} to origins: origins ..., ${q(ctx.origin)}`;
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `Access-Control-Allow-Origin must be exactly the page's origin (scheme://host:port, no path or trailing slash). Hand-written: headers 'Access-Control-Allow-Origin' => ${q(ctx.origin)}; better, let Rack::Cors echo it: origins ${q(ctx.origin)}`;
    case 'wildcard-with-credentials':
      return `rack-cors answers * for origins '*', and refuses credentials: true with it (CorsMisconfigurationError at boot); a credentialed call needs the origin named and credentials allowed:\n  allow do\n    origins ${q(ctx.origin)}\n    ${resource(ctx, true)}\n  end`;
    case 'credentials-not-allowed':
      return `Rack::Cors sends Access-Control-Allow-Credentials only when the resource says credentials: true (off by default since rack-cors 1.0): ${resource(ctx, true)}`;
    case 'method-not-allowed':
      return `Rack::Cors allows only the resource's methods:, [:get] when it is not given, and refuses a preflight with an empty 200 (no Access-Control-Allow-Origin, so Chrome blames the origin); its other answers show the list in Access-Control-Allow-Methods. List the method: resource ${q(pattern(ctx.path))}, headers: :any, methods: ${methods(ctx)}`;
    case 'header-not-allowed':
      return `Without headers:, Rack::Cors allows only Accept, Accept-Language, Content-Language and Content-Type, and refuses a preflight with an empty 200 (no Access-Control-Allow-Origin, so Chrome blames the origin): resource ${q(pattern(ctx.path))}, headers: :any (or headers: ${jsList(ctx.requestHeaders)})`;
    case 'auth-before-cors':
      return `The authentication answered ${ctx.status} before Rack::Cors ran: a preflight never carries cookies or Authorization, and Warden throws past every middleware between it and the app. Make Rack::Cors the first middleware: in config.ru, \`use Rack::Cors\` above the authentication middleware (use Warden::Manager, use Rack::Auth::Basic); in Rails, config.middleware.insert_before 0, Rack::Cors (Devise's Warden::Manager is already in the stack)`;
    case 'redirect-to-login':
      return `The failure app redirected the API call to the sign-in page${ctx.location ? ` (${ctx.location})` : ''}: Devise redirects every "navigational" format, and its default navigational_formats include */*, which fetch sends. Answer API calls 401 instead: with Devise, config.navigational_formats = ['html'] (or respond_to :json in API controllers); with Warden, a failure_app that answers 401 (e.g. ->(env) { [401, { 'Content-Type' => 'application/json' }, ['{"error":"unauthenticated"}']] })`;
    case 'preflight-unhandled':
      return `Nothing answers OPTIONS ${ctx.path}: Sinatra (or the Rails router) has no OPTIONS route and answers ${ctx.status}. Let Rack::Cors answer preflights, first in config.ru:\n${allowBlock(ctx)}\n(${RAILS})`;
    case 'preflight-status':
      return `The CORS headers are there, but the OPTIONS itself has no route and ends ${ctx.status} (a Sinatra before filter runs for it anyway). Answer it: in Sinatra\noptions '*' do\n  200\nend\nor, better, replace the hand-written headers with Rack::Cors, which answers preflights itself`;
    case 'error-without-cors':
      return `Rack::Cors adds its headers only to an answer that comes back through it; an exception that escapes it becomes the server's own ${ctx.status} (puma: "Puma caught this error"), without them, and Chrome hides it. Turn exceptions into answers inside Rack::Cors: in Sinatra, set :raise_errors, false (its default outside the test environment) and an error do ... end block for the body; in Rails keep Rack::Cors at the top (insert_before 0) so ActionDispatch::ShowExceptions renders inside it. Then fix the error itself`;
    case 'route-overrides':
      return `The ${ctx.path} route sets its own Access-Control-Allow-Origin${ctx.allowOrigin ? ` (${ctx.allowOrigin})` : ''}, and Rack::Cors lets the app's header win (it merges its own under the app's): delete the route's own \`headers 'Access-Control-Allow-Origin' => ...\` (or response.headers[...] =) and leave CORS to Rack::Cors`;
    case 'route-excluded':
      return `Rack::Cors adds headers only to paths a resource pattern matches, and ${ctx.path} matches none: add ${resource(ctx)} to the allow block`;
    case 'redirect-before-cors':
      return `The redirect${ctx.location ? ` to ${ctx.location}` : ''} was answered by a middleware above Rack::Cors (force_ssl / ActionDispatch::SSL, a canonical-host or trailing-slash rewrite): make Rack::Cors the first middleware (insert_before 0) so the redirect carries its headers, or call ${ctx.location ?? 'the final URL'} directly; a preflight must never be redirected`;
    case 'redirect-target-no-cors':
      return `The redirect carried CORS headers, its target${ctx.location ? ` ${ctx.location}` : ''} does not: give the target's path a resource in the Rack::Cors allow block (or call it directly)`;
    case 'duplicate-layers':
      return `The CORS headers are sent twice (Access-Control-Allow-Origin: ${ctx.allowOrigin ?? ''}): Rack::Cors and the app share one header hash, so the second copy comes from another layer, usually the proxy in front of puma (nginx add_header): keep Rack::Cors alone`;
  }
}

export const rack: StackProfile = {
  name: 'rack',
  title: 'Rack with rack-cors (Sinatra, Rails)',
  recognise: fingerprints,
  fix,
};
