// The floor: the least a Node proxy can do per request, with no http-proxy-3 and no judging. Node's
// http server, `http.request` on the same keep-alive agent as corscope (64 sockets, LIFO), the
// response head copied from rawHeaders without hop-by-hop lines, bodies piped both ways. Measures
// what http-proxy-3's own passes cost, so the distance from corscope to the bare proxies can be
// split into "http-proxy-3" and "corscope's work". argv: <target>.
import http from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding']);
const target = new URL(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 32, scheduling: 'lifo' });

const server = http.createServer((req, res) => {
  const headers = { ...req.headers, host: target.host };
  delete headers.connection;
  delete headers['keep-alive'];
  const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent });
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502).end();
  });
  upstream.on('response', (response) => {
    const raw = response.rawHeaders;
    const head = [];
    for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i].toLowerCase())) head.push(raw[i], raw[i + 1]);
    res.writeHead(response.statusCode ?? 502, head);
    response.pipe(res);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
