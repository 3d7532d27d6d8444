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
