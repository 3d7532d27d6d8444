/**
 * The inspector's history on its own: frames kept as bytes outside the heap and read back exactly,
 * records kept by reference beside them, and both bounds (the count and the bytes) holding under
 * any sequence of sizes, the buffer growing only while the newest frames do not fit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { History } from '../../src/inspector/history.js';
import type { ExchangeRecord } from '../../src/log/record.js';
import { fakeRecord } from './helpers.js';

type Added = { text: string; record?: undefined } | { record: ExchangeRecord; text?: undefined };
/** What is added: a frame, a record kept by reference, or a frame with its record (kept instead when the frame is too large). */
type Input = Added | { text: string; record: ExchangeRecord };

/** What `at(seq)` returns for each added entry, seq by seq. */
function read(history: History): Added[] {
  const out: Added[] = [];
  for (let seq = history.first; seq <= history.last; seq++) {
    const entry = history.at(seq)!;
    out.push(entry.text === undefined ? { record: entry.record } : { text: entry.text });
  }
  return out;
}

function fill(history: History, added: readonly Input[]): void {
  for (const [i, a] of added.entries()) history.add(a.record ?? fakeRecord(i + 1), 1_000 + i, a.text);
}

const frame = (n: number, size = 40): Added => ({ text: `${String(n).padStart(6, '0')}:`.padEnd(size, 'x') });

describe('what it keeps', () => {
  const one = fakeRecord(1);
  const big = fakeRecord(2);
  const cases: [string, { limit: number; maxBytes?: number; startBytes?: number }, Input[], { first: number; kept: Added[] }][] = [
    ['frames-under-both-bounds', { limit: 5 }, [frame(1), frame(2), frame(3)], { first: 1, kept: [frame(1), frame(2), frame(3)] }],
    ['the-count-bound', { limit: 3 }, [1, 2, 3, 4, 5].map((n) => frame(n)), { first: 3, kept: [frame(3), frame(4), frame(5)] }],
    ['the-byte-bound', { limit: 100, maxBytes: 100, startBytes: 100 }, [1, 2, 3, 4, 5].map((n) => frame(n)), { first: 4, kept: [frame(4), frame(5)] }],
    ['grows-rather-than-drops', { limit: 100, maxBytes: 1_000, startBytes: 64 }, [1, 2, 3, 4, 5].map((n) => frame(n)), { first: 1, kept: [1, 2, 3, 4, 5].map((n) => frame(n)) }],
    ['records-by-reference-beside-frames', { limit: 4 }, [frame(1), { record: one }, frame(3), { record: one }, frame(5)], { first: 2, kept: [{ record: one }, frame(3), { record: one }, frame(5)] }],
    ['a-reference-before-a-dropped-frame-goes-with-it', { limit: 100, maxBytes: 100, startBytes: 100 }, [frame(1), { record: one }, frame(3), frame(4), frame(5)], { first: 4, kept: [frame(4), frame(5)] }],
    ['a-frame-larger-than-the-history-is-kept-as-its-record', { limit: 5, maxBytes: 64, startBytes: 64 }, [frame(1), { text: 'y'.repeat(65), record: big }], { first: 1, kept: [frame(1), { record: big }] }],
    ['utf-8-read-back-exactly', { limit: 5 }, [{ text: 'Firefox: “CORS header ‘Access-Control-Allow-Origin’ missing” 🙂 \\ud800' }], { first: 1, kept: [{ text: 'Firefox: “CORS header ‘Access-Control-Allow-Origin’ missing” 🙂 \\ud800' }] }],
  ];
  it.each(cases)('%s', (_name, options, added, expected) => {
    const history = new History(options.limit, options);
    fill(history, added);
    expect(history.last).toBe(added.length);
    expect(history.first).toBe(expected.first);
    const kept = read(history);
    expect(kept).toEqual(expected.kept);
    for (const [i, k] of kept.entries()) if (k.record) expect(k.record).toBe(expected.kept[i]!.record);
  });

  it('the times come back with their entries', () => {
    const history = new History(2);
    fill(history, [frame(1), { record: fakeRecord(2) }, frame(3)]);
    expect([history.at(1), history.at(2)?.time, history.at(3)?.time]).toEqual([undefined, 1_001, 1_002]);
  });
});

describe('any sequence of sizes', () => {
  const entry = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 1_200 }).map((size) => ({ size })) },
    { weight: 1, arbitrary: fc.constant({ size: 0 }) },
  );
  const scenario = fc.record({
    limit: fc.integer({ min: 1, max: 30 }),
    maxBytes: fc.integer({ min: 64, max: 4_096 }),
    startBytes: fc.integer({ min: 16, max: 1_024 }),
    entries: fc.array(entry, { minLength: 1, maxLength: 200 }),
  });

  it('every entry kept reads back as added, within both bounds, the newest always kept', () => {
    fc.assert(
      fc.property(scenario, ({ limit, maxBytes, startBytes, entries }) => {
        const history = new History(limit, { maxBytes, startBytes });
        const added: Added[] = [];
        for (const [i, { size }] of entries.entries()) {
          // size 0: a record kept by reference; otherwise a frame of that many bytes, some two-byte.
          const record = fakeRecord(i + 1);
          const text = size === 0 ? undefined : `${i}:${i % 3 === 0 ? '’' : 'x'}`.padEnd(size, 'y');
          history.add(record, i, text);
          // A frame larger than the history may hold is kept as its record.
          const fits = text !== undefined && Buffer.byteLength(text) <= maxBytes;
          added.push(fits ? { text } : { record });
          expect(history.last).toBe(i + 1);
          expect(history.capacity).toBeLessThanOrEqual(maxBytes);
          expect(history.size).toBeLessThanOrEqual(limit);
          expect(history.first).toBeLessThanOrEqual(history.last);
          const kept = read(history);
          expect(kept).toEqual(added.slice(history.first - 1));
          let bytes = 0;
          for (let seq = history.first; seq <= history.last; seq++) {
            const e = history.at(seq)!;
            expect(e.time).toBe(seq - 1);
            if (e.text !== undefined) bytes += Buffer.byteLength(e.text);
            else expect(e.record).toBe(added[seq - 1]!.record);
          }
          expect(bytes).toBeLessThanOrEqual(history.capacity);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('nothing is dropped for its bytes while the newest frames fit in half of them (each at most a quarter)', () => {
    fc.assert(
      fc.property(scenario, ({ limit, maxBytes, startBytes, entries }) => {
        const history = new History(limit, { maxBytes, startBytes });
        const most = Math.floor(Math.min(maxBytes / 4, maxBytes / 2 / limit));
        fc.pre(most >= 1);
        for (const [i, { size }] of entries.entries()) {
          history.add(fakeRecord(i + 1), i, size === 0 ? undefined : 'z'.repeat(Math.min(size, most)));
          expect(history.first).toBe(Math.max(1, history.last - limit + 1));
        }
      }),
      { numRuns: 300 },
    );
  });
});
