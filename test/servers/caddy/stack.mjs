/**
 * Caddy 2 in front of the same small JSON app as nginx (../nginx/behind.mjs), CORS done with the
 * `header` directive the way Caddyfile snippets do it. One Caddyfile per scenario, Caddy in the
 * foreground (`caddy run --adapter caddyfile`), admin endpoint off, no automatic HTTPS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startBehind, tempDir, UPSTREAM_PORT } from '../nginx/behind.mjs';

export const stack = 'caddy';

export async function describe() {
  const r = spawnSync('caddy', ['version'], { encoding: 'utf8' });
  return `Caddy ${(r.stdout || '').trim()} (Debian 12) in front of a Node http app`;
}

const ORIGIN = 'http://localhost:5173';
const APP = `127.0.0.1:${UPSTREAM_PORT}`;
// user / pass: a bcrypt hash (cost 4, so the recording does not wait on it).
const HASH = '$2b$04$fkUEDRojGkeCQrpOCC4ktOQSp4JmpcS9MnKahVKv/k0AaW1d3inpi';

// Caddy answering CORS itself: a header block and a 204 for preflights (the usual Caddyfile snippet).
const corsBlock = ({ origin = '*', methods = 'GET, POST, PUT, PATCH, DELETE, OPTIONS', headers = 'Content-Type' } = {}) => `@options method OPTIONS
	header {
		Access-Control-Allow-Origin ${origin}
		Access-Control-Allow-Methods "${methods}"
		Access-Control-Allow-Headers "${headers}"
	}
	respond @options 204`;
const basicauth = (matcher) => `basicauth ${matcher} {\n\t\tuser ${HASH}\n\t}`;
const PROTECTED = '@protected {\n\t\tpath /api/*\n\t\tnot method OPTIONS\n\t}';
// What corscope's fix writes for a preflight the app answers itself, as it writes it.
const OPTIONS_204 = '@options method OPTIONS\n\trespond @options 204';

/** Each scenario: the site block's body, and how the app behind runs (false: it is down). */
const scenarios = {
  plain: { site: `reverse_proxy ${APP}` },
  'acao-fixed': { site: `header Access-Control-Allow-Origin "${ORIGIN}"\n\treverse_proxy ${APP}` },
  duplicate: { upstream: { cors: true }, site: `header Access-Control-Allow-Origin "${ORIGIN}"\n\treverse_proxy ${APP}` },
  'duplicate-fixed': {
    upstream: { cors: true },
    site: `header Access-Control-Allow-Origin "${ORIGIN}"\n\treverse_proxy ${APP} {\n\t\theader_down -Access-Control-Allow-Origin\n\t}`,
  },
  wildcard: { site: `header Access-Control-Allow-Origin *\n\treverse_proxy ${APP}` },
  'credentials-fixed': {
    site: `header Access-Control-Allow-Origin "${ORIGIN}"\n\theader Access-Control-Allow-Credentials true\n\treverse_proxy ${APP}`,
  },
  'matcher-127': {
    site: `@cors {
		header Origin http://127.0.0.1:5173
	}
	header @cors Access-Control-Allow-Origin {http.request.header.Origin}
	header Access-Control-Allow-Credentials true
	header Vary Origin
	reverse_proxy ${APP}`,
  },
  'matcher-fixed': {
    site: `@cors {
		header Origin http://127.0.0.1:5173
		header Origin http://localhost:5173
	}
	header @cors Access-Control-Allow-Origin {http.request.header.Origin}
	header Access-Control-Allow-Credentials true
	header Vary Origin
	reverse_proxy ${APP}`,
  },
  snippet: { site: `${corsBlock({ methods: 'GET, POST, OPTIONS' })}\n\treverse_proxy ${APP}` },
  'snippet-methods-fixed': { site: `${corsBlock({ methods: 'GET, POST, OPTIONS, DELETE' })}\n\treverse_proxy ${APP}` },
  'snippet-headers-fixed': { site: `${corsBlock({ methods: 'GET, POST, OPTIONS', headers: 'Content-Type, authorization' })}\n\treverse_proxy ${APP}` },
  'no-options': {
    site: `header {
		Access-Control-Allow-Origin "${ORIGIN}"
		Access-Control-Allow-Methods "GET, POST, PUT, PATCH, DELETE"
		Access-Control-Allow-Headers "Content-Type"
	}
	reverse_proxy ${APP}`,
  },
  'no-options-fixed': {
    site: `${OPTIONS_204}
	header {
		Access-Control-Allow-Origin "${ORIGIN}"
		Access-Control-Allow-Methods "GET, POST, PUT, PATCH, DELETE"
		Access-Control-Allow-Headers "Content-Type"
	}
	reverse_proxy ${APP}`,
  },
  'auth-app': { upstream: { cors: true }, site: `${basicauth('/api/*')}\n\treverse_proxy ${APP}` },
  'auth-app-fixed': { upstream: { cors: true }, site: `${PROTECTED}\n\t${basicauth('@protected')}\n\treverse_proxy ${APP}` },
  'auth-caddy': { site: `${corsBlock({ origin: `"${ORIGIN}"`, headers: 'Authorization' })}\n\t${basicauth('/api/*')}\n\treverse_proxy ${APP}` },
  'auth-caddy-fixed': {
    site: `${corsBlock({ origin: `"${ORIGIN}"`, headers: 'Authorization' })}\n\t${PROTECTED}\n\t${basicauth('@protected')}\n\treverse_proxy ${APP}`,
  },
  // `?` sets a header only where the app did not: Caddy then defers it to the app's answer.
  'default-down': { upstream: false, site: `header ?Access-Control-Allow-Origin "${ORIGIN}"\n\treverse_proxy ${APP}` },
  'default-down-fixed': { upstream: false, site: `header Access-Control-Allow-Origin "${ORIGIN}"\n\treverse_proxy ${APP}` },
};

function caddyfile(port, s) {
  return `{
	admin off
	auto_https off
}

http://:${port} {
	bind 127.0.0.1
	${s.site}
}
`;
}

export async function start(scenario, port) {
  const s = scenarios[scenario];
  if (!s) throw new Error(`no caddy scenario ${scenario}`);
  const dir = tempDir('caddy');
  fs.mkdirSync(path.join(dir, 'www/data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'www/data/items.json'), '[{"id":1,"name":"first"}]\n');
  fs.writeFileSync(path.join(dir, 'Caddyfile'), caddyfile(port, s));
  return startBehind({
    dir,
    port,
    upstream: s.upstream ?? {},
    proxy: {
      cmd: 'caddy',
      args: ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
      env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    },
  });
}

const json = [['Content-Type', 'application/json']];
const BASIC = [['Authorization', 'Basic dXNlcjpwYXNz']]; // user:pass

export const cases = [
  {
    name: 'caddy-no-cors',
    intent: 'no-cors',
    misconfig: `reverse_proxy ${APP}  (no header directive, the app does no CORS)`,
    scenario: 'plain',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'acao-fixed', applied: `header Access-Control-Allow-Origin "${ORIGIN}"` },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-duplicate-app',
    intent: 'duplicate-layers',
    misconfig: `header Access-Control-Allow-Origin "${ORIGIN}" in front of an app that sends its own: reverse_proxy adds the app's to the one already set`,
    scenario: 'duplicate',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'duplicate-fixed', applied: 'header_down -Access-Control-Allow-Origin' },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: 'header Access-Control-Allow-Origin *',
    scenario: 'wildcard',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: {
      scenario: 'credentials-fixed',
      applied: `header Access-Control-Allow-Origin "${ORIGIN}"\n\theader Access-Control-Allow-Credentials true`,
    },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-origin-matcher-127',
    intent: 'origin-not-allowed',
    misconfig: '@cors { header Origin http://127.0.0.1:5173 } with header @cors Access-Control-Allow-Origin {http.request.header.Origin}',
    scenario: 'matcher-127',
    calls: [
      { method: 'GET', path: '/api/me', credentials: 'include', page: 'http://127.0.0.1:5173' },
      { method: 'GET', path: '/api/me', credentials: 'include' },
    ],
    fix: { scenario: 'matcher-fixed', applied: 'header Origin http://localhost:5173' },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-snippet-methods',
    intent: 'method-not-allowed',
    misconfig: 'header Access-Control-Allow-Methods "GET, POST, OPTIONS" with respond @options 204',
    scenario: 'snippet',
    calls: [{ method: 'DELETE', path: '/api/items/1' }],
    fix: { scenario: 'snippet-methods-fixed', applied: 'Access-Control-Allow-Methods "GET, POST, OPTIONS, DELETE"' },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-snippet-headers',
    intent: 'header-not-allowed',
    misconfig: 'header Access-Control-Allow-Headers "Content-Type" with respond @options 204',
    scenario: 'snippet',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', 'Bearer recorded-token']] }],
    fix: { scenario: 'snippet-headers-fixed', applied: 'Access-Control-Allow-Headers "Content-Type, authorization"' },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-options-proxied-405',
    intent: 'preflight-status',
    misconfig: 'header Access-Control-Allow-* lines, every OPTIONS proxied to an app that answers it 405 (the header directive is on every answer, so the 405 carries them)',
    scenario: 'no-options',
    calls: [{ method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"renamed"}' }],
    fix: { scenario: 'no-options-fixed', applied: OPTIONS_204 },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-basicauth-app-cors',
    intent: 'auth-before-cors',
    misconfig: 'basicauth /api/* { ... } in front of an app that answers CORS itself: the preflight (no Authorization) gets Caddy\'s 401',
    scenario: 'auth-app',
    calls: [{ method: 'GET', path: '/api/items', headers: BASIC }],
    fix: { scenario: 'auth-app-fixed', applied: 'not method OPTIONS' },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-basicauth-header',
    // The 401 carries the CORS headers: by the codes' definitions a preflight status, whose fix
    // (Caddy's profile writes it for a 401) is the order of basicauth and the OPTIONS answer.
    intent: 'preflight-status',
    misconfig: 'basicauth /api/* { ... } with the CORS header block and respond @options 204: basicauth runs before respond, so the preflight gets a 401 (with the CORS headers)',
    scenario: 'auth-caddy',
    calls: [{ method: 'GET', path: '/api/items', headers: BASIC }],
    fix: { scenario: 'auth-caddy-fixed', applied: 'not method OPTIONS' },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
  {
    name: 'caddy-default-header-502',
    intent: 'error-without-cors',
    misconfig: `header ?Access-Control-Allow-Origin "${ORIGIN}" (a default: deferred to the app's answer) while the app is down: Caddy's own 502 skips deferred header ops`,
    scenario: 'default-down',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'default-down-fixed', applied: `header Access-Control-Allow-Origin "${ORIGIN}"` },
    expected: { stack: 'caddy', evidence: ['Server: Caddy'] },
  },
];
