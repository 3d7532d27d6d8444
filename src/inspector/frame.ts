/**
 * Server-sent events as the inspector writes them (HTML Living Standard §9.2): one `exchange` event
 * per record, its id `<instance>.<seq>` so a page that reconnects says where it stopped (the
 * browser sends it back as Last-Event-ID) and a page of an earlier corscope run is told apart.
 * `data` is one line of JSON (JSON.stringify escapes CR and LF), the record exactly as emitted,
 * with its header lines redacted as the log redacts them.
 */
import type { ExchangeRecord } from '../log/record.js';
import { shownLines, wireOf, type WireLines } from '../log/wire.js';
import type { Entry } from './history.js';

export function exchangeFrame(instance: string, entry: Entry, logSecrets: boolean): string {
  const lines = linesJson(entry.record, logSecrets);
  const data = `{"seq":${entry.seq},"time":${entry.time},"record":${recordJson(entry.record)}${lines === undefined ? '' : `,"lines":${lines}`}}`;
  return `id: ${instance}.${entry.seq}\nevent: exchange\ndata: ${data}\n\n`;
}

export function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * JSON.stringify(record), with the frozen parts serialized once: a repeat's record shares the
 * judgment's frozen fields (Chrome's lines, the findings, the other browsers: most of its bytes),
 * so a page following a polled endpoint costs the proxy a few short fields per exchange.
 */
export function recordJson(record: ExchangeRecord): string {
  if (typeof (record as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(record);
  let out = '';
  for (const key in record) {
    const value = (record as unknown as Record<string, unknown>)[key];
    const json = valueJson(value);
    if (json === undefined) continue;
    out += `${out ? ',' : '{'}${keyJson(key)}:${json}`;
  }
  return out ? `${out}}` : '{}';
}

const FROZEN = new WeakMap<object, string>();
const KEYS = new Map<string, string>();

function valueJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || !Object.isFrozen(value)) return JSON.stringify(value) as string | undefined;
  let json = FROZEN.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    FROZEN.set(value, json);
  }
  return json;
}

function keyJson(key: string): string {
  let json = KEYS.get(key);
  if (json === undefined) {
    json = JSON.stringify(key);
    if (KEYS.size < 256) KEYS.set(key, json);
  }
  return json;
}

/** Repeats share their lines (log/wire.ts): those are redacted and serialized once (per way of redacting). */
const LINES = { redacted: new WeakMap<WireLines, string>(), shown: new WeakMap<WireLines, string>() };

function linesJson(record: ExchangeRecord, logSecrets: boolean): string | undefined {
  const wire = wireOf(record);
  if (!wire) return undefined;
  const cache = logSecrets ? LINES.shown : LINES.redacted;
  let json = cache.get(wire);
  if (json === undefined) {
    json = JSON.stringify(shownLines(record, logSecrets));
    cache.set(wire, json);
  }
  return json;
}

/** Where a page resumes: the `<instance>.<seq>` it last saw, when it is this instance's. */
export function resumeAfter(lastEventId: string | undefined, instance: string): number | undefined {
  if (!lastEventId) return undefined;
  const dot = lastEventId.lastIndexOf('.');
  if (dot < 0 || lastEventId.slice(0, dot) !== instance) return undefined;
  const seq = Number(lastEventId.slice(dot + 1));
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}
