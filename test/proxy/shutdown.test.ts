/** close(): stop accepting, let what is in flight finish, and never wait longer than the bound. */
import { expect, it } from 'vitest';
import { corsHeaders, send, startProxy, startUpstream } from './helpers.js';

it('an exchange in flight when close() is called still completes', async () => {
  const upstream = await startUpstream((req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*' });
      res.end('late but whole');
    }, 300);
  });
  const proxy = await startProxy(upstream.origin);
  const inFlight = send(proxy.port, { path: '/slow', headers: corsHeaders('http://localhost:5173') });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const closed = proxy.close();
  const reply = await inFlight;
  expect(reply.status).toBe(200);
  expect(reply.body.toString()).toBe('late but whole');
  await closed;
  await expect(send(proxy.port, { path: '/' })).rejects.toThrow(/ECONNREFUSED/);
  await upstream.close();
});

it('a response that never ends is cut at closeTimeoutMs', async () => {
  const upstream = await startUpstream((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('data: 1\n\n');
  });
  const proxy = await startProxy(upstream.origin, { closeTimeoutMs: 200 });
  const stream = send(proxy.port, { path: '/events' }).catch((err: Error) => err);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await proxy.close();
  expect(Date.now() - started).toBeLessThan(1_500);
  expect(await stream).toBeInstanceOf(Error);
  await upstream.close();
});
