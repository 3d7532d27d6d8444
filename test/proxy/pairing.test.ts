/** The proxy's memories stay bounded in size and in time. */
import { describe, expect, it } from 'vitest';
import { BoundedCache, EchoMemory, PreflightPairing, RedirectMemory } from '../../src/proxy/pairing.js';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('BoundedCache', () => {
  it('evicts the least recently used entry beyond its size', () => {
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1, 60_000);
    cache.set('b', 2, 60_000);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3, 60_000);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('forgets entries once expired', () => {
    const t = clock();
    const cache = new BoundedCache<number>(10, t.now);
    cache.set('a', 1, 100);
    t.advance(99);
    expect(cache.get('a')).toBe(1);
    t.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('PreflightPairing', () => {
  it('pairs by origin, URL and method; the first request takes the reserved id, later ones only the link', () => {
    const pairing = new PreflightPairing();
    pairing.remember('http://a', 'http://p/api', 'PUT', 'p1', 'r2', 600);
    expect(pairing.pair('http://b', 'http://p/api', 'PUT')).toBeUndefined();
    expect(pairing.pair('http://a', 'http://p/api', 'DELETE')).toBeUndefined();
    expect(pairing.pair('http://a', 'http://p/api', 'PUT')).toEqual({ preflight: 'p1', reservedId: 'r2' });
    expect(pairing.pair('http://a', 'http://p/api', 'PUT')).toEqual({ preflight: 'p1' });
  });

  it('honours max-age, with a grace period for max-age 0 (the request follows at once)', () => {
    const t = clock();
    const pairing = new PreflightPairing(100, t.now);
    pairing.remember('o', 'u', 'PUT', 'p1', 'r1', 0);
    pairing.remember('o', 'v', 'PUT', 'p2', 'r2', 600);
    t.advance(9_000);
    expect(pairing.pair('o', 'u', 'PUT')?.preflight).toBe('p1');
    t.advance(2_000);
    expect(pairing.pair('o', 'u', 'PUT')).toBeUndefined();
    t.advance(588_000);
    expect(pairing.pair('o', 'v', 'PUT')?.preflight).toBe('p2');
    t.advance(2_000);
    expect(pairing.pair('o', 'v', 'PUT')).toBeUndefined();
  });
});

describe('RedirectMemory', () => {
  it('a preflight only looks; the actual request consumes', () => {
    const memory = new RedirectMemory();
    memory.remember('o', 'http://p/new', { initialUrl: 'http://p/old' });
    expect(memory.recall('o', 'http://p/new', false)).toEqual({ initialUrl: 'http://p/old' });
    expect(memory.recall('o', 'http://p/new', true)).toEqual({ initialUrl: 'http://p/old' });
    expect(memory.recall('o', 'http://p/new', true)).toBeUndefined();
  });
});

describe('EchoMemory', () => {
  it('names the other echoed origins, at most its size', () => {
    const echoes = new EchoMemory(2);
    echoes.add('http://a');
    echoes.add('http://b');
    echoes.add('http://c');
    expect(echoes.others('http://c')).toEqual(['http://b']);
  });

  it('forgets an origin after its time, and sees one added since the last look', () => {
    let now = 0;
    const echoes = new EchoMemory(16, 1_000_000, () => now);
    echoes.add('http://a');
    expect(echoes.others('http://b')).toEqual(['http://a']);
    now = 400_000;
    echoes.add('http://b');
    expect(echoes.others('http://c')).toEqual(['http://a', 'http://b']);
    now = 1_000_000;
    expect(echoes.others('http://c')).toEqual(['http://b']);
    now = 1_400_000;
    expect(echoes.others('http://c')).toEqual([]);
  });

  it('a known origin is refreshed at most once a minute, and then lives a full time again', () => {
    let now = 0;
    const echoes = new EchoMemory(16, 1_000_000, () => now);
    echoes.add('http://a');
    now = 30_000;
    echoes.add('http://a'); // within the minute: expiry stays at 1 000 000
    now = 999_999;
    expect(echoes.others('http://x')).toEqual(['http://a']);
    now = 1_000_000;
    expect(echoes.others('http://x')).toEqual([]);
    echoes.add('http://a');
    now = 1_900_000;
    expect(echoes.others('http://x')).toEqual(['http://a']);
    now = 2_000_000;
    expect(echoes.others('http://x')).toEqual([]);
  });

  it('nothing echoed, or only the asking origin: the same empty list, nothing allocated', () => {
    const echoes = new EchoMemory();
    const none = echoes.others('http://a');
    expect(none).toEqual([]);
    echoes.add('http://a');
    expect(echoes.others('http://a')).toBe(none);
  });
});
