import { describe, expect, it } from 'vitest';
import { parseTokenList } from '../../src/cors/header-list.js';
import { disallowedHeaders, isMethodAllowed, preflightCacheSeconds } from '../../src/cors/preflight.js';

describe('Access-Control-Allow-Methods / -Headers parsing (HttpUtil::ValuesIterator + IsToken)', () => {
  it.each([
    ['GET, POST', ['GET', 'POST']],
    ['GET,,POST', ['GET', 'POST']],
    ['GET POST', null],
    ['"GET"', null],
    ['*', ['*']],
    ['', []],
    ['PUT;', null],
  ] as const)('%j', (value, expected) => expect(parseTokenList(value)).toEqual(expected));
});

describe('method rule', () => {
  it.each([
    ['safelisted-always', 'POST', [], true, true],
    ['exact', 'PUT', ['PUT'], false, true],
    ['case-sensitive (observed: PUT vs put)', 'PUT', ['put'], false, false],
    ['patch-vs-PATCH (observed)', 'patch', ['PATCH'], false, false],
    ['star-no-credentials (observed)', 'PUT', ['*'], false, true],
    ['star-credentials-literal (observed)', 'PUT', ['*'], true, false],
  ] as const)('%s', (_n, method, allowed, include, expected) => {
    expect(isMethodAllowed(method, allowed, include)).toBe(expected);
  });
});

describe('header rule', () => {
  it.each([
    ['listed', ['x-a'], ['x-a'], false, []],
    ['case-insensitive listing (observed)', ['x-custom'], ['x-custom'], false, []],
    ['star-no-credentials (observed)', ['x-custom'], ['*'], false, []],
    ['star-credentials-literal', ['x-custom'], ['*'], true, ['x-custom']],
    ['authorization-through-star (Chrome 156 allows)', ['authorization'], ['*'], false, []],
    ['missing-several', ['x-a', 'x-b'], [], false, ['x-a', 'x-b']],
  ] as const)('%s', (_n, requested, allowed, include, expected) => {
    expect(disallowedHeaders(requested, allowed, include)).toEqual(expected);
  });
});

describe('Access-Control-Max-Age as Chrome caches it', () => {
  it.each([
    [null, 5],
    ['600', 600],
    ['0', 0],
    ['-1', 0],
    ['86400', 7200],
    ['abc', 5],
    ['10.5', 5],
  ] as const)('%j → %d s', (value, expected) => expect(preflightCacheSeconds(value)).toBe(expected));
});
