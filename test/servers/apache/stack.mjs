/**
 * Apache httpd 2.4 (mod_proxy, mod_headers, mod_rewrite, mod_setenvif) in front of the same small
 * JSON app as nginx (../nginx/behind.mjs). One httpd.conf per scenario, run in the foreground
 * (`apache2 -f <tmp>/httpd.conf -DFOREGROUND`), nothing of the system's Apache config used.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startBehind, tempDir, UPSTREAM_PORT } from '../nginx/behind.mjs';

export const stack = 'apache';

export async function describe() {
  const r = spawnSync('apache2', ['-v'], { encoding: 'utf8' });
  const version = /Server version: (.*)/.exec(r.stdout)?.[1] ?? 'Apache httpd';
  return `${version}, mod_proxy_http + mod_headers (Debian 12) in front of a Node http app`;
}

const ORIGIN = 'http://localhost:5173';
const APP = `http://127.0.0.1:${UPSTREAM_PORT}`;
const PROXY = `ProxyPass /api/ ${APP}/api/\nProxyPassReverse /api/ ${APP}/api/`;

// The much-copied "answer OPTIONS with 200 from mod_rewrite" recipe.
const OPTIONS_200 = 'RewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^(.*)$ $1 [R=200,L]';
// What corscope's fix writes for an unanswered preflight, as it writes it.
const OPTIONS_204 = 'RewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^ - [R=204,L]';

/** Each scenario: the lines of the main server config, and how the app behind runs. */
const scenarios = {
  plain: { conf: PROXY },
  'acao-fixed': { conf: `Header always set Access-Control-Allow-Origin "${ORIGIN}"\n${PROXY}` },
  'acao-other': { conf: `Header always set Access-Control-Allow-Origin "http://localhost:3000"\n${PROXY}` },
  'setenvif-127': {
    conf: `SetEnvIf Origin "^http://127\\.0\\.0\\.1:5173$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
Header always set Access-Control-Allow-Credentials "true"
Header always merge Vary Origin
${PROXY}`,
  },
  'setenvif-fixed': {
    conf: `SetEnvIf Origin "^http://127\\.0\\.0\\.1:5173$" CORS_ORIGIN=$0
SetEnvIf Origin "^http://localhost:5173$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
Header always set Access-Control-Allow-Credentials "true"
Header always merge Vary Origin
${PROXY}`,
  },
  wildcard: { conf: `Header always set Access-Control-Allow-Origin "*"\n${PROXY}` },
  'credentials-fixed': {
    conf: `Header always set Access-Control-Allow-Origin "${ORIGIN}"\nHeader always set Access-Control-Allow-Credentials "true"\n${PROXY}`,
  },
  'rewrite-methods': {
    conf: `Header always set Access-Control-Allow-Origin "*"
Header always set Access-Control-Allow-Methods "POST, GET, OPTIONS"
Header always set Access-Control-Allow-Headers "Content-Type"
${OPTIONS_200}
${PROXY}`,
  },
  'rewrite-methods-fixed': {
    conf: `Header always set Access-Control-Allow-Origin "*"
Header always set Access-Control-Allow-Methods "POST, GET, OPTIONS, PATCH"
Header always set Access-Control-Allow-Headers "Content-Type"
${OPTIONS_200}
${PROXY}`,
  },
  'rewrite-onsuccess': {
    conf: `Header set Access-Control-Allow-Origin "${ORIGIN}"
Header set Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS"
Header set Access-Control-Allow-Headers "Content-Type"
${OPTIONS_200}
${PROXY}`,
  },
  'rewrite-always': {
    conf: `Header always set Access-Control-Allow-Origin "${ORIGIN}"
Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS"
Header always set Access-Control-Allow-Headers "Content-Type"
${OPTIONS_200}
${PROXY}`,
  },
  'proxied-options': {
    conf: `Header set Access-Control-Allow-Origin "${ORIGIN}"
Header set Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS"
Header set Access-Control-Allow-Headers "Content-Type"
${PROXY}`,
  },
  'proxied-options-fixed': {
    conf: `Header always set Access-Control-Allow-Origin "${ORIGIN}"
Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS"
Header always set Access-Control-Allow-Headers "Content-Type"
${OPTIONS_204}
${PROXY}`,
  },
  'auth-basic': {
    upstream: { cors: true },
    conf: `${PROXY}
<Location /api/>
  AuthType Basic
  AuthName "Restricted"
  AuthUserFile htpasswd
  Require valid-user
</Location>`,
  },
  'auth-basic-fixed': {
    upstream: { cors: true },
    conf: `${PROXY}
<Location /api/>
  AuthType Basic
  AuthName "Restricted"
  AuthUserFile htpasswd
  <LimitExcept OPTIONS>
    Require valid-user
  </LimitExcept>
</Location>`,
  },
  // The orders service is down: Apache's own 503 answers for it.
  'service-down': {
    conf: `Header set Access-Control-Allow-Origin "${ORIGIN}"
ProxyPass /api/orders http://127.0.0.1:3009/api/orders
${PROXY}`,
  },
  'service-down-fixed': {
    conf: `Header always set Access-Control-Allow-Origin "${ORIGIN}"
ProxyPass /api/orders http://127.0.0.1:3009/api/orders
${PROXY}`,
  },
  'header-add': { upstream: { cors: true }, conf: `Header add Access-Control-Allow-Origin "${ORIGIN}"\n${PROXY}` },
  'always-set': { upstream: { cors: true }, conf: `Header always set Access-Control-Allow-Origin "${ORIGIN}"\n${PROXY}` },
  'duplicate-fixed': {
    upstream: { cors: true },
    conf: `Header unset Access-Control-Allow-Origin\nHeader always set Access-Control-Allow-Origin "${ORIGIN}"\n${PROXY}`,
  },
  slash: {
    upstream: { cors: true },
    conf: `RewriteEngine On
RewriteCond %{REQUEST_FILENAME} !-f
RewriteRule ^(.*[^/])$ $1/ [R=301,L]
${PROXY}`,
  },
  'slash-fixed': {
    upstream: { cors: true },
    conf: `RewriteEngine On
RewriteCond %{REQUEST_URI} !^/api/
RewriteCond %{REQUEST_FILENAME} !-f
RewriteRule ^(.*[^/])$ $1/ [R=301,L]
${PROXY}`,
  },
};

const MODULES = [
  'mpm_event', 'authz_core', 'authz_user', 'authn_core', 'authn_file', 'auth_basic', 'headers', 'setenvif',
  'rewrite', 'proxy', 'proxy_http', 'alias', 'dir', 'mime',
];

function config(dir, port, s) {
  return `ServerRoot "${dir}"
Listen 127.0.0.1:${port}
ServerName localhost
PidFile ${dir}/httpd.pid
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
ErrorLog ${dir}/error.log
LogLevel error
# Debian's conf-enabled/security.conf defaults: the version and OS in Server and on error pages.
ServerTokens OS
ServerSignature On
User www-data
Group www-data
${MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n')}
StartServers 1
ServerLimit 1
MinSpareThreads 4
MaxSpareThreads 8
ThreadsPerChild 8
MaxRequestWorkers 8
TypesConfig /etc/mime.types
DocumentRoot "${dir}/www"
<Directory "${dir}/www">
  Require all granted
</Directory>
${s.conf}
`;
}

export async function start(scenario, port) {
  const s = scenarios[scenario];
  if (!s) throw new Error(`no apache scenario ${scenario}`);
  const dir = tempDir('apache');
  fs.mkdirSync(path.join(dir, 'www'), { recursive: true });
  fs.chmodSync(dir, 0o755);
  // user:pass, in htpasswd's {SHA} scheme (Apache reads no plain text passwords on Unix).
  fs.writeFileSync(path.join(dir, 'htpasswd'), `user:{SHA}${crypto.createHash('sha1').update('pass').digest('base64')}\n`);
  fs.writeFileSync(path.join(dir, 'httpd.conf'), config(dir, port, s));
  return startBehind({
    dir,
    port,
    upstream: s.upstream ?? {},
    proxy: { cmd: 'apache2', args: ['-f', path.join(dir, 'httpd.conf'), '-DFOREGROUND'], env: { APACHE_RUN_DIR: dir } },
  });
}

const json = [['Content-Type', 'application/json']];
const BASIC = [['Authorization', 'Basic dXNlcjpwYXNz']]; // user:pass

export const cases = [
  {
    name: 'apache-no-cors',
    intent: 'no-cors',
    misconfig: `ProxyPass /api/ ${APP}/api/  (no Header lines, the app does no CORS)`,
    scenario: 'plain',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'acao-fixed', applied: `Header always set Access-Control-Allow-Origin "${ORIGIN}"` },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)'] },
  },
  {
    name: 'apache-origin-fixed-other',
    intent: 'origin-fixed-other',
    misconfig: 'Header always set Access-Control-Allow-Origin "http://localhost:3000"  (the dev server of another front end)',
    scenario: 'acao-other',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'acao-fixed', applied: `Header always set Access-Control-Allow-Origin "${ORIGIN}"` },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)'] },
  },
  {
    name: 'apache-setenvif-127',
    intent: 'origin-not-allowed',
    misconfig: 'SetEnvIf Origin "^http://127\\.0\\.0\\.1:5173$" CORS_ORIGIN=$0 with Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN',
    scenario: 'setenvif-127',
    calls: [
      { method: 'GET', path: '/api/me', credentials: 'include', page: 'http://127.0.0.1:5173' },
      { method: 'GET', path: '/api/me', credentials: 'include' },
    ],
    fix: { scenario: 'setenvif-fixed', applied: 'SetEnvIf Origin "^http://localhost:5173$" CORS_ORIGIN=$0' },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)'] },
  },
  {
    name: 'apache-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: 'Header always set Access-Control-Allow-Origin "*"',
    scenario: 'wildcard',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: {
      scenario: 'credentials-fixed',
      applied: `Header always set Access-Control-Allow-Origin "${ORIGIN}"\nHeader always set Access-Control-Allow-Credentials "true"`,
    },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)'] },
  },
  {
    name: 'apache-rewrite-methods',
    intent: 'method-not-allowed',
    misconfig: 'Header always set Access-Control-Allow-Methods "POST, GET, OPTIONS" with the RewriteRule ^(.*)$ $1 [R=200,L] preflight recipe',
    scenario: 'rewrite-methods',
    calls: [{ method: 'PATCH', path: '/api/items/1', headers: json, body: '{"name":"renamed"}' }],
    fix: { scenario: 'rewrite-methods-fixed', applied: 'Header always set Access-Control-Allow-Methods "POST, GET, OPTIONS, PATCH"' },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)', '<title>200 OK</title>'] },
  },
  {
    name: 'apache-rewrite-200-onsuccess',
    intent: 'preflight-unhandled',
    misconfig: 'Header set (no always) with RewriteRule ^(.*)$ $1 [R=200,L] for OPTIONS: the 200 is an error document Apache writes, which only the always table reaches',
    scenario: 'rewrite-onsuccess',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"renamed"}' },
    ],
    fix: { scenario: 'rewrite-always', applied: `Header always set Access-Control-Allow-Origin "${ORIGIN}"` },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)', '<title>200 OK</title>'] },
  },
  {
    name: 'apache-proxied-options-405',
    intent: 'preflight-status',
    misconfig: 'Header set Access-Control-Allow-* lines, every OPTIONS proxied to an app that answers it 405',
    scenario: 'proxied-options',
    calls: [{ method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"renamed"}' }],
    fix: { scenario: 'proxied-options-fixed', applied: OPTIONS_204 },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)'] },
  },
  {
    name: 'apache-auth-basic-preflight',
    intent: 'auth-before-cors',
    misconfig: '<Location /api/> AuthType Basic ... Require valid-user </Location> in front of an app that answers CORS itself',
    scenario: 'auth-basic',
    calls: [{ method: 'GET', path: '/api/items', headers: BASIC }],
    fix: { scenario: 'auth-basic-fixed', applied: '<LimitExcept OPTIONS>\n    Require valid-user\n  </LimitExcept>' },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)', '<address>Apache/2.4.71 (Debian) Server at localhost Port 8081</address>'] },
  },
  {
    name: 'apache-service-down-503',
    intent: 'error-without-cors',
    misconfig: `Header set Access-Control-Allow-Origin "${ORIGIN}" (no always) while the service behind /api/orders is down: Apache's own 503 page has no CORS header`,
    scenario: 'service-down',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'POST', path: '/api/orders', headers: [['Content-Type', 'text/plain']], body: 'item=1' },
    ],
    fix: { scenario: 'service-down-fixed', applied: `Header always set Access-Control-Allow-Origin "${ORIGIN}"` },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)', '<address>Apache/2.4.71 (Debian) Server at localhost Port 8081</address>'] },
  },
  {
    name: 'apache-header-add-duplicate',
    intent: 'duplicate-layers',
    misconfig: `Header add Access-Control-Allow-Origin "${ORIGIN}" in front of an app that sends its own`,
    scenario: 'header-add',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'duplicate-fixed', applied: 'Header unset Access-Control-Allow-Origin' },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)'] },
  },
  {
    name: 'apache-always-set-duplicate',
    intent: 'duplicate-layers',
    misconfig: `Header always set Access-Control-Allow-Origin "${ORIGIN}" in front of an app that sends its own: always sets the always table, the app's header stays in the other one`,
    scenario: 'always-set',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'duplicate-fixed', applied: 'Header unset Access-Control-Allow-Origin' },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)'] },
  },
  {
    name: 'apache-trailing-slash-redirect',
    intent: 'redirect-before-cors',
    misconfig: 'RewriteRule ^(.*[^/])$ $1/ [R=301,L] (a site-wide trailing-slash rule) in front of an app that answers CORS itself',
    scenario: 'slash',
    calls: [{ method: 'POST', path: '/api/items', headers: json, body: '{"name":"third"}' }],
    fix: { scenario: 'slash-fixed', applied: 'RewriteCond %{REQUEST_URI} !^/api/' },
    expected: { stack: 'apache', evidence: ['Server: Apache/2.4.71 (Debian)', '<address>Apache/2.4.71 (Debian) Server at localhost Port 8081</address>'] },
  },
];
