/** Header lines as Chrome reads them: names compared up to ASCII case, values trimmed of OWS. */
import { describe, expect, it } from 'vitest';
import { firstHeaderValue, hasHeader, headerValues, normalizedHeader, sameName } from '../../src/cors/header-list.js';
import type { HeaderLine } from '../../src/cors/types.js';

describe('sameName', () => {
  it.each([
    ['access-control-allow-origin', 'access-control-allow-origin', true],
    ['Access-Control-Allow-Origin', 'access-control-allow-origin', true],
    ['ACCESS-CONTROL-ALLOW-ORIGIN', 'access-control-allow-origin', true],
    ['Access-Control-Allow-Origins', 'access-control-allow-origin', false],
    ['Access_Control_Allow_Origin', 'access-control-allow-origin', false],
    ['', '', true],
    ['Vary', 'vary', true],
    ['Varz', 'vary', false],
    // Only ASCII letters fold: the Kelvin sign is not `k` (toLowerCase would say it is), and `[`
    // (0x5b, just past `Z`) is not `{`.
    ['\u212aeep-alive', 'keep-alive', false],
    ['[', '{', false],
    ['@', '`', false],
  ])('%j ~ %j: %s', (name, lower, same) => {
    expect(sameName(name, lower)).toBe(same);
  });
});

describe('headerValues, firstHeaderValue, hasHeader, normalizedHeader', () => {
  const lines: HeaderLine[] = [
    ['Access-Control-Allow-Origin', ' * '],
    ['vary', 'Origin'],
    ['ACCESS-CONTROL-ALLOW-ORIGIN', '\t*'],
    ['\u212aeep-Alive', 'timeout=5'],
  ];
  it('every line of the name, any case, trimmed, in wire order', () => {
    expect(headerValues(lines, 'access-control-allow-origin')).toEqual(['*', '*']);
    expect(headerValues(lines, 'Access-Control-Allow-Origin')).toEqual(['*', '*']);
    expect(normalizedHeader(lines, 'access-control-allow-origin')).toBe('*, *');
    expect(firstHeaderValue(lines, 'ACCESS-control-allow-origin')).toBe('*');
    expect(firstHeaderValue(lines, 'Vary')).toBe('Origin');
    expect(hasHeader(lines, 'vary')).toBe(true);
  });
  it('absent: no values, null normalized; a non-ASCII look-alike name does not count', () => {
    expect(headerValues(lines, 'keep-alive')).toEqual([]);
    expect(normalizedHeader(lines, 'keep-alive')).toBeNull();
    expect(firstHeaderValue(lines, 'keep-alive')).toBeUndefined();
    expect(hasHeader(lines, 'keep-alive')).toBe(false);
  });
});
