/**
 * Bodies stream through the real corscope process without being held: once warm, its peak resident
 * memory (Linux VmHWM) does not grow with what passes through.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startUpstream } from '../proxy/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/corscope.js', import.meta.url));
const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 7);

function peakKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM'))!;
  return Number(/(\d+)/.exec(line)![1]);
}

/** Writes `size` bytes into `sink`, honouring back-pressure, then ends it. */
function pump(sink: NodeJS.WritableStream, size: number): void {
  let sent = 0;
  const more = (): void => {
    while (sent < size) {
      sent += CHUNK.length;
      if (!sink.write(CHUNK)) return void sink.once('drain', more);
    }
    sink.end();
  };
  more();
}

function sha256Of(size: number): string {
  const hash = createHash('sha256');
  for (let sent = 0; sent < size; sent += CHUNK.length) hash.update(CHUNK);
  return hash.digest('hex');
}

it.skipIf(!existsSync('/proc/self/status'))('128 MB each way through the corscope process: peak RSS does not grow with it', async () => {
  const upstream = await startUpstream((req, res) => {
    const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'));
    if (req.method === 'POST') {
      let length = 0;
      req.on('data', (c: Buffer) => (length += c.length));
      req.on('end', () => res.end(String(length)));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    pump(res, size);
  });
  const child = spawn(process.execPath, [bin, '--target', upstream.origin, '--port', '0', '--log-format', 'json'], { cwd: root });
  const headers = (port: number) => ({ Host: `localhost:${port}`, Origin: 'http://localhost:5173' });
  const upload = (port: number, size: number) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/up?size=${size}`, headers: headers(port) });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(Number(text)));
      });
      pump(req, size);
    });
  const download = (port: number, size: number) =>
    new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: `/down?size=${size}`, headers: headers(port) }, (res) => {
          const hash = createHash('sha256');
          res.on('data', (c: Buffer) => hash.update(c));
          res.on('end', () => resolve(hash.digest('hex')));
        })
        .on('error', reject);
    });
  try {
    const start = await new Promise<{ frontend: string }>((resolve) => createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l))));
    const port = Number(new URL(start.frontend).port);
    // Warm up: code paths compiled, socket buffers and pools at their working size.
    expect(await upload(port, 16 * MiB)).toBe(16 * MiB);
    expect(await download(port, 16 * MiB)).toBe(sha256Of(16 * MiB));
    const warm = peakKiB(child.pid!);
    expect(await upload(port, 128 * MiB)).toBe(128 * MiB);
    expect(await download(port, 128 * MiB)).toBe(sha256Of(128 * MiB));
    const peak = peakKiB(child.pid!);
    // Buffering would add 128 MiB; what remains is socket buffers and GC timing, which vary with
    // the machine's load (a CI run beside the Chromium suite saw 16.8 MiB). Issue 7's bound: 120 MB.
    expect((peak - warm) / 1024).toBeLessThan(32);
    expect(peak / 1024).toBeLessThan(120);
  } finally {
    child.kill('SIGTERM');
    await upstream.close();
  }
});
