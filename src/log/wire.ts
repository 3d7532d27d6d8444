/**
 * The header lines of an exchange as they were on the wire, for the inspector's side-by-side view.
 * The log writes them only at debug level (the record's `headers`); the inspector needs them for
 * every exchange, so they ride on the record under a symbol: not an own enumerable field, so pino,
 * JSON.stringify, the pretty view and the judgment cache never see them. They are references to
 * arrays the exchange already built (nothing is copied), kept only while an inspector asks for
 * them, and redacted when they are serialized (`wireLines`), exactly as the log redacts.
 */
import type { HeaderLine } from '../cors/types.js';
import type { ExchangeRecord } from './record.js';
import { redactLines } from './redact.js';

export interface WireLines {
  /** The request's header lines as the browser sent them. */
  readonly request: readonly HeaderLine[];
  /** The response's header lines as the target sent them (a Location pointing at the target rewritten to corscope). */
  readonly response: readonly HeaderLine[];
  /** What the browser got (patched when patch mode changed it). */
  readonly sent: readonly HeaderLine[];
  /** Set when no target answered this request (corscope answered the preflight itself). */
  readonly unanswered?: boolean;
}

const WIRE = Symbol.for('corscope.wire');

/**
 * The lines of the first exchange of each judgment (proxy/judgments.ts). Its key holds every
 * request and response line, so a repeat's lines are those, line for line: the record refers to
 * them and its own arrays are not kept (a polled endpoint would otherwise keep ~2 KB of fresh
 * arrays per record alive, promoted to the old generation, for as long as the history holds it).
 */
const SHARED = new WeakMap<object, WireLines>();
const SHARED_LINES = new WeakSet<WireLines>();

/**
 * Attaches the exchange's header lines to its record (non-enumerable: never logged). `judgment`:
 * the judgment the record shares its verdict with, whose lines are the same. Lines no judgment
 * shares are the exchange's own arrays: the inspector serializes such a record when it is emitted
 * (inspector/history.ts), so they die young with it.
 */
export function keepWire(record: ExchangeRecord, lines: WireLines, judgment?: object): void {
  let kept = lines;
  if (judgment) {
    const shared = SHARED.get(judgment);
    if (shared) kept = shared;
    else {
      SHARED.set(judgment, lines);
      SHARED_LINES.add(lines);
    }
  }
  Object.defineProperty(record, WIRE, { value: kept, configurable: true, writable: true, enumerable: false });
}

export function wireOf(record: ExchangeRecord): WireLines | undefined {
  return (record as { [WIRE]?: WireLines })[WIRE];
}

/** Whether these lines are a judgment's, shared by every repeat of it. */
export function sharedLines(lines: WireLines): boolean {
  return SHARED_LINES.has(lines);
}

export interface ShownLines {
  request: HeaderLine[];
  response: HeaderLine[];
  /** Only when patch mode changed what the browser got. */
  sent?: HeaderLine[];
  unanswered?: true;
}

/** The record's lines as the log would write them: secrets redacted unless `--log-secrets`. */
export function shownLines(record: ExchangeRecord, logSecrets: boolean): ShownLines | undefined {
  const lines = wireOf(record);
  if (!lines) return undefined;
  const show = (l: readonly HeaderLine[]): HeaderLine[] => (logSecrets ? [...l] : redactLines(l));
  return {
    request: show(lines.request),
    response: show(lines.response),
    ...(record.patched ? { sent: show(lines.sent) } : {}),
    ...(lines.unanswered ? { unanswered: true as const } : {}),
  };
}
