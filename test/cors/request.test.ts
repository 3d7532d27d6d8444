import { describe, expect, it } from 'vitest';
import {
  accessControlRequestHeaders,
  isCorsSafelistedHeader,
  isForbiddenRequestHeader,
  needsPreflight,
  normalizeMethod,
} from '../../src/cors/index.js';
import type { HeaderLine } from '../../src/cors/types.js';

describe('what needs a preflight (Chrome 156 observations where marked)', () => {
  const cases: [string, string, HeaderLine[], boolean][] = [
    ['simple-get', 'GET', [], false],
    ['post-text-plain-charset (observed)', 'POST', [['Content-Type', 'text/plain; charset=utf-8']], false],
    ['post-form-charset (observed)', 'POST', [['Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8']], false],
    ['post-json-charset (observed)', 'POST', [['Content-Type', 'application/json; charset=utf-8']], true],
    ['two-content-types-combined', 'POST', [['Content-Type', 'text/plain, application/json']], true],
    ['range-single (observed)', 'GET', [['Range', 'bytes=0-9']], false],
    ['range-open-ended', 'GET', [['Range', 'bytes=10-']], false],
    ['range-list (observed)', 'GET', [['Range', 'bytes=0-1,3-4']], true],
    ['range-suffix', 'GET', [['Range', 'bytes=-5']], true],
    ['accept-language-128-bytes (observed)', 'GET', [['Accept-Language', 'a'.repeat(128)]], false],
    ['accept-language-129-bytes', 'GET', [['Accept-Language', 'a'.repeat(129)]], true],
    ['accept-language-bad-byte', 'GET', [['Accept-Language', 'en_US']], true],
    ['accept-unsafe-byte', 'GET', [['Accept', 'application/json{']], true],
    ['custom-header', 'GET', [['X-Custom', '1']], true],
    ['authorization', 'GET', [['Authorization', 'Bearer x']], true],
    ['put (observed)', 'PUT', [], true],
    ['lowercase-post', 'post', [], false],
    ['patch', 'PATCH', [], true],
    ['forbidden-user-agent-ignored', 'GET', [['User-Agent', 'x']], false],
    ['forbidden-sec-ignored', 'GET', [['Sec-Foo', 'x']], false],
    ['method-override-trace-forbidden', 'GET', [['X-HTTP-Method-Override', 'TRACE']], false],
    ['method-override-put-unsafe', 'GET', [['X-HTTP-Method-Override', 'PUT']], true],
    ['safelisted-total-over-1024', 'GET', [['Accept', 'a'.repeat(120)], ...Array.from({ length: 9 }, (): HeaderLine => ['Content-Language', 'b'.repeat(120)])], true],
  ];
  it.each(cases)('%s', (_name, method, headers, expected) => {
    expect(needsPreflight(method, headers)).toBe(expected);
  });
});

describe('Access-Control-Request-Headers as Chrome computes it', () => {
  it.each([
    ['sorted-lowercase (observed: X-Zeta, X-Alpha → x-alpha,x-zeta)', [['X-Zeta', '1'], ['X-Alpha', '2']], 'x-alpha,x-zeta'],
    ['json-content-type', [['Content-Type', 'application/json']], 'content-type'],
    ['nothing-unsafe', [['Accept', '*/*']], null],
    ['duplicates-once', [['X-A', '1'], ['x-a', '2']], 'x-a'],
  ] as [string, HeaderLine[], string | null][])('%s', (_n, headers, expected) => {
    expect(accessControlRequestHeaders(headers)).toBe(expected);
  });
});

describe('method normalization (fetch uppercases only six methods)', () => {
  it.each([
    ['put', 'PUT'],
    ['delete', 'DELETE'],
    ['patch', 'patch'],
    ['Patch', 'Patch'],
    ['get', 'GET'],
  ])('%s → %s', (input, expected) => expect(normalizeMethod(input)).toBe(expected));
});

describe('client hints and special safelisted values', () => {
  it.each([
    ['dpr', '2.5', true],
    ['dpr', '2.', false],
    ['width', '100', true],
    ['width', '1e3', false],
    ['save-data', 'ON', true],
    ['ect', '4g', true],
    ['ect', '5g', false],
    ['content-type', 'multipart/form-data; boundary=x', true],
    ['content-type', 'text/html', false],
  ])('%s: %s → %s', (name, value, expected) => expect(isCorsSafelistedHeader(name, value)).toBe(expected));

  it('forbidden names cover proxy-*, sec-* and the fixed list', () => {
    expect(isForbiddenRequestHeader('Proxy-Authorization', 'x')).toBe(true);
    expect(isForbiddenRequestHeader('Cookie', 'a=b')).toBe(true);
    expect(isForbiddenRequestHeader('X-Custom', 'x')).toBe(false);
  });
});
