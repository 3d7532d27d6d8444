/**
 * Issue 17, live: a "remote" target (HTTPS, self-signed, its own host name and a base path) sets
 * the session cookie the way a shared staging API does, `Domain=<its host>; Path=/v1; Secure;
 * SameSite=None`. Through corscope the browser talks to `localhost`, so Chrome refuses that Domain
 * and the session never sticks, only because corscope is in between. With the rewrite (the
 * default) the cookie set through corscope is sent on the next credentialed call; without it
 * (`cookieRewrite: false`) it is not, and the record says why Chrome refused it.
 * test/fixtures/chrome-cookies.json has Chrome's cookie rules case by case (test/browser/cookies/).
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCorscope, type CorscopeServer, type ExchangeRecord } from '../../src/index.js';
import { describeRecords } from './harness/corscope.js';
import { chromiumOrReport, useBrowser } from './harness/suite.js';

const tls = { key: readFileSync(new URL('../proxy/tls/key.pem', import.meta.url)), cert: readFileSync(new URL('../proxy/tls/cert.pem', import.meta.url)) };

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const chromium = chromiumOrReport();

if (chromium) {
  const browser = useBrowser(chromium);
  let page = '';
  let pageServer: http.Server;
  let api: https.Server;
  let target = '';
  /** The Cookie header each `/v1/me` call brought to the target. */
  const seenCookies: (string | undefined)[] = [];

  beforeAll(async () => {
    pageServer = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>remote API</title>');
    });
    page = `http://localhost:${await listen(pageServer)}`;
    api = https.createServer(tls, (req, res) => {
      req.resume();
      const cors = ['Access-Control-Allow-Origin', page, 'Access-Control-Allow-Credentials', 'true', 'Vary', 'Origin'];
      if (req.url === '/v1/login') {
        // What a staging API behind its own domain sends (here its host is 127.0.0.1).
        res.writeHead(200, [...cors, 'Set-Cookie', 'sid=s3cr3t; Domain=127.0.0.1; Path=/v1; Secure; HttpOnly; SameSite=None', 'Content-Type', 'application/json']);
        res.end('{"signedIn":true}');
        return;
      }
      if (req.url === '/v1/me') seenCookies.push(req.headers.cookie);
      res.writeHead(200, [...cors, 'Content-Type', 'application/json']);
      res.end('{}');
    });
    target = `https://127.0.0.1:${await listen(api)}/v1`;
  });
  afterAll(async () => {
    await Promise.all([pageServer && close(pageServer), api && close(api)]);
  });

  /** Signs in through corscope, then asks who is signed in; what the target saw and what corscope logged. */
  async function signIn(cookieRewrite: boolean): Promise<{ cookie: string | undefined; records: ExchangeRecord[] }> {
    const records: ExchangeRecord[] = [];
    const corscope: CorscopeServer = createCorscope({ target, port: 0, insecure: true, cookieRewrite, closeTimeoutMs: 500 });
    corscope.on('exchange', (r) => records.push(r));
    await corscope.listen();
    const front = `http://localhost:${corscope.port}`;
    const context = await browser().newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(page);
      seenCookies.length = 0;
      await tab.evaluate(async (base) => {
        await fetch(`${base}/login`, { method: 'POST', credentials: 'include' });
        await fetch(`${base}/me`, { credentials: 'include' });
      }, front);
      return { cookie: seenCookies[0], records };
    } finally {
      await context.close();
      await corscope.close();
    }
  }

  describe(`Chromium ${chromium.version}: the session cookie of a remote HTTPS target, through corscope`, () => {
    it('rewritten (the default): Chrome keeps the cookie set through corscope and sends it on the next credentialed call', async () => {
      const { cookie, records } = await signIn(true);
      const login = records.find((r) => r.url.endsWith('/login'));
      expect(cookie, describeRecords(records)).toBe('sid=s3cr3t');
      expect(login?.cookies).toEqual([{ name: 'sid', domain: { from: '127.0.0.1', to: null }, path: { from: '/v1', to: '/' } }]);
      expect(JSON.stringify(login)).not.toContain('s3cr3t');
    });

    it('left as sent (--no-cookie-rewrite): Chrome refuses it, the next call goes without it, and the record says why', async () => {
      const { cookie, records } = await signIn(false);
      const login = records.find((r) => r.url.endsWith('/login'));
      expect(cookie, describeRecords(records)).toBeUndefined();
      expect(login?.cookies?.[0]).toMatchObject({ name: 'sid', rejected: { code: 'InvalidDomain' } });
    });
  });
}
