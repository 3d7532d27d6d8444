/** The server history the diagnosis reads: what it folds in, and that every list stays bounded. */
import { describe, expect, it } from 'vitest';
import { EMPTY_HISTORY, observe } from '../../src/diagnose/index.js';
import type { HeaderLine } from '../../src/cors/types.js';

const answer = (path: string, origin: string, headers: HeaderLine[]) => ({
  stage: 'request' as const,
  request: { url: `http://localhost:8081${path}?q=1`, method: 'GET', headers: [['Origin', origin]] as HeaderLine[] },
  response: { status: 200, headers },
});

describe('observe', () => {
  it('folds in the CORS facts of an answer', () => {
    const h = observe(
      observe(EMPTY_HISTORY, answer('/a', 'http://localhost:5173', [['Server', 'nginx'], ['Access-Control-Allow-Origin', 'http://localhost:5173'], ['Access-Control-Allow-Methods', 'GET, PUT'], ['Access-Control-Allow-Headers', 'Content-Type'], ['Access-Control-Allow-Credentials', 'true']])),
      answer('/b', 'http://localhost:5173', [['Server', 'nginx']]),
    );
    expect(h).toEqual({
      answers: 2,
      answersWithCors: 1,
      allowOrigins: ['http://localhost:5173'],
      pathsWithCors: ['/a'],
      echoesOrigin: true,
      echoPaths: ['/a'],
      allowMethods: ['GET', 'PUT'],
      allowHeaders: ['content-type'],
      allowsCredentials: true,
      identity: [['Server', 'nginx']],
    });
  });

  it('a `*` is not an echo', () => {
    expect(observe(EMPTY_HISTORY, answer('/a', 'http://localhost:5173', [['Access-Control-Allow-Origin', '*']]))).toMatchObject({ echoesOrigin: false, echoPaths: [], allowOrigins: ['*'] });
  });

  it('stays bounded over thousands of new origins, paths, methods and servers', () => {
    let h = EMPTY_HISTORY;
    for (let i = 0; i < 5000; i++) {
      const origin = `http://localhost:${10000 + i}`;
      h = observe(h, answer(`/items/${i}`, origin, [['Server', `s${i}`], ['Access-Control-Allow-Origin', origin], ['Access-Control-Allow-Methods', `M${i}`], ['Access-Control-Allow-Headers', `x-h${i}`]]));
    }
    expect(h.answers).toBe(1000);
    expect(h.allowOrigins).toHaveLength(8);
    expect(h.allowOrigins.at(-1)).toBe('http://localhost:10007');
    expect(h.pathsWithCors).toHaveLength(16);
    expect(h.echoPaths).toHaveLength(16);
    expect(h.allowMethods).toHaveLength(24);
    expect(h.allowHeaders).toHaveLength(24);
    expect(h.identity).toHaveLength(6);
  });

  it('once the counts stop, an answer that teaches nothing new gives back the same object', () => {
    let h = EMPTY_HISTORY;
    const same = answer('/a', 'http://localhost:5173', [['Access-Control-Allow-Origin', 'http://localhost:5173']]);
    for (let i = 0; i < 1000; i++) h = observe(h, same);
    expect(observe(h, same)).toBe(h);
    expect(observe(h, answer('/b', 'http://localhost:5173', [['Access-Control-Allow-Origin', 'http://localhost:5173']]))).not.toBe(h);
  });

  it('an answer that teaches nothing new keeps the lists it had', () => {
    const h = observe(EMPTY_HISTORY, answer('/a', 'http://localhost:5173', [['Access-Control-Allow-Origin', 'http://localhost:5173']]));
    const again = observe(h, answer('/a', 'http://localhost:5173', [['Access-Control-Allow-Origin', 'http://localhost:5173']]));
    expect(again.allowOrigins).toBe(h.allowOrigins);
    expect(again.pathsWithCors).toBe(h.pathsWithCors);
    expect(again.identity).toBe(h.identity);
  });
});
