/**
 * Go: net/http with rs/cors 1.7, hand-written CORS headers, and gin 1.8 (Debian 12's packages:
 * golang-go 1.19, golang-github-rs-cors-dev, golang-github-gin-gonic-gin-dev). The server (main.go)
 * is built once per recording into a temp dir, offline, in GOPATH mode against /usr/share/gocode.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const stack = 'go';

let binary;
function build() {
  if (binary) return binary;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corscope-go-'));
  const out = path.join(dir, 'server');
  const r = spawnSync('go', ['build', '-o', out, '.'], {
    cwd: here,
    encoding: 'utf8',
    env: { ...process.env, GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOFLAGS: '', GOCACHE: path.join(os.tmpdir(), 'corscope-go-cache') },
  });
  if (r.status !== 0) throw new Error(`go build failed:\n${r.stderr}`);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  binary = out;
  return binary;
}

function version(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.stdout.trim();
}

export async function describe() {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim().split(' ')[2];
  return `Go ${go.replace(/^go/, '')} net/http, rs/cors ${version('golang-github-rs-cors-dev')}, gin ${version('golang-github-gin-gonic-gin-dev')} (Debian 12)`;
}

export function command(scenario, port) {
  // The .env value copied with the trailing slash, for the hand-origin-env scenario.
  return { cmd: build(), args: [scenario, String(port)], env: { FRONTEND_URL: 'http://localhost:5173/' } };
}

const json = [['Content-Type', 'application/json']];

export const cases = [
  {
    name: 'go-no-cors',
    intent: 'no-cors',
    misconfig: 'http.ListenAndServe(addr, mux) with no CORS handling at all',
    scenario: 'plain',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'rs-local', applied: 'cors.New(cors.Options{AllowedOrigins: []string{"http://localhost:5173"}}).Handler(mux)' },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'go-rs-origin-127',
    intent: 'origin-not-allowed',
    misconfig: 'cors.Options{AllowedOrigins: []string{"http://127.0.0.1:5173"}, AllowedMethods: []string{http.MethodGet, http.MethodPut}}, page opened on localhost',
    scenario: 'rs-origin-127',
    calls: [
      { method: 'GET', path: '/api/items', page: 'http://127.0.0.1:5173' },
      { method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"renamed"}' },
    ],
    fix: { scenario: 'rs-origin-127-fixed', applied: 'add "http://localhost:5173" to AllowedOrigins' },
    expected: { stack: 'go', evidence: ["Vary: Origin, Vary: Access-Control-Request-Method, Vary: Access-Control-Request-Headers as three lines, in net/http's sorted order, is rs/cors' preflight answer", "200 with those Vary lines and no Access-Control-* header is how rs/cors refuses a preflight (origin, method or headers not allowed)", "header lines sorted by name with Date and Content-Length after them, as net/http writes them"] },
  },
  {
    name: 'go-rs-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: 'cors.Options{AllowCredentials: true} with AllowedOrigins left empty (rs/cors then allows all origins and sends *)',
    scenario: 'rs-credentials-default-origins',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'rs-credentials-local', applied: 'cors.Options{AllowedOrigins: []string{"http://localhost:5173"}, AllowCredentials: true}' },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'go-rs-methods-default',
    intent: 'method-not-allowed',
    misconfig: 'cors.Options{AllowedOrigins: ...} without AllowedMethods: the default is GET, POST, HEAD',
    scenario: 'rs-methods-default',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'DELETE', path: '/api/items/1' },
    ],
    fix: { scenario: 'rs-methods-delete', applied: 'AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodDelete}' },
    expected: { stack: 'go', evidence: ["Vary: Origin, Vary: Access-Control-Request-Method, Vary: Access-Control-Request-Headers as three lines, in net/http's sorted order, is rs/cors' preflight answer", "200 with those Vary lines and no Access-Control-* header is how rs/cors refuses a preflight (origin, method or headers not allowed)", "header lines sorted by name with Date and Content-Length after them, as net/http writes them"] },
  },
  {
    name: 'go-rs-headers-default',
    intent: 'header-not-allowed',
    misconfig: 'cors.Options without AllowedHeaders: the default is Origin, Accept, Content-Type, X-Requested-With (no Authorization)',
    scenario: 'rs-headers-default',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'PUT', path: '/api/items/1', headers: [...json, ['Authorization', 'Bearer recorded-token']], body: '{}' },
    ],
    fix: { scenario: 'rs-headers-authorization', applied: 'AllowedHeaders: []string{"Accept", "Content-Type", "X-Requested-With", "Authorization"}' },
    expected: { stack: 'go', evidence: ["Vary: Origin, Vary: Access-Control-Request-Method, Vary: Access-Control-Request-Headers as three lines, in net/http's sorted order, is rs/cors' preflight answer", "200 with those Vary lines and no Access-Control-* header is how rs/cors refuses a preflight (origin, method or headers not allowed)", "header lines sorted by name with Date and Content-Length after them, as net/http writes them"] },
  },
  {
    name: 'go-rs-auth-before-cors',
    intent: 'auth-before-cors',
    misconfig: 'auth(c.Handler(mux)): the bearer-token check wraps rs/cors and refuses the preflight, which carries no Authorization',
    scenario: 'rs-auth-outside',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', 'Bearer recorded-token']] }],
    fix: { scenario: 'rs-auth-inside', applied: 'c.Handler(auth(mux))' },
    expected: { stack: 'go', evidence: ["401 \"Unauthorized\" (text/plain; charset=utf-8, X-Content-Type-Options: nosniff, one line) is net/http's http.Error", "header lines sorted by name with Date and Content-Length after them, as net/http writes them"] },
  },
  {
    name: 'go-rs-timeout-without-cors',
    intent: 'error-without-cors',
    misconfig: 'http.TimeoutHandler(c.Handler(mux), time.Second, "timeout"): its 503 is written outside rs/cors, whose headers went to the discarded timeout writer',
    scenario: 'rs-timeout-outside',
    calls: [{ method: 'GET', path: '/api/report' }],
    fix: { scenario: 'rs-timeout-inside', applied: 'c.Handler(http.TimeoutHandler(mux, timeout, msg))' },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'go-mux-redirect-slash',
    intent: 'redirect-before-cors',
    misconfig: 'mux.Handle("/api/items/", c.Handler(items)): rs/cors wraps the handler, so ServeMux\'s 301 from /api/items to /api/items/ has no CORS headers',
    scenario: 'rs-per-route',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'rs-whole-mux', applied: 'c.Handler(mux)' },
    expected: { stack: 'go', evidence: ["301 body \"<a href=\"/api/items/\">Moved Permanently</a>.\" is net/http's http.Redirect", "header lines sorted by name with Date and Content-Length after them, as net/http writes them"] },
  },
  {
    name: 'go-rs-plus-handler-add',
    intent: 'duplicate-layers',
    misconfig: 'rs/cors on the mux, and the handler also does w.Header().Add("Access-Control-Allow-Origin", "*")',
    scenario: 'rs-plus-handler-add',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'rs-handler-add-removed', applied: 'delete the handler\'s own w.Header().Add("Access-Control-Allow-Origin", ...)' },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'go-hand-method-check',
    intent: 'preflight-unhandled',
    misconfig: 'a net/http handler sets CORS headers itself, after `if r.Method != http.MethodPut { http.Error(w, "method not allowed", 405) }`',
    scenario: 'hand-method-check',
    calls: [{ method: 'PUT', path: '/api/items/1', headers: json, body: '{}' }],
    fix: {
      scenario: 'hand-options-answered',
      applied: [
        'if r.Method == http.MethodOptions {',
        '\tw.Header().Set("Access-Control-Allow-Origin", "http://localhost:5173")',
        '\tw.Header().Set("Access-Control-Allow-Methods", "PUT")',
        '\tw.Header().Set("Access-Control-Allow-Headers", "Content-Type")',
        '\tw.WriteHeader(http.StatusNoContent)',
        '\treturn',
        '}',
      ].join('\n'),
    },
    expected: { stack: 'go', evidence: ["405 \"method not allowed\" (text/plain; charset=utf-8, X-Content-Type-Options: nosniff, one line) is net/http's http.Error", "header lines sorted by name with Date and Content-Length after them, as net/http writes them"] },
  },
  {
    name: 'go-gin-group-cors',
    intent: 'preflight-unhandled',
    misconfig: 'gin: api := r.Group("/api"); api.Use(CORSMiddleware()): group middleware never runs for an OPTIONS that matches no route, so gin answers it 404',
    scenario: 'gin-group-cors',
    calls: [{ method: 'PUT', path: '/api/items/1', headers: json, body: '{}', credentials: 'include' }],
    fix: { scenario: 'gin-engine-cors', applied: 'r.Use(CORSMiddleware())' },
    expected: { stack: 'go', evidence: ["404 \"404 page not found\" (Content-Type: text/plain) is gin's default answer for an unrouted request", "header lines sorted by name with Date and Content-Length after them, as net/http writes them"] },
  },
  {
    name: 'go-hand-no-options-return',
    intent: 'preflight-status',
    misconfig: 'a hand-written CORS middleware sets the headers and calls next for OPTIONS too, and the handler answers it 405',
    scenario: 'hand-no-options-return',
    calls: [{ method: 'PUT', path: '/api/items/1', headers: json, body: '{}' }],
    fix: {
      scenario: 'hand-options-return',
      applied: 'if r.Method == http.MethodOptions {\n\tw.WriteHeader(http.StatusNoContent)\n\treturn\n}',
    },
    expected: { stack: 'go', evidence: ["405 \"method not allowed\" (text/plain; charset=utf-8, X-Content-Type-Options: nosniff, one line) is net/http's http.Error", "header lines sorted by name with Date and Content-Length after them, as net/http writes them"] },
  },
  {
    name: 'go-hand-origin-fixed',
    intent: 'origin-fixed-other',
    misconfig: 'w.Header().Set("Access-Control-Allow-Origin", "http://localhost:3000"), copied from a tutorial',
    scenario: 'hand-origin-3000',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'hand-options-return', applied: 'w.Header().Set("Access-Control-Allow-Origin", "http://localhost:5173")' },
    expected: { stack: null, evidence: [] },
  },
  {
    name: 'go-hand-origin-slash',
    intent: 'origin-malformed',
    misconfig: 'w.Header().Set("Access-Control-Allow-Origin", os.Getenv("FRONTEND_URL")) with FRONTEND_URL=http://localhost:5173/',
    scenario: 'hand-origin-env',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'hand-options-return', applied: 'w.Header().Set("Access-Control-Allow-Origin", "http://localhost:5173")' },
    expected: { stack: null, evidence: [] },
  },
];
