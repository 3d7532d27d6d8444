/**
 * Server-sent events as the inspector writes them (HTML Living Standard §9.2): one `exchange` event
 * per record, its id `<instance>.<seq>` so a page that reconnects says where it stopped (the
 * browser sends it back as Last-Event-ID) and a page of an earlier corscope run is told apart.
 * `data` is one line of JSON (JSON.stringify escapes CR and LF): the record as emitted, with its
 * header lines redacted as the log redacts them.
 *
 * What many records share is sent once per page: a repeat's record refers to the judgment's
 * frozen parts (Chrome's lines, the findings, the other browsers: most of its bytes) and to its
 * header lines. Each is a `shared` event `{"ref": n, "value": …}`, sent before the first record
 * that uses it, and stands in that record as `{"$shared": n}`; the page puts the value back, so
 * what it holds is the record, field for field. A page following a polled endpoint then costs
 * the proxy a few short fields per exchange, serialized and sent.
 */
import type { HeaderLine } from '../cors/types.js';
import type { ExchangeRecord } from '../log/record.js';
import { isSecretHeader, redactLines } from '../log/redact.js';
import { sharedLines, shownLines, wireOf, type WireLines } from '../log/wire.js';

/** A value many records share, serialized once. */
export interface Shared {
  readonly ref: number;
  readonly json: string;
}

export interface Frame {
  readonly text: string;
  /** What the page must have been sent before this frame, in order. */
  readonly shared: readonly Shared[];
}

/** An exchange kept by reference in the history (history.ts). */
export interface KeptRecord {
  readonly seq: number;
  readonly time: number;
  readonly record: ExchangeRecord;
}

export function exchangeFrame(instance: string, entry: KeptRecord, logSecrets: boolean): Frame {
  const shared: Shared[] = [];
  const lines = linesJson(entry.record, logSecrets, shared);
  const data = `{"seq":${entry.seq},"time":${entry.time},"record":${recordJson(entry.record, shared)}${lines === undefined ? '' : `,"lines":${lines}`}}`;
  return { text: `id: ${instance}.${entry.seq}\nevent: exchange\ndata: ${data}\n\n`, shared };
}

/**
 * Whether the history keeps this record by reference rather than as its serialized frame: a
 * repeat, whose frozen parts and header lines are its judgment's (proxy/judgments.ts), owns only a
 * few small fields, and its frame can refer to what it shares.
 */
export function sharesItsParts(record: ExchangeRecord): boolean {
  const wire = wireOf(record);
  return wire !== undefined && sharedLines(wire);
}

/**
 * The whole frame of an exchange, nothing referred to: what the history keeps of a record that
 * shares nothing, made when the record is emitted (the record the log writes, as it was then).
 * `data` is what `exchangeFrame` writes for it. `line`: the NDJSON line the log wrote for this
 * record (log/logger.ts lineWrittenFor), whose fields are the record's as JSON.stringify writes
 * them: taken as they are rather than serialized a second time (on the bench's `distinct`
 * workload that was a third of this function's time).
 */
export function storedFrame(instance: string, seq: number, time: number, record: ExchangeRecord, logSecrets: boolean, line?: string): string {
  const wire = wireOf(record);
  const lines = wire === undefined ? '' : `,"lines":${plainLinesJson(wire, record, logSecrets)}`;
  const fields = (line === undefined ? undefined : fieldsOfLine(line)) ?? JSON.stringify(record);
  return `id: ${instance}.${seq}\nevent: exchange\ndata: {"seq":${seq},"time":${time},"record":${fields}${lines}}\n\n`;
}

/** `{"level":30,"time":1796…,"event":…}\n` → `{"event":…}`; undefined for a line of another shape. */
function fieldsOfLine(line: string): string | undefined {
  if (!line.startsWith('{"level":') || !line.endsWith('}\n')) return undefined;
  const time = line.indexOf(',"time":');
  const end = time < 0 ? -1 : line.indexOf(',', time + 8);
  return end < 0 ? undefined : `{${line.slice(end + 1, -1)}`;
}

/**
 * JSON.stringify(shownLines(record, logSecrets)), copying only a group that holds a secret. (Written
 * by hand, line by line, it took as long once the frame was made flat, and allocated 3.4x more.)
 */
function plainLinesJson(wire: WireLines, record: ExchangeRecord, logSecrets: boolean): string {
  const group = (lines: readonly HeaderLine[]): string => JSON.stringify(logSecrets || !lines.some(secret) ? lines : redactLines(lines));
  return `{"request":${group(wire.request)},"response":${group(wire.response)}${record.patched ? `,"sent":${group(wire.sent)}` : ''}${wire.unanswered ? ',"unanswered":true' : ''}}`;
}

const secret = (line: HeaderLine): boolean => isSecretHeader(line[0]);

export function sharedFrame(shared: Shared): string {
  return `event: shared\ndata: {"ref":${shared.ref},"value":${shared.json}}\n\n`;
}

export function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** JSON.stringify(record), its frozen parts as references to `shared` values. */
function recordJson(record: ExchangeRecord, shared: Shared[]): string {
  if (typeof (record as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(record);
  let out = '';
  for (const key in record) {
    const value = (record as unknown as Record<string, unknown>)[key];
    let json: string | undefined;
    if (value !== null && typeof value === 'object' && Object.isFrozen(value)) json = reference(value, () => JSON.stringify(value), shared);
    else json = JSON.stringify(value) as string | undefined;
    if (json === undefined) continue;
    out += `${out ? ',' : '{'}${keyJson(key)}:${json}`;
  }
  return out ? `${out}}` : '{}';
}

const REFS = { record: new WeakMap<object, Shared>(), redacted: new WeakMap<object, Shared>(), shown: new WeakMap<object, Shared>() };
let nextRef = 0;

function reference(value: object, json: () => string, shared: Shared[], refs = REFS.record): string {
  let known = refs.get(value);
  if (known === undefined) {
    known = { ref: ++nextRef, json: json() };
    refs.set(value, known);
  }
  if (!shared.includes(known)) shared.push(known);
  return `{"$shared":${known.ref}}`;
}

const KEYS = new Map<string, string>();

function keyJson(key: string): string {
  let json = KEYS.get(key);
  if (json === undefined) {
    json = JSON.stringify(key);
    if (KEYS.size < 256) KEYS.set(key, json);
  }
  return json;
}

/** The lines, redacted; a repeat's (shared by its judgment) as a reference. */
function linesJson(record: ExchangeRecord, logSecrets: boolean, shared: Shared[]): string | undefined {
  const wire: WireLines | undefined = wireOf(record);
  if (!wire) return undefined;
  const json = (): string => JSON.stringify(shownLines(record, logSecrets));
  return sharedLines(wire) ? reference(wire, json, shared, logSecrets ? REFS.shown : REFS.redacted) : json();
}

/** Where a page resumes: the `<instance>.<seq>` it last saw, when it is this instance's. */
export function resumeAfter(lastEventId: string | undefined, instance: string): number | undefined {
  if (!lastEventId) return undefined;
  const dot = lastEventId.lastIndexOf('.');
  if (dot < 0 || lastEventId.slice(0, dot) !== instance) return undefined;
  const seq = Number(lastEventId.slice(dot + 1));
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}
