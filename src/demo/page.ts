/**
 * The demo's page, served from its own origin: one button per API route, calling it through
 * corscope the way a frontend would, so Chrome's console and corscope's log tell the same story.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoRoute } from './api.js';

/** Where the page reaches each demo API through corscope (a string: the main API only). */
export type DemoProxyUrls = string | { readonly main: string; readonly auth?: string };

export function demoPageHandler(proxy: DemoProxyUrls, routes: readonly DemoRoute[], patch: boolean, inspectorUrl?: string): (req: IncomingMessage, res: ServerResponse) => void {
  const urls = typeof proxy === 'string' ? { main: proxy } : proxy;
  const html = renderPage(urls, routes.filter((r) => r.api !== 'auth' || urls.auth), patch, inspectorUrl);
  return (req, res) => {
    req.resume();
    if ((req.url ?? '/').split('?')[0] !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html);
  };
}

function renderPage(urls: { readonly main: string; readonly auth?: string }, routes: readonly DemoRoute[], patch: boolean, inspectorUrl: string | undefined): string {
  const proxyUrl = urls.main;
  const config = JSON.stringify({ api: proxyUrl, auth: urls.auth ?? null, routes: routes.map(({ path, api, call, xhr }) => ({ path, api: api ?? 'main', call, xhr: Boolean(xhr) })) });
  const rows = routes
    .map(
      (r) => `<tr>
  <td><strong>${escape(r.title)}</strong><br><small>${escape(r.call.method)} ${escape(r.path)}${r.call.credentials ? ' · with credentials' : ''}${r.call.headers ? ` · ${escape(Object.keys(r.call.headers).join(', '))}` : ''}</small><br><small class="why">${escape(r.mistake)}</small></td>
  <td><button data-path="${escape(r.path)}" data-api="fetch">fetch()</button>${r.xhr ? ` <button data-path="${escape(r.path)}" data-api="xhr">XMLHttpRequest</button>` : ''}</td>
  <td class="result" id="result-${escape(r.path.slice(1))}">–</td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>corscope demo</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  table { border-collapse: collapse; width: 100%; }
  td { border-top: 1px solid #ddd; padding: .6rem .4rem; vertical-align: top; }
  .why { color: #666; }
  .ok { color: #0a7a2f; } .blocked { color: #b3261e; }
  code { background: #f3f3f3; padding: 0 .25rem; }
  button { margin: .1rem 0; }
</style>
</head>
<body>
<h1>corscope demo</h1>
<p>This page (origin <code id="page-origin"></code>) calls an API through corscope at <code>${escape(proxyUrl)}</code>${urls.auth ? `, and its auth server (another origin) through the same corscope at <code>${escape(urls.auth)}</code>` : ''}.
Open DevTools (Console) and press the buttons: each blocked call prints Chrome's CORS error there, and corscope prints
the same line in its terminal, with the cause and the fix.${patch ? ' <strong>Patch mode is on:</strong> the calls succeed, and the log still says what the API got wrong.' : ''}</p>
${inspectorUrl ? `<p>Or watch every exchange live in <a href="${escape(inspectorUrl)}" target="_blank" rel="noopener">corscope's inspector</a>: open one to see Chrome's line, the fix, and the request and response headers side by side.</p>` : ''}
<p><small>fetch() and XMLHttpRequest look the same on the wire, so corscope's terminal shows the fetch() wording;
the XMLHttpRequest wording is in each record's <code>chrome.variants.xhr</code> (or start the demo with <code>--initiator xhr</code>).</small></p>
<p><button id="all">Run every fetch()</button></p>
<table>
${rows}
</table>
<script>
const config = ${config.replace(/</g, '\\u003c')};
document.getElementById('page-origin').textContent = location.origin;
const routes = new Map(config.routes.map((r) => [r.path, r]));
const base = (route) => (route.api === 'auth' ? config.auth : config.api);
function show(path, ok, text) {
  const cell = document.getElementById('result-' + path.slice(1));
  cell.className = 'result ' + (ok ? 'ok' : 'blocked');
  cell.textContent = text;
}
async function viaFetch(route) {
  const { method, headers, credentials, body } = route.call;
  try {
    const res = await fetch(base(route) + route.path, { method, headers, body, credentials: credentials ? 'include' : 'same-origin' });
    show(route.path, true, 'fetch: ' + res.status + ' ' + res.statusText);
  } catch (err) {
    show(route.path, false, 'fetch: ' + err.name + ': ' + err.message + ' (see the console and corscope\\'s log)');
  }
}
function viaXhr(route) {
  const { method, headers, credentials, body } = route.call;
  const xhr = new XMLHttpRequest();
  xhr.open(method, base(route) + route.path);
  xhr.withCredentials = Boolean(credentials);
  for (const [name, value] of Object.entries(headers || {})) xhr.setRequestHeader(name, value);
  xhr.onload = () => show(route.path, true, 'XHR: ' + xhr.status);
  xhr.onerror = () => show(route.path, false, 'XHR: network error (see the console and corscope\\'s log)');
  xhr.send(body ?? null);
}
document.querySelectorAll('button[data-path]').forEach((button) => {
  button.addEventListener('click', () => {
    const route = routes.get(button.dataset.path);
    if (button.dataset.api === 'xhr') viaXhr(route); else viaFetch(route);
  });
});
document.getElementById('all').addEventListener('click', async () => {
  for (const route of config.routes) await viaFetch(route);
});
</script>
</body>
</html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
