// A bare http-proxy-3 pass-through, no judging, no logging: the baseline corscope is built on.
// argv: <target> <keepalive|close>. Without an agent http-proxy-3 opens a new upstream connection
// per request (and sends Connection: close), as http-proxy always did.
import http from 'node:http';
import { createProxyServer } from 'http-proxy-3';

const [target, mode] = process.argv.slice(2);
const agent = mode === 'keepalive' ? new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 32, scheduling: 'lifo' }) : undefined;
const proxy = createProxyServer({ target, changeOrigin: true, ...(agent ? { agent } : {}) });
proxy.on('error', (err, req, res) => {
  if ('writeHead' in res && !res.headersSent) {
    res.writeHead(502);
    res.end();
  } else res.destroy();
});
const server = http.createServer((req, res) => proxy.web(req, res));
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
