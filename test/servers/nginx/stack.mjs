/**
 * nginx in front of a small JSON app (behind.mjs), CORS done with add_header the way the
 * snippets people copy do it. One nginx.conf per scenario, nginx in the foreground
 * (`nginx -p <tmp> -c nginx.conf -g 'daemon off;'`), nothing of the system's nginx used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startBehind, tempDir, UPSTREAM_PORT } from './behind.mjs';

export const stack = 'nginx';

export async function describe() {
  const r = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  return `${(r.stderr || r.stdout).trim().replace('nginx version: ', '')} (Debian 12 nginx-light) in front of a Node http app`;
}

const PASS = `proxy_pass http://127.0.0.1:${UPSTREAM_PORT};`;
const ORIGIN = 'http://localhost:5173';

// enable-cors.org's nginx snippet (also Stanback's much-copied gist): its preflight block and lists.
const SNIPPET_HEADERS = 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range';
const snippet = ({ methods = `'GET, POST, OPTIONS'`, headers = `'${SNIPPET_HEADERS}'` } = {}) => `
    location /api/ {
      if ($request_method = 'OPTIONS') {
        add_header 'Access-Control-Allow-Origin' '*';
        add_header 'Access-Control-Allow-Methods' ${methods};
        add_header 'Access-Control-Allow-Headers' ${headers};
        add_header 'Access-Control-Max-Age' 1728000;
        add_header 'Content-Type' 'text/plain; charset=utf-8';
        add_header 'Content-Length' 0;
        return 204;
      }
      add_header 'Access-Control-Allow-Origin' '*' always;
      add_header 'Access-Control-Expose-Headers' 'Content-Length,Content-Range' always;
      ${PASS}
    }`;

// A preflight block answered by nginx itself, then the actual answers from the app.
const preflight204 = `
      if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin "${ORIGIN}";
        add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS";
        add_header Access-Control-Allow-Headers "Content-Type";
        return 204;
      }`;

// What corscope's fix writes for an unanswered preflight, as it writes it.
const STATIC_PREFLIGHT = `if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin "${ORIGIN}" always;
    add_header Access-Control-Allow-Methods "GET, OPTIONS" always;
    add_header Access-Control-Allow-Headers "x-requested-with" always;
    return 204;
}`;

const CREDENTIALS = `add_header Access-Control-Allow-Origin "${ORIGIN}" always;\nadd_header Access-Control-Allow-Credentials "true" always;`;

/** Each scenario: lines for http{} and server{}, and how the app behind runs (false: it is down). */
const scenarios = {
  plain: { server: `location /api/ { ${PASS} }` },
  'acao-fixed': { server: `location /api/ {\n      add_header Access-Control-Allow-Origin "${ORIGIN}" always;\n      ${PASS}\n    }` },
  'acao-slash': { server: `location /api/ {\n      add_header Access-Control-Allow-Origin "${ORIGIN}/" always;\n      ${PASS}\n    }` },
  'map-127': {
    http: `map $http_origin $cors_origin {\n    default "";\n    "http://127.0.0.1:5173" $http_origin;\n  }`,
    server: `location /api/ {\n      add_header Access-Control-Allow-Origin $cors_origin always;\n      add_header Access-Control-Allow-Credentials "true" always;\n      add_header Vary Origin always;\n      ${PASS}\n    }`,
  },
  'map-fixed': {
    http: `map $http_origin $cors_origin {\n    default "";\n    "http://127.0.0.1:5173" $http_origin;\n    "${ORIGIN}" $http_origin;\n  }`,
    server: `location /api/ {\n      add_header Access-Control-Allow-Origin $cors_origin always;\n      add_header Access-Control-Allow-Credentials "true" always;\n      add_header Vary Origin always;\n      ${PASS}\n    }`,
  },
  wildcard: { server: `location /api/ {\n      add_header Access-Control-Allow-Origin * always;\n      ${PASS}\n    }` },
  'credentials-fixed': { server: `location /api/ {\n${CREDENTIALS}\n${PASS}\n}` },
  snippet: { server: snippet() },
  'snippet-methods-fixed': { server: snippet({ methods: `"GET, POST, OPTIONS, DELETE" always` }) },
  'snippet-headers-fixed': { server: snippet({ headers: `"${SNIPPET_HEADERS.split(',').join(', ')}, authorization" always` }) },
  'auth-basic': {
    upstream: { cors: true },
    server: `location /api/ {\n      auth_basic "Restricted";\n      auth_basic_user_file htpasswd;\n      ${PASS}\n    }`,
  },
  'auth-basic-fixed': {
    upstream: { cors: true },
    server: `location /api/ {\n      limit_except OPTIONS { auth_basic "Restricted"; auth_basic_user_file htpasswd; }\n      ${PASS}\n    }`,
  },
  'no-always': {
    server: `client_max_body_size 1k;\n    location /api/ {${preflight204}\n      add_header Access-Control-Allow-Origin "${ORIGIN}";\n      ${PASS}\n    }`,
  },
  'no-always-fixed': {
    server: `client_max_body_size 1k;\n    location /api/ {${preflight204}\n      add_header Access-Control-Allow-Origin "${ORIGIN}" always;\n      ${PASS}\n    }`,
  },
  override: {
    server: `add_header Access-Control-Allow-Origin "${ORIGIN}" always;
    add_header Access-Control-Allow-Headers "X-Requested-With" always;
    if ($request_method = OPTIONS) { return 204; }
    location /api/ { ${PASS} }
    location /api/report {
      add_header Cache-Control "no-store";
      ${PASS}
    }`,
  },
  'override-fixed': {
    server: `add_header Access-Control-Allow-Origin "${ORIGIN}" always;
    add_header Access-Control-Allow-Headers "X-Requested-With" always;
    if ($request_method = OPTIONS) { return 204; }
    location /api/ { ${PASS} }
    location /api/report {
      add_header Cache-Control "no-store";
      add_header Access-Control-Allow-Origin "${ORIGIN}" always;
      ${PASS}
    }`,
  },
  duplicate: {
    upstream: { cors: true },
    server: `location /api/ {\n      add_header Access-Control-Allow-Origin $http_origin always;\n      ${PASS}\n    }`,
  },
  'duplicate-fixed': {
    upstream: { cors: true },
    server: `location /api/ {\n      proxy_hide_header Access-Control-Allow-Origin;\n      add_header Access-Control-Allow-Origin $http_origin always;\n      ${PASS}\n    }`,
  },
  static: { server: `location /data/ {\n      add_header Access-Control-Allow-Origin "${ORIGIN}";\n    }` },
  'static-fixed': { server: `location /data/ {\n${STATIC_PREFLIGHT}\n      add_header Access-Control-Allow-Origin "${ORIGIN}";\n    }` },
  slash: {
    server: `location /api/items/ {${preflight204}\n      add_header Access-Control-Allow-Origin "${ORIGIN}" always;\n      ${PASS}\n    }`,
  },
  'slash-fixed': {
    server: `location /api/items {${preflight204}\n      add_header Access-Control-Allow-Origin "${ORIGIN}" always;\n      ${PASS}\n    }`,
  },
};

function config(dir, s) {
  return `user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr error;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  ${s.http ?? ''}
  server {
    listen 127.0.0.1:3000;
    server_name localhost;
    root ${dir}/www;
    ${s.server}
  }
}
`;
}

export async function start(scenario, port) {
  const s = scenarios[scenario];
  if (!s) throw new Error(`no nginx scenario ${scenario}`);
  const dir = tempDir('nginx');
  fs.mkdirSync(path.join(dir, 'www/data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'www/data/items.json'), '[{"id":1,"name":"first"}]\n');
  fs.writeFileSync(path.join(dir, 'htpasswd'), 'user:{PLAIN}pass\n');
  fs.writeFileSync(path.join(dir, 'nginx.conf'), config(dir, s).replace('listen 127.0.0.1:3000', `listen 127.0.0.1:${port}`));
  return startBehind({
    dir,
    port,
    upstream: s.upstream ?? {},
    proxy: { cmd: 'nginx', args: ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'] },
  });
}

const json = [['Content-Type', 'application/json']];
const BASIC = [['Authorization', 'Basic dXNlcjpwYXNz']]; // user:pass

export const cases = [
  {
    name: 'nginx-no-cors',
    intent: 'no-cors',
    misconfig: `location /api/ { proxy_pass http://127.0.0.1:${UPSTREAM_PORT}; }  (no add_header, the app does no CORS)`,
    scenario: 'plain',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'acao-fixed', applied: `add_header Access-Control-Allow-Origin "${ORIGIN}" always;` },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1'] },
  },
  {
    name: 'nginx-origin-slash',
    intent: 'origin-malformed',
    misconfig: `add_header Access-Control-Allow-Origin "${ORIGIN}/" always;`,
    scenario: 'acao-slash',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'acao-fixed', applied: `add_header Access-Control-Allow-Origin "${ORIGIN}" always;` },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1'] },
  },
  {
    name: 'nginx-origin-map-127',
    intent: 'origin-not-allowed',
    misconfig: 'map $http_origin $cors_origin { default ""; "http://127.0.0.1:5173" $http_origin; }  (nginx sends no header for an empty value)',
    scenario: 'map-127',
    calls: [
      { method: 'GET', path: '/api/me', credentials: 'include', page: 'http://127.0.0.1:5173' },
      { method: 'GET', path: '/api/me', credentials: 'include' },
    ],
    fix: { scenario: 'map-fixed', applied: `"${ORIGIN}" $http_origin;` },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1'] },
  },
  {
    name: 'nginx-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: 'add_header Access-Control-Allow-Origin * always;',
    scenario: 'wildcard',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: {
      scenario: 'credentials-fixed',
      applied: CREDENTIALS,
    },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1'] },
  },
  {
    name: 'nginx-snippet-methods',
    intent: 'method-not-allowed',
    misconfig: "enable-cors.org's preflight block: add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS';",
    scenario: 'snippet',
    calls: [{ method: 'DELETE', path: '/api/items/1' }],
    fix: { scenario: 'snippet-methods-fixed', applied: 'add_header Access-Control-Allow-Methods "GET, POST, OPTIONS, DELETE" always;' },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1', 'Access-Control-Max-Age: 1728000'] },
  },
  {
    name: 'nginx-snippet-headers',
    intent: 'header-not-allowed',
    misconfig: `enable-cors.org's preflight block: add_header 'Access-Control-Allow-Headers' '${SNIPPET_HEADERS}';`,
    scenario: 'snippet',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', 'Bearer recorded-token']] }],
    fix: {
      scenario: 'snippet-headers-fixed',
      applied: `add_header Access-Control-Allow-Headers "${SNIPPET_HEADERS.split(',').join(', ')}, authorization" always;`,
    },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1', 'Access-Control-Max-Age: 1728000'] },
  },
  {
    name: 'nginx-auth-basic-preflight',
    intent: 'auth-before-cors',
    misconfig: 'auth_basic "Restricted"; in the location, in front of an app that answers CORS itself: the preflight (no Authorization) gets nginx\'s 401',
    scenario: 'auth-basic',
    calls: [{ method: 'GET', path: '/api/items', headers: BASIC }],
    fix: { scenario: 'auth-basic-fixed', applied: 'limit_except OPTIONS { auth_basic "Restricted";' },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1', '<center>nginx/1.22.1</center>'] },
  },
  {
    name: 'nginx-no-always-500',
    intent: 'error-without-cors',
    misconfig: `add_header Access-Control-Allow-Origin "${ORIGIN}";  (no always: only on 200, 201, 204, 206, 301, 302, 303, 304, 307, 308)`,
    scenario: 'no-always',
    calls: [{ method: 'POST', path: '/api/orders', headers: json, body: '{"item":1}' }],
    fix: { scenario: 'no-always-fixed', applied: `add_header Access-Control-Allow-Origin "${ORIGIN}" always;` },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1'] },
  },
  {
    name: 'nginx-no-always-413',
    intent: 'error-without-cors',
    misconfig: `client_max_body_size 1k; with add_header Access-Control-Allow-Origin "${ORIGIN}"; (no always): nginx's own 413 page has no CORS header`,
    scenario: 'no-always',
    calls: [{ method: 'POST', path: '/api/items', headers: json, body: JSON.stringify({ note: 'x'.repeat(2048) }) }],
    fix: { scenario: 'no-always-fixed', applied: `add_header Access-Control-Allow-Origin "${ORIGIN}" always;` },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1', '<center>nginx/1.22.1</center>'] },
  },
  {
    name: 'nginx-location-add-header',
    intent: 'route-excluded',
    misconfig: 'add_header Cache-Control "no-store"; in location /api/report drops every add_header inherited from server{}',
    scenario: 'override',
    calls: [
      { method: 'GET', path: '/api/items', headers: [['X-Requested-With', 'fetch']] },
      { method: 'GET', path: '/api/report', headers: [['X-Requested-With', 'fetch']] },
    ],
    fix: { scenario: 'override-fixed', applied: `add_header Access-Control-Allow-Origin "${ORIGIN}" always;` },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1'] },
  },
  {
    name: 'nginx-duplicate-app',
    intent: 'duplicate-layers',
    misconfig: 'add_header Access-Control-Allow-Origin $http_origin always; in front of an app that sends its own',
    scenario: 'duplicate',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'duplicate-fixed', applied: 'proxy_hide_header Access-Control-Allow-Origin;' },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1'] },
  },
  {
    name: 'nginx-static-options',
    intent: 'preflight-unhandled',
    misconfig: `location /data/ { add_header Access-Control-Allow-Origin "${ORIGIN}"; }  (static files: nginx answers OPTIONS 405)`,
    scenario: 'static',
    calls: [{ method: 'GET', path: '/data/items.json', headers: [['X-Requested-With', 'XMLHttpRequest']] }],
    fix: {
      scenario: 'static-fixed',
      applied: STATIC_PREFLIGHT,
    },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1', '<center>nginx/1.22.1</center>'] },
  },
  {
    name: 'nginx-location-slash-redirect',
    intent: 'redirect-before-cors',
    misconfig: 'location /api/items/ { ... proxy_pass ...; }  (nginx answers /api/items with a 301 to /api/items/, before any add_header or if runs)',
    scenario: 'slash',
    calls: [{ method: 'POST', path: '/api/items', headers: json, body: '{"name":"third"}' }],
    fix: { scenario: 'slash-fixed', applied: 'location /api/items {' },
    expected: { stack: 'nginx', evidence: ['Server: nginx/1.22.1', '<center>nginx/1.22.1</center>'] },
  },
];
