/**
 * cookiesOf against what Chromium did with each Set-Cookie line (test/fixtures/chrome-cookies.json,
 * recorded by test/browser/cookies/record.mjs), then the rewrite's byte-for-byte promises.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../src/cors/types.js';
import { cookieTargetOf, cookiesOf, requestingOriginOf, isRemoteTarget, type CookieScope } from '../../src/cookies/index.js';

interface RecordedCase {
  readonly id: string;
  readonly what: string;
  readonly profile: 'regular' | 'incognito';
  readonly page: string;
  readonly url: string;
  readonly setCookie: string;
  readonly through?: string;
  readonly served?: string;
  readonly setRequest: HeaderLine[];
  readonly stored: boolean;
  readonly blockedReasons: string[];
  readonly sent: Record<string, string | null>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/chrome-cookies.json', import.meta.url), 'utf8')) as {
  browser: string;
  cases: RecordedCase[];
};

/** Where cookiesOf and Chromium disagree, and why; the list must stay exactly this. */
const DIFFERS: Record<string, string> = {
  'domain-multi-label-suffix': 'co.uk is a public suffix only the public suffix list knows; corscope carries no copy of it',
};

/** Chromium refuses an invalid Partitioned attribute without naming a DevTools reason. */
const UNNAMED_BY_DEVTOOLS = new Set(['InvalidPartitioned']);

const regular = fixture.cases.filter((c) => c.profile === 'regular');
const incognito = fixture.cases.filter((c) => c.profile === 'incognito');

function judged(c: RecordedCase) {
  const target = c.through === undefined ? { targetHost: 'api.staging.example.com', targetBasePath: '' } : cookieTargetOf(c.through);
  const scope: CookieScope = { ...target, browserUrl: c.url };
  const lines: HeaderLine[] = [['Set-Cookie', c.setCookie]];
  return cookiesOf(lines, scope, c.through !== undefined, requestingOriginOf(c.setRequest));
}

describe(`cookiesOf judges as ${fixture.browser} stores`, () => {
  it('covers the recording', () => {
    expect(regular.length).toBeGreaterThanOrEqual(70);
    expect(Object.keys(DIFFERS).every((id) => regular.some((c) => c.id === id))).toBe(true);
  });

  it.each(regular.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const fact = judged(c)?.cookies[0];
    const refused = fact?.rejected !== undefined;
    if (DIFFERS[c.id] !== undefined) {
      expect(refused).toBe(c.stored); // still wrong the known way; if this fails, the gap closed
      return;
    }
    expect(refused, `${c.setCookie} at ${c.url} from ${c.page}: ${fact?.rejected?.message ?? 'accepted'}`).toBe(!c.stored);
    if (refused) {
      const code = fact!.rejected!.code;
      if (c.blockedReasons.length > 0) expect(c.blockedReasons).toContain(code);
      else expect(UNNAMED_BY_DEVTOOLS.has(code)).toBe(true);
    }
    // A regular profile that allows third-party cookies stores a SameSite=None one.
    if (fact?.warning !== undefined) expect(c.stored).toBe(true);
  });

  it.each(incognito.map((c) => [c.id, c] as const))('%s: third-party cookies blocked', (_id, c) => {
    const fact = judged(c)?.cookies[0];
    // Chromium refuses every cross-site cookie there (UserPreferences) and stores same-site ones:
    // cookiesOf says the first are refused (by SameSite) or third-party (stored only where allowed).
    const saysSo = fact?.rejected !== undefined || fact?.warning?.code === 'UserPreferences';
    expect(saysSo).toBe(!c.stored);
    if (!c.stored) expect(c.blockedReasons).toEqual(['UserPreferences']);
  });
});

describe('through corscope: the rewritten line is what Chromium stored and sent back', () => {
  const through = regular.filter((c) => c.through !== undefined);

  it.each(through.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const outcome = judged(c);
    expect(outcome?.headers[0]?.[1] ?? c.setCookie).toBe(c.served);
    if (c.stored) {
      // The session sticks: the next credentialed call carried the cookie.
      expect(Object.values(c.sent)[0]).toMatch(/^sid=1$/);
    }
  });

  it('the target line, not rewritten, is refused at localhost', () => {
    const c = regular.find((x) => x.id === 'through-domain-target')!;
    const off = cookiesOf([['Set-Cookie', c.setCookie]], { ...cookieTargetOf(c.through!), browserUrl: c.url }, false);
    expect(off?.headers[0]?.[1]).toBe(c.setCookie);
    expect(off?.cookies).toEqual([
      {
        name: 'sid',
        rejected: {
          code: 'InvalidDomain',
          message:
            'Domain=api.staging.example.com does not cover localhost, where the browser sent this request: let corscope rewrite cookies (it drops this Domain, so the cookie is stored for localhost), or drop the attribute.',
        },
      },
    ]);
  });

  it("a Path under the target's base path is stored and never sent without the rewrite", () => {
    const c = regular.find((x) => x.id === 'path-target-base')!;
    expect(c.stored).toBe(true);
    expect(c.sent).toEqual({ 'http://localhost:8081/me': null, 'http://localhost:8081/v1/me': 'sid=1' });
  });
});

const REMOTE: CookieScope = { targetHost: 'api.staging.example.com', targetBasePath: '/v1', browserUrl: 'http://localhost:8081/login' };
const one = (line: string, scope: CookieScope = REMOTE, rewrite = true) => cookiesOf([['Set-Cookie', line]], scope, rewrite);

describe('the rewrite', () => {
  const rewrites: [name: string, line: string, out: string][] = [
    ['domain-dropped-with-its-separator', 'sid=1; Domain=api.staging.example.com; Path=/', 'sid=1; Path=/'],
    ['domain-last-attribute', 'sid=1; Path=/; Domain=.example.com', 'sid=1; Path=/'],
    ['domain-no-space-and-blanks-kept', 'sid=1;domain=EXAMPLE.com ;path=/x', 'sid=1;path=/x'],
    ['path-base', 'sid=1; Path=/v1', 'sid=1; Path=/'],
    ['path-base-slash', 'sid=1; Path=/v1/', 'sid=1; Path=/'],
    ['path-under-base', 'sid=1; path=/v1/auth; HttpOnly', 'sid=1; path=/auth; HttpOnly'],
    ['path-blanks-kept', 'sid=1;  Path =  /v1/a  ; Secure', 'sid=1;  Path =  /a  ; Secure'],
    ['both-order-kept', 'a=b; HttpOnly; Domain=example.com; SameSite=Lax; Path=/v1/x; Max-Age=60', 'a=b; HttpOnly; SameSite=Lax; Path=/x; Max-Age=60'],
    ['every-domain-of-the-target', 'sid=1; Domain=example.com; Domain=api.staging.example.com', 'sid=1'],
  ];
  it.each(rewrites)('%s', (_name, line, out) => {
    expect(one(line)?.headers).toEqual([['Set-Cookie', out]]);
  });

  const kept: [name: string, line: string][] = [
    ['path-elsewhere', 'sid=1; Path=/v10'],
    ['path-root', 'sid=1; Path=/'],
    ['domain-of-another-site', 'sid=1; Domain=other.org'],
    ['domain-empty', 'sid=1; Domain='],
    ['no-attributes', 'sid=1'],
  ];
  it.each(kept)('%s: the line is not touched', (_name, line) => {
    const out = one(line);
    expect(out === undefined || out.headers[0]![1] === line).toBe(true);
  });

  it('a Domain covering the browser host stays (a public URL under the same domain)', () => {
    const line = 'sid=1; Domain=.example.com; Path=/';
    expect(one(line, { ...REMOTE, browserUrl: 'https://dev.example.com/' })).toBeUndefined();
  });

  it('a local target: Domain=localhost covers the browser and stays', () => {
    expect(one('sid=1; Domain=localhost', { targetHost: 'localhost', targetBasePath: '', browserUrl: 'http://localhost:8081/' })).toBeUndefined();
  });

  it('the record holds names and what changed, never a value', () => {
    const out = one('session=s3cr3t-v4lue; Domain=api.staging.example.com; Path=/v1/auth; Secure');
    expect(out?.cookies).toEqual([{ name: 'session', domain: { from: 'api.staging.example.com', to: null }, path: { from: '/v1/auth', to: '/auth' } }]);
    expect(JSON.stringify(out?.cookies)).not.toContain('s3cr3t');
  });

  it('rewriting off: the lines are the same array, refusals still said', () => {
    const lines: HeaderLine[] = [['Set-Cookie', 'sid=1; Domain=api.staging.example.com']];
    const out = cookiesOf(lines, REMOTE, false);
    expect(out?.headers).toBe(lines);
    expect(out?.cookies[0]?.rejected?.code).toBe('InvalidDomain');
  });

  it('several Set-Cookie lines: each rewritten in place, other lines and their order kept', () => {
    const lines: HeaderLine[] = [
      ['Content-Type', 'application/json'],
      ['set-cookie', 'a=1; Domain=api.staging.example.com; Path=/v1'],
      ['X-Other', 'x'],
      ['SET-COOKIE', 'b=2; Path=/'],
      ['Set-Cookie', 'c=3; SameSite=None'],
      ['Set-Cookie', 'd=4; Path=/v1/d'],
    ];
    const copy = lines.map((l) => [...l]);
    const out = cookiesOf(lines, REMOTE, true)!;
    expect(out.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['set-cookie', 'a=1; Path=/'],
      ['X-Other', 'x'],
      ['SET-COOKIE', 'b=2; Path=/'],
      ['Set-Cookie', 'c=3; SameSite=None'],
      ['Set-Cookie', 'd=4; Path=/d'],
    ]);
    expect(out.headers[0]).toBe(lines[0]); // untouched lines are the same tuples
    expect(out.headers[3]).toBe(lines[3]);
    expect(lines).toEqual(copy); // the input is not changed
    expect(out.cookies.map((f) => [f.name, f.rejected?.code ?? null])).toEqual([
      ['a', null],
      ['c', 'SameSiteNoneInsecure'],
      ['d', null],
    ]);
  });

  it('no Set-Cookie line: undefined, so the response goes as it is', () => {
    expect(cookiesOf([['Content-Type', 'text/plain'], ['Set-Cookie2', 'x'], ['Connection', 'close']], REMOTE, true)).toBeUndefined();
    expect(cookiesOf([], REMOTE, true)).toBeUndefined();
  });

  it('Set-Cookie lines with nothing to say: undefined too', () => {
    expect(cookiesOf([['Set-Cookie', 'sid=1; Path=/; HttpOnly; SameSite=Lax']], REMOTE, true)).toBeUndefined();
  });

  const malformed: [name: string, line: string, code: string | null][] = [
    ['tab-in-value', 'sid=a\tb; Domain=api.staging.example.com; Path=/v1', 'DisallowedCharacter'],
    ['tab-in-attribute', 'sid=1; Domain=api.staging.example.com; Path=/v1\tx', 'DisallowedCharacter'],
    ['empty', '', 'NoCookieContent'],
    ['only-separators', ' ; ; ', 'NoCookieContent'],
    ['too-long', `s=${'x'.repeat(4096)}; Path=/v1`, 'NameValuePairExceedsMaxSize'],
  ];
  it.each(malformed)('%s: survives untouched, refused', (_name, line, code) => {
    const out = one(line);
    expect(out?.headers[0]?.[1]).toBe(line);
    expect(out?.cookies[0]?.rejected?.code ?? null).toBe(code);
  });

  it('a name and value of exactly 4096 bytes are allowed', () => {
    expect(one(`s=${'x'.repeat(4095)}; Path=/other`)).toBeUndefined();
  });

  it('lines Chrome reads oddly but stores keep their bytes', () => {
    for (const line of ['justvalue', '=value; Path=/', 'a=b=c; ;; Secure;', '  spaced = yes ; Path = / ', 'a="quoted; still"']) {
      const out = one(line);
      expect(out === undefined || out.headers[0]![1] === line).toBe(true);
    }
  });

  it('a browser URL that cannot be read: paths still rewritten, nothing judged', () => {
    const out = one('sid=1; Domain=api.staging.example.com; Path=/v1/a', { ...REMOTE, browserUrl: 'not a url' });
    expect(out?.headers).toEqual([['Set-Cookie', 'sid=1; Domain=api.staging.example.com; Path=/a']]);
    expect(out?.cookies).toEqual([{ name: 'sid', path: { from: '/v1/a', to: '/a' } }]);
  });
});

describe('what a proxy reads from the request', () => {
  const initiators: [name: string, headers: HeaderLine[], initiator: string | undefined][] = [
    ['cors-fetch', [['Origin', 'http://127.0.0.1:5173'], ['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Mode', 'cors']], 'http://127.0.0.1:5173'],
    ['top-level-navigation', [['Origin', 'http://127.0.0.1:5173'], ['Sec-Fetch-Mode', 'navigate'], ['Sec-Fetch-Dest', 'document']], undefined],
    ['same-origin-get', [['Sec-Fetch-Site', 'same-origin'], ['Sec-Fetch-Mode', 'cors']], undefined],
    ['no-sec-fetch (not a trustworthy URL)', [['Origin', 'http://dev.example.com:5173']], undefined],
    ['tainted-origin', [['origin', 'null'], ['sec-fetch-mode', 'cors']], undefined],
  ];
  it.each(initiators)('requestingOriginOf %s', (_name, headers, initiator) => {
    expect(requestingOriginOf(headers)).toBe(initiator);
  });

  const targets: [target: string, remote: boolean, host: string, base: string][] = [
    ['https://api.staging.example.com', true, 'api.staging.example.com', ''],
    ['https://api.staging.example.com/v1/', true, 'api.staging.example.com', '/v1'],
    ['http://localhost:3000/api', false, 'localhost', '/api'],
    ['http://127.0.0.1:3000', false, '127.0.0.1', ''],
    ['http://127.1.2.3:3000', false, '127.1.2.3', ''],
    ['http://[::1]:3000', false, '::1', ''],
    ['http://app.localhost:3000', false, 'app.localhost', ''],
    ['http://192.168.1.20:8080', true, '192.168.1.20', ''],
    ['http://localhost.example.com', true, 'localhost.example.com', ''],
  ];
  it.each(targets)('%s: remote %s', (target, remote, host, base) => {
    expect(isRemoteTarget(target)).toBe(remote);
    expect(cookieTargetOf(target)).toEqual({ targetHost: host, targetBasePath: base });
  });
});
