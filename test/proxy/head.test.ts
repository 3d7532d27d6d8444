/** The response head corscope writes: end-to-end lines as received, hop-by-hop lines dropped. */
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../src/cors/types.js';
import { stripHopByHop, wireHead } from '../../src/proxy/head.js';

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
