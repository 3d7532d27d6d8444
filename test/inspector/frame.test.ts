/**
 * The frame the history keeps of a record that shares nothing: byte for byte what JSON.stringify
 * writes for `{ seq, time, record, lines }` (the lines redacted as the log redacts), whether the
 * record's fields are serialized here or taken from the line the log wrote for it; and with a real
 * corscope and its log, a record the log wrote is not serialized again.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HeaderLine } from '../../src/cors/types.js';
import { createInspector } from '../../src/inspector/index.js';
import { storedFrame } from '../../src/inspector/frame.js';
import { createLogger, lineWrittenFor } from '../../src/log/logger.js';
import type { ExchangeRecord } from '../../src/log/record.js';
import { keepWire, shownLines, type WireLines } from '../../src/log/wire.js';
import { corsHeaders, send, startProxy, startUpstream, writeRaw } from '../proxy/helpers.js';
import { exchanges, fakeRecord, openStream } from './helpers.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
  vi.restoreAllMocks();
});

/** What the frame's data must be: JSON.stringify of the whole. */
const expected = (seq: number, time: number, record: ExchangeRecord, logSecrets: boolean): string => JSON.stringify({ seq, time, record, lines: shownLines(record, logSecrets) });
const dataOf = (frame: string): string => /^id: i\.\d+\nevent: exchange\ndata: (.*)\n\n$/s.exec(frame)![1]!;

describe('the lines, as JSON.stringify writes them, redacted as the log redacts', () => {
  // Names and values of every kind: quotes, backslashes, control characters, lone and paired surrogates, Latin-1.
  const text = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('a"b', 'a\\b', '\t', '\u0000', '\u001f', '\u007f', '\ud800', 'x\udfffy', '😀', 'é', '\u2028', ''),
  );
  const name = fc.oneof(text, fc.constantFrom('Cookie', 'set-cookie', 'AUTHORIZATION', 'Proxy-Authorization', 'Origin', 'cookie2'));
  const lines = fc.array(fc.tuple(name, text), { maxLength: 6 });
  const wire = fc.record({ request: lines, response: lines, sent: fc.option(lines, { nil: undefined }), unanswered: fc.boolean() });

  it('any names and values, redacted or not, patched or not, answered or not', () => {
    fc.assert(
      fc.property(wire, fc.boolean(), ({ request, response, sent, unanswered }, logSecrets) => {
        const record = fakeRecord(1, sent ? { patched: { removed: [], added: [], answeredPreflight: false } } : {});
        const kept: WireLines = { request, response, sent: sent ?? response, ...(unanswered ? { unanswered } : {}) };
        keepWire(record, kept as WireLines);
        expect(dataOf(storedFrame('i', 7, 1_000, record, logSecrets))).toBe(expected(7, 1_000, record, logSecrets));
      }),
      { numRuns: 500 },
    );
  });

  it('no lines kept: no lines field', () => {
    expect(dataOf(storedFrame('i', 1, 2, fakeRecord(1), false))).toBe(JSON.stringify({ seq: 1, time: 2, record: fakeRecord(1) }));
  });
});

describe("the record's fields, from the line the log wrote", () => {
  const REQUEST: HeaderLine[] = [['Origin', 'http://localhost:5173'], ['Cookie', 'sid=secret']];

  it.each([
    ['plain', fakeRecord(1)],
    ['nested-and-escaped', fakeRecord(2, { url: 'http://h/a"b\\c', msg: 'tab\there ’quotes’ 😀', chrome: { code: 'MissingAllowOriginHeader', message: 'm', variants: { fetch: 'f', xhr: 'x' } } } as never)],
    ['a-field-left-undefined', fakeRecord(3, { request: undefined } as never)],
  ])('%s: the same frame as serializing the record', (_name, record) => {
    let out = '';
    const log = createLogger({ format: 'json', level: 'info', stdout: { write: (s: string) => (out += s), isTTY: false } });
    keepWire(record, { request: REQUEST, response: [], sent: [] });
    log.logger.info(record);
    const line = lineWrittenFor(log.logger, record);
    expect(line).toBe(out);
    expect(storedFrame('i', 3, 4, record, false, line)).toBe(storedFrame('i', 3, 4, record, false));
    expect(dataOf(storedFrame('i', 3, 4, record, false, line))).toBe(expected(3, 4, record, false));
  });

  it('no line for a record the log did not write (below its level), nor once it wrote another', () => {
    const log = createLogger({ format: 'json', level: 'warn', stdout: { write: () => undefined, isTTY: false } });
    const record = fakeRecord(1);
    log.logger.info(record);
    expect(lineWrittenFor(log.logger, record)).toBeUndefined();
    log.logger.warn(record);
    expect(lineWrittenFor(log.logger, record)).toMatch(/^\{"level":40,"time":\d+,"event":"cors"/);
    log.logger.warn({ event: 'other' });
    expect(lineWrittenFor(log.logger, record)).toBeUndefined();
    expect(lineWrittenFor({}, record)).toBeUndefined();
  });

  it('a real corscope with its log: the inspector keeps the line the log wrote, serializing no record again; a late page gets each as emitted', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', req.url === '/blocked' ? 'http://elsewhere' : '*'], ['Set-Cookie', 'a=1']]));
    open.push(upstream);
    let out = '';
    const log = createLogger({ format: 'json', level: 'info', stdout: { write: (s: string) => (out += s), isTTY: false } });
    const proxy = await startProxy(upstream.origin, { logger: log.logger });
    open.push(proxy);
    const inspector = createInspector();
    inspector.follow(proxy.server);
    await inspector.listen();
    open.push(inspector);
    const stringify = vi.spyOn(JSON, 'stringify');
    for (const path of ['/a', '/b', '/blocked']) await send(proxy.port, { path, headers: corsHeaders('http://localhost:5173', [['Cookie', 'sid=secret']]) });
    const records = new Set<unknown>(proxy.records);
    expect(stringify.mock.calls.filter(([value]) => records.has(value))).toEqual([]);
    stringify.mockRestore();
    const client = await openStream(inspector.port!);
    open.push(client);
    await client.until((e) => exchanges(e).length === 3);
    const got = exchanges(client.events);
    expect(got.map((x) => JSON.stringify(x.record))).toEqual(proxy.records.map((r) => JSON.stringify(r)));
    expect(got.map((x) => x.lines)).toEqual(proxy.records.map((r) => JSON.parse(JSON.stringify(shownLines(r, false))) as unknown));
    expect(client.events.map((e) => e.data).join('\n')).not.toContain('sid=secret');
    await log.close();
    expect(out.split('\n').filter((l) => l.includes('"event":"cors"'))).toHaveLength(3);
  });
});
