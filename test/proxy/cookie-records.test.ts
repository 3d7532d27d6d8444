/**
 * The record's `cookies` field through a real corscope (issue 17): what was rewritten, what Chrome
 * refuses anyway, at which level it is logged and how the terminal shows it. Chrome's rules are
 * test/cookies/cookies.test.ts (from test/fixtures/chrome-cookies.json); the live proof is
 * test/browser/remote-cookies.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createPrettyStream } from '../../src/log/pretty.js';
import type { HeaderLine } from '../../src/cors/types.js';
import { send, startProxy, startUpstream, writeRaw, type Proxy, type Upstream } from './helpers.js';

const PAGE = 'http://localhost:5173';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function answering(setCookie: string[], base = ''): Promise<{ proxy: Proxy; upstream: Upstream; lines: Record<string, unknown>[] }> {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    writeRaw(res, 200, [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true'], ...setCookie.map((v): HeaderLine => ['Set-Cookie', v])], '{}');
  });
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const proxy = await startProxy(upstream.origin + base, { logger });
  cleanup.push(() => upstream.close(), () => proxy.close());
  return { proxy, upstream, lines };
}

const call = (proxy: Proxy, path = '/login') => send(proxy.port, { method: 'POST', path, headers: [['Origin', PAGE], ['Sec-Fetch-Mode', 'cors'], ['Sec-Fetch-Site', 'same-site'], ['Cookie', 'old=1']] });
const setCookies = (headers: readonly HeaderLine[]) => headers.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);

describe('cookies in the record', () => {
  it('a Domain naming the target host and a Path under its base path are rewritten, byte for byte otherwise; the record names the cookie, never its value', async () => {
    const { proxy } = await answering(['sid=v4lue; Domain=127.0.0.1; Path=/v1/auth; HttpOnly', 'theme=dark; Path=/'], '/v1');
    const reply = await call(proxy);
    expect(setCookies(reply.headers)).toEqual(['sid=v4lue; Path=/auth; HttpOnly', 'theme=dark; Path=/']);
    expect(proxy.records[0]!.cookies).toEqual([{ name: 'sid', domain: { from: '127.0.0.1', to: null }, path: { from: '/v1/auth', to: '/auth' } }]);
    expect(JSON.stringify(proxy.records[0])).not.toContain('v4lue');
  });

  it("a cookie Chrome refuses anyway (SameSite=None without Secure) makes an allowed exchange a warning, said in msg and on the terminal", async () => {
    const { proxy, lines } = await answering(['sid=1; SameSite=None']);
    await call(proxy);
    const record = proxy.records[0]!;
    expect(record.verdict).toBe('allowed');
    expect(record.cookies).toEqual([{ name: 'sid', rejected: expect.objectContaining({ code: 'SameSiteNoneInsecure' }) }]);
    const logged = lines.find((l) => l.event === 'cors')!;
    expect(logged.level).toBe(40);
    expect(record.msg).toMatch(/; Chrome refuses its cookie sid: /);
    let text = '';
    createPrettyStream({ write: (t: string) => (text += t) }, { colors: false }).write(JSON.stringify(logged));
    expect(text).toMatch(/\n {2}cookie {2}sid: Chrome refuses it \(SameSiteNoneInsecure\): /);
  });

  it('the same answer again (from the judgment cache) carries the same cookies field', async () => {
    const { proxy } = await answering(['sid=1; Domain=127.0.0.1']);
    for (let i = 0; i < 3; i++) await call(proxy);
    expect(proxy.records.map((r) => r.cookies)).toEqual(Array(3).fill([{ name: 'sid', domain: { from: '127.0.0.1', to: null } }]));
  });

  it('--no-cookie-rewrite: forwarded as sent, and the record says Chrome refuses the Domain', async () => {
    const upstream = await startUpstream((req, res) => {
      req.resume();
      writeRaw(res, 200, [['Access-Control-Allow-Origin', PAGE], ['Set-Cookie', 'sid=1; Domain=127.0.0.1']], '{}');
    });
    const proxy = await startProxy(upstream.origin, { cookieRewrite: false });
    cleanup.push(() => upstream.close(), () => proxy.close());
    const reply = await call(proxy);
    expect(setCookies(reply.headers)).toEqual(['sid=1; Domain=127.0.0.1']);
    expect(proxy.records[0]!.cookies).toEqual([{ name: 'sid', rejected: expect.objectContaining({ code: 'InvalidDomain' }) }]);
  });

  it('an answer without Set-Cookie has no cookies field', async () => {
    const { proxy } = await answering([]);
    await call(proxy);
    expect(proxy.records[0]).not.toHaveProperty('cookies');
  });
});
