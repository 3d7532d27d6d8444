/**
 * Bodies stream through corscope both ways, byte for byte (memory: test/cli/memory.test.ts).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { corsHeaders, startProxy, startUpstream, type Proxy, type Upstream } from './helpers.js';

const SIZE = 20 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** Deterministic pseudo-random bytes, generated chunk by chunk (never whole). */
function* bytes(seed: number, total: number): Generator<Buffer> {
  let state = seed >>> 0;
  for (let sent = 0; sent < total; sent += CHUNK) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, total - sent));
    for (let i = 0; i < chunk.length; i += 4) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      chunk.writeUInt32LE(state, i);
    }
    yield chunk;
  }
}

function sha256Of(seed: number, total: number): string {
  const hash = createHash('sha256');
  for (const chunk of bytes(seed, total)) hash.update(chunk);
  return hash.digest('hex');
}

let upstream: Upstream;
let proxy: Proxy;

beforeAll(async () => {
  upstream = await startUpstream(async (req, res) => {
    if (req.method === 'POST') {
      const hash = createHash('sha256');
      let length = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        hash.update(chunk);
        length += chunk.length;
      }
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ sha256: hash.digest('hex'), length }));
      return;
    }
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/octet-stream' });
    await pipeline(Readable.from(bytes(7, SIZE)), res);
  });
  proxy = await startProxy(upstream.origin);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

function request(method: string, body?: Readable): Promise<{ sha256: string; length: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = corsHeaders('http://localhost:5173', method === 'POST' ? [['Content-Type', 'application/octet-stream']] : []);
    const flat = [['Host', `localhost:${proxy.port}`], ...headers].flat();
    const req = http.request({ host: '127.0.0.1', port: proxy.port, method, path: '/blob', headers: flat, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      const hash = createHash('sha256');
      let length = 0;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        length += chunk.length;
        if (length < 1024) text += chunk.toString();
      });
      res.on('end', () => resolve({ sha256: hash.digest('hex'), length, text }));
      res.on('error', reject);
    });
    if (body) body.pipe(req);
    else req.end();
  });
}

it('a 20 MB upload arrives intact (chunked, streamed)', async () => {
  const reply = await request('POST', Readable.from(bytes(3, SIZE)));
  expect(JSON.parse(reply.text)).toEqual({ sha256: sha256Of(3, SIZE), length: SIZE });
});

it('a 20 MB download arrives intact, and the record is written at the head, not after the body', async () => {
  const before = proxy.records.length;
  const reply = await request('GET');
  expect(reply.length).toBe(SIZE);
  expect(reply.sha256).toBe(sha256Of(7, SIZE));
  expect(proxy.records.length).toBe(before + 1);
  expect(proxy.records.at(-1)).toMatchObject({ status: 200, method: 'GET' });
});
