/** `urlOrigin`: the origin Chrome serializes for a URL, remembered for the URLs asked about lately. */
import { describe, expect, it } from 'vitest';
import { isSameOrigin, urlOrigin } from '../../src/cors/origin.js';

describe('urlOrigin', () => {
  it.each([
    ['http://localhost:8081/api?x=1', 'http://localhost:8081'],
    ['HTTP://LOCALHOST:80/', 'http://localhost'],
    ['https://example.test:443/a', 'https://example.test'],
    ['http://[::1]:3000/', 'http://[::1]:3000'],
    ['data:text/plain,hi', null],
    ['not a url', null],
    ['', null],
  ])('%j -> %j, the same when asked again', (url, origin) => {
    expect(urlOrigin(url)).toBe(origin);
    expect(urlOrigin(url)).toBe(origin);
  });

  it('stays right past the number of URLs it remembers, and for URLs too long to remember', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) expect(urlOrigin(`http://host-${i}.test:${1000 + (i % 50)}/p`)).toBe(`http://host-${i}.test:${1000 + (i % 50)}`);
    }
    const long = `http://long.test/${'x'.repeat(5000)}`;
    expect(urlOrigin(long)).toBe('http://long.test');
    expect(urlOrigin(long)).toBe('http://long.test');
  });

  it('isSameOrigin: an opaque origin is never the same', () => {
    expect(isSameOrigin('http://localhost:8081', 'http://localhost:8081/x')).toBe(true);
    expect(isSameOrigin('http://localhost:5173', 'http://localhost:8081/x')).toBe(false);
    expect(isSameOrigin('null', 'data:text/plain,hi')).toBe(false);
  });
});

describe('urlOrigin read off canonical URLs, the parser for the rest', () => {
  const parsed = (url: string): string | null => {
    try {
      const origin = new URL(url).origin;
      return origin === 'null' ? null : origin;
    } catch {
      return null;
    }
  };

  it.each([
    'http://localhost:8081/api?x=1',
    'http://127.0.0.1:3000',
    'https://api.example.test/v1#top',
    'http://localhost:5173?q',
    'http://a..b/',
    'http://-a-.com/',
    'http://xn--/',
    'http://xn--a/',
    'http://a.1/',
    'http://a.b1/',
    'http://1a.b/',
    'http://localhost./',
    'http://a_b/',
    'http://0.0.0.0/',
    'http://127.1/',
    'http://127.0.0.01/',
    'http://256.0.0.1/',
    'http://255.255.255.255:8080/',
    'http://1.2.3.1000/',
    'http://00.1.1.1/',
    'http://1.2.3.00/',
    'http://1.2.3.0/',
    'http://1.2.3.4:099/',
    'http://0x7f.0.0.1/',
    'http://127.0.0.1:0/',
    'http://x:00/',
    'http://x:080/',
    'http://x:80/',
    'https://x:443/',
    'https://x:80/',
    'http://x:65535/',
    'http://x:65536/',
    'http://x:/',
    'http://user@x/',
    'http://x\\y/',
    'http://x\ty/',
    'http:///x',
    'http://',
    'http://Localhost/',
    'HTTP://localhost/',
    'http://localhost:8081\\api',
    'ws://localhost/',
  ])('%j: what the WHATWG parser says', (url) => {
    expect(urlOrigin(url)).toBe(parsed(url));
  });

  it('agrees with the parser on 5 000 generated http(s) URLs', async () => {
    const fc = await import('fast-check');
    const chars = fc.constantFrom(...'abcxyz019-._:/?#@\\%[]ABC \t'.split(''));
    const url = fc.tuple(fc.constantFrom('http://', 'https://', 'HTTP://', 'http:/'), fc.string({ unit: chars, maxLength: 24 }));
    fc.assert(
      fc.property(url, ([scheme, rest]) => {
        expect(urlOrigin(scheme + rest)).toBe(parsed(scheme + rest));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with the parser on 5 000 generated host-and-port URLs (the shapes read off the text)', async () => {
    const fc = await import('fast-check');
    const label = fc.string({ unit: fc.constantFrom(...'abz09-'.split('')), minLength: 1, maxLength: 5 });
    const host = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.')),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.string({ unit: fc.constantFrom(...'0129'.split('')), minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
    );
    const port = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 70_000 }).map((n) => `:${n}`), fc.constantFrom(':', ':080', ':80', ':443'));
    const url = fc.tuple(fc.constantFrom('http://', 'https://'), host, port, fc.constantFrom('', '/', '/api?x=1', '?q', '#f', '\\p', '@h'));
    let read = 0;
    fc.assert(
      fc.property(url, ([scheme, h, p, rest]) => {
        const whole = scheme + h + p + rest;
        expect(urlOrigin(whole)).toBe(parsed(whole));
        if (parsed(whole) !== null) read++;
      }),
      { numRuns: 5_000 },
    );
    expect(read).toBeGreaterThan(2_000);
  });
});
