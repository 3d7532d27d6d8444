/**
 * Identical exchanges get identical verdicts: a page polling an endpoint, a dev server refetching
 * on every save. The engine is a pure function of (stage, request, response, context), so its
 * result, the patch and the shared part of the record can be kept and reused, bounded in count and
 * key size. Only what differs per exchange (id, timing, pairing) is made anew.
 */
import type { Logger } from 'pino';
import type { ExchangeContext, HeaderLine, RequestSnapshot, ResponseSnapshot, Stage, Verdict } from '../cors/types.js';
import type { JudgedFields } from '../log/record.js';
import type { Diagnosis } from '../diagnose/types.js';

export interface Judgment {
  readonly verdict: Verdict;
  /** The head the browser gets (patched when patch mode changed it). */
  readonly status: number;
  readonly headers: readonly HeaderLine[];
  /** The record fields every exchange of this kind shares, frozen: listeners see shared objects. */
  readonly fields: JudgedFields;
  readonly msg: string;
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  /** The response echoes the request's Origin and allows credentials (what the echo memory keeps). */
  readonly echoesCredentials: boolean;
  /** How many times it was reused. */
  repeats: number;
  /** A pino child with `fields` serialized once; made on the first repeat (a one-off never pays for it). */
  log?: Logger;
  /** `headers` as `res.writeHead` takes them, hop-by-hop lines dropped; made on first use. */
  wire?: readonly string[];
  /** The diagnosis of this exchange when no body went into it, made once (a polled failing call). */
  diagnosis?: Diagnosis;
}

/** Entries kept; a key longer than this (huge cookies, hundreds of headers) is judged every time. */
const MAX_ENTRIES = 256;
const MAX_KEY_CHARS = 16 * 1024;

/**
 * Least-recently-used, but cheaply: a hit moves its entry to the young end only when it has drifted
 * into the older half (most hits on a polled endpoint then cost one Map lookup, no delete and set).
 */
export class JudgmentCache {
  private readonly entries = new Map<string, { judgment: Judgment; stamp: number }>();
  /** Keys judged once and not kept (at most MAX_ENTRIES, oldest dropped first). */
  private readonly seen = new Set<string>();
  private clock = 0;

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Judgment | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock - entry.stamp > MAX_ENTRIES / 2) {
      this.entries.delete(key);
      entry.stamp = ++this.clock;
      this.entries.set(key, entry);
    }
    return entry.judgment;
  }

  /**
   * Whether a judgment for `key` is worth keeping: only once the key comes a second time. A page
   * that asks for a new URL each time (an id, a cache-buster) otherwise fills the cache with
   * judgments used once, and every one of them survives a scavenge or two before it is pushed out:
   * on such traffic the young-generation collector spent 10–12 µs per request copying them. The key
   * alone is kept meanwhile: one flat string, no object graph.
   */
  admit(key: string): boolean {
    if (key.length > MAX_KEY_CHARS) return false;
    if (this.seen.delete(key)) return true;
    this.seen.add(key);
    if (this.seen.size > MAX_ENTRIES) this.seen.delete(this.seen.values().next().value!);
    return false;
  }

  set(key: string, judgment: Judgment): void {
    if (key.length > MAX_KEY_CHARS) return;
    this.entries.delete(key);
    this.entries.set(key, { judgment, stamp: ++this.clock });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * Everything the engine reads, as one string: every field on a line of its own (header names and
 * values cannot hold a newline), the number of request lines up front so the request and response
 * lines cannot trade places. One `join` builds it flat: concatenating line by line made a rope of
 * ~40 pieces that the Map lookup then flattened again (2.2 KB of garbage per exchange).
 */
export function judgmentKey(stage: Stage, request: RequestSnapshot, response: ResponseSnapshot, context: ExchangeContext): string {
  const parts: string[] = [stage, String(response.status), request.method, String(request.headers.length), request.url];
  for (const [name, value] of request.headers) parts.push(name, value);
  for (const [name, value] of response.headers) parts.push(name, value);
  parts.push(JSON.stringify(context));
  return parts.join('\n');
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
