/**
 * Rack: a Sinatra 3 app behind rack-cors 1.1, Warden 1.2 and Rack::Auth::Basic, served by puma 5
 * in development mode (Debian 12's ruby-rack-cors, ruby-sinatra, ruby-warden, puma).
 * config.ru builds the middleware stack from the SCENARIO environment variable.
 */
import { spawnSync } from 'node:child_process';

export const stack = 'rack';

function version(pkg) {
  return spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).stdout.trim();
}

export async function describe() {
  const ruby = spawnSync('ruby', ['-e', 'print RUBY_VERSION'], { encoding: 'utf8' }).stdout;
  return `Ruby ${ruby}, rack ${version('ruby-rack')}, rack-cors ${version('ruby-rack-cors')}, Sinatra ${version('ruby-sinatra')}, Warden ${version('ruby-warden')}, puma ${version('puma')} (Debian 12)`;
}

export function command(scenario, port) {
  return {
    cmd: 'puma',
    args: ['-b', `tcp://127.0.0.1:${port}`, '-e', 'development', '-t', '0:4', 'config.ru'],
    env: { SCENARIO: scenario },
  };
}

const json = [['Content-Type', 'application/json']];
const METHODS = '[:get, :post, :put, :patch, :delete, :options, :head]';
const block = (resource) =>
  ['use Rack::Cors do', '  allow do', "    origins 'http://localhost:5173'", `    ${resource}`, '  end', 'end'].join('\n');

export const cases = [
  {
    name: 'rack-no-cors',
    intent: 'no-cors',
    misconfig: 'a Sinatra app with no Rack::Cors (or any CORS) in config.ru',
    scenario: 'plain',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'cors-get', applied: block(`resource '/api/*', headers: :any, methods: ${METHODS}`) },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'rack-origin-127',
    intent: 'origin-not-allowed',
    misconfig: "origins 'http://127.0.0.1:5173' while the page is opened on http://localhost:5173",
    scenario: 'origin-127',
    calls: [
      { method: 'GET', path: '/api/items', page: 'http://127.0.0.1:5173' },
      { method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"renamed"}' },
    ],
    fix: { scenario: 'origin-127-fixed', applied: "add 'http://localhost:5173' to origins" },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'rack-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: "origins '*' (rack-cors refuses credentials: true with it, raising at boot) and a page that sends cookies",
    scenario: 'origin-star',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: {
      scenario: 'credentials',
      applied: `origins 'http://localhost:5173'\n    resource '/api/*', headers: :any, methods: ${METHODS}, credentials: true`,
    },
    expected: { stack: 'rack', evidence: ["an empty Access-Control-Expose-Headers is rack-cors' (Resource#to_headers sends it when expose: is not set)", "Access-Control-Allow-Methods GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD with Access-Control-Max-Age 7200 on an actual response: rack-cors sends both on every answer (7200 its default max_age)"] },
  },
  {
    name: 'rack-credentials-missing',
    intent: 'credentials-not-allowed',
    misconfig: "resource '/api/*' without credentials: true (rack-cors 1.x sends no Access-Control-Allow-Credentials by default)",
    scenario: 'credentials-missing',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'credentials', applied: 'credentials: true' },
    expected: { stack: 'rack', evidence: ["an empty Access-Control-Expose-Headers is rack-cors' (Resource#to_headers sends it when expose: is not set)", "Access-Control-Allow-Methods GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD with Access-Control-Max-Age 7200 on an actual response: rack-cors sends both on every answer (7200 its default max_age)"] },
  },
  {
    name: 'rack-methods-default',
    intent: 'method-not-allowed',
    misconfig: "resource '/api/*', headers: :any without methods: (rack-cors' default is [:get])",
    scenario: 'methods-default',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'DELETE', path: '/api/items/1' },
    ],
    fix: { scenario: 'methods-full', applied: `methods: ${METHODS}` },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'rack-headers-default',
    intent: 'header-not-allowed',
    misconfig: "resource '/api/*', methods: [...] without headers: (only Accept, Accept-Language, Content-Language, Content-Type pass)",
    scenario: 'headers-default',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'PUT', path: '/api/items/1', headers: [...json, ['X-CSRF-Token', 'recorded-token']], body: '{}' },
    ],
    fix: { scenario: 'headers-any', applied: 'headers: :any' },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'rack-warden-before-cors',
    intent: 'auth-before-cors',
    misconfig: 'use Warden::Manager above use Rack::Cors: the 401 of an expired session is thrown past Rack::Cors',
    scenario: 'warden-before-cors',
    calls: [
      { method: 'GET', path: '/api/items', credentials: 'include' },
      { method: 'GET', path: '/api/me', credentials: 'include' },
    ],
    fix: { scenario: 'warden-after-cors', applied: '`use Rack::Cors` above the authentication middleware' },
    expected: { stack: 'rack', evidence: ["401 \"You need to sign in or sign up before continuing.\" is Devise's failure message (Warden)"] },
  },
  {
    name: 'rack-basic-auth-preflight',
    intent: 'auth-before-cors',
    misconfig: "use Rack::Auth::Basic above use Rack::Cors: the preflight, which carries no Authorization, gets the 401",
    scenario: 'basic-before-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', `Basic ${Buffer.from('ada:secret').toString('base64')}`]] }],
    fix: { scenario: 'basic-after-cors', applied: '`use Rack::Cors` above the authentication middleware' },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'rack-warden-redirect-login',
    intent: 'redirect-to-login',
    misconfig: "Warden's failure app redirects to the sign-in page on another origin (Devise does so for Accept: */*, one of its default navigational_formats)",
    scenario: 'warden-redirect',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'warden-after-cors', applied: 'a failure_app that answers 401' },
    expected: { stack: 'rack', evidence: ["an empty Access-Control-Expose-Headers is rack-cors' (Resource#to_headers sends it when expose: is not set)", "Access-Control-Allow-Methods GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD with Access-Control-Max-Age 7200 on an actual response: rack-cors sends both on every answer (7200 its default max_age)"] },
  },
  {
    name: 'rack-sinatra-route-headers',
    intent: 'preflight-unhandled',
    misconfig: "CORS headers set inside each Sinatra route (headers 'Access-Control-Allow-Origin' => ...), no OPTIONS route, no Rack::Cors",
    scenario: 'sinatra-route-headers',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'PUT', path: '/api/items/1', headers: json, body: '{}' },
    ],
    fix: { scenario: 'sinatra-route-headers-cors', applied: block(`resource '/api/*', headers: :any, methods: ${METHODS}`) },
    expected: { stack: 'rack', evidence: ["404 \"Sinatra doesn’t know this ditty.\" is Sinatra's development 404 page", "X-Cascade: pass is the Rack routers' \"no route\" mark (Sinatra, Rails)", "X-XSS-Protection: 1; mode=block with X-Frame-Options: SAMEORIGIN are Rack::Protection's (Sinatra) headers", "Content-Type: text/html;charset=utf-8 (no space before charset) is Sinatra's spelling"] },
  },
  {
    name: 'rack-sinatra-before-filter',
    intent: 'preflight-status',
    misconfig: 'CORS headers in a Sinatra before filter, which also runs for the OPTIONS Sinatra has no route for: 404 with CORS headers',
    scenario: 'sinatra-before-filter',
    calls: [{ method: 'PUT', path: '/api/items/1', headers: json, body: '{}' }],
    fix: { scenario: 'sinatra-before-filter-options', applied: "options '*' do\n  200\nend" },
    expected: { stack: 'rack', evidence: ["404 \"Sinatra doesn’t know this ditty.\" is Sinatra's development 404 page", "X-Cascade: pass is the Rack routers' \"no route\" mark (Sinatra, Rails)", "X-XSS-Protection: 1; mode=block with X-Frame-Options: SAMEORIGIN are Rack::Protection's (Sinatra) headers", "Content-Type: text/html;charset=utf-8 (no space before charset) is Sinatra's spelling"] },
  },
  {
    name: 'rack-raise-errors',
    intent: 'error-without-cors',
    misconfig: 'Sinatra with set :show_exceptions, false and set :raise_errors, true: the exception escapes Rack::Cors and puma answers the 500',
    scenario: 'raise-errors',
    calls: [{ method: 'GET', path: '/api/report', credentials: 'include' }],
    fix: { scenario: 'raise-errors-off', applied: 'set :raise_errors, false' },
    expected: { stack: 'rack', evidence: ["500 \"Puma caught this error: key not found: \"weekly\" (KeyError)\" is puma's answer to an exception no middleware caught"] },
  },
  {
    name: 'rack-route-star',
    intent: 'route-overrides',
    misconfig: "a route sets headers 'Access-Control-Allow-Origin' => '*' and Rack::Cors (credentials: true) lets the app's header win",
    scenario: 'route-star',
    calls: [
      { method: 'GET', path: '/api/items', credentials: 'include' },
      { method: 'GET', path: '/api/me', credentials: 'include' },
    ],
    fix: { scenario: 'route-star-removed', applied: "delete the route's own `headers 'Access-Control-Allow-Origin' => ...`" },
    expected: { stack: 'rack', evidence: ["an empty Access-Control-Expose-Headers is rack-cors' (Resource#to_headers sends it when expose: is not set)", "Access-Control-Allow-Methods GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD with Access-Control-Max-Age 7200 on an actual response: rack-cors sends both on every answer (7200 its default max_age)"] },
  },
  {
    name: 'rack-resource-path',
    intent: 'route-excluded',
    misconfig: "resource '/api/*' only, while the page also calls /auth/me",
    scenario: 'resource-api-only',
    calls: [
      { method: 'GET', path: '/api/items', credentials: 'include' },
      { method: 'GET', path: '/auth/me', credentials: 'include' },
    ],
    fix: { scenario: 'resource-api-and-auth', applied: `resource '/auth/*', headers: :any, methods: ${METHODS}, credentials: true` },
    expected: { stack: null, evidence: [] },
  },
];
