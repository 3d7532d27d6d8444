/** The response head corscope writes: end-to-end lines as received, hop-by-hop lines dropped. */
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../src/cors/types.js';
import { dropHopByHopRequest, stripHopByHop, wireHead } from '../../src/proxy/head.js';

const cases: [string, HeaderLine[], HeaderLine[]][] = [
  ['nothing to drop: order, case and duplicates kept', [['Access-Control-Allow-Origin', '*'], ['vary', 'Origin'], ['Access-Control-Allow-Origin', '*']], [['Access-Control-Allow-Origin', '*'], ['vary', 'Origin'], ['Access-Control-Allow-Origin', '*']]],
  [
    'the fixed hop-by-hop names, any case',
    [['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=5'], ['TRANSFER-ENCODING', 'chunked'], ['te', 'trailers'], ['Trailer', 'x'], ['Upgrade', 'h2c'], ['Proxy-Connection', 'close'], ['Content-Type', 'text/plain']],
    [['Content-Type', 'text/plain']],
  ],
  [
    'names a Connection line lists, trimmed and case-folded',
    [['Connection', 'close, X-Hop ,x-other'], ['X-Hop', '1'], ['x-OTHER', '2'], ['X-Kept', '3']],
    [['X-Kept', '3']],
  ],
  ['no lines', [], []],
];

describe('wireHead and stripHopByHop', () => {
  it.each(cases)('%s', (_name, lines, kept) => {
    expect(stripHopByHop(lines)).toEqual(kept);
    expect(wireHead(lines)).toEqual(kept.flat());
  });
});

const requests: [string, Record<string, string>, Record<string, string>][] = [
  ["Chrome's own Connection: keep-alive is what the agent sends anyway: left", { host: 'a', connection: 'Keep-Alive', origin: 'http://p' }, { host: 'a', connection: 'Keep-Alive', origin: 'http://p' }],
  ['keep-alive with parameters: both go', { connection: 'keep-alive', 'keep-alive': 'timeout=9', origin: 'http://p' }, { origin: 'http://p' }],
  ['Connection: close goes', { host: 'a', connection: 'close' }, { host: 'a' }],
  ['Expect: 100-continue, already answered by Node, goes', { host: 'a', expect: '100-continue', 'content-length': '5' }, { host: 'a', 'content-length': '5' }],
  [
    'the fixed names and the listed ones, trimmed and case-folded',
    { connection: 'close, X-Hop ,x-other', 'x-hop': '1', 'x-other': '2', 'x-kept': '3', 'keep-alive': 'timeout=5', 'proxy-connection': 'close', te: 'trailers', upgrade: 'h2c' },
    { 'x-kept': '3' },
  ],
  [
    'a Connection that lists the framing keeps the framing (Node re-frames the body from it)',
    { connection: 'content-length, Transfer-Encoding', 'content-length': '3', 'transfer-encoding': 'chunked' },
    { 'content-length': '3', 'transfer-encoding': 'chunked' },
  ],
  ['nothing hop-by-hop: untouched', { accept: '*/*', 'content-length': '0' }, { accept: '*/*', 'content-length': '0' }],
];

describe('dropHopByHopRequest', () => {
  it.each(requests)('%s', (_name, headers, kept) => {
    const copy = { ...headers };
    dropHopByHopRequest(copy);
    expect(copy).toEqual(kept);
  });
});
