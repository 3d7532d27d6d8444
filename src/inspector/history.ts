/**
 * The inspector's memory: the last N exchanges in the order they were emitted, each with a sequence
 * number (the SSE event id a page resumes from) and the time it was emitted.
 *
 * It must cost the proxy next to nothing while no page is open, and anything it keeps alive for the
 * next thousand exchanges outlives the young generation's collections: on a new URL per request
 * (every record its own object graph, with its header lines) keeping the records themselves doubled
 * the young collector's time per request and added ~27 MiB of peak RSS (bench/RESULTS.md, session
 * 8). So an exchange is kept as the bytes of its frame, serialized once when it is added (frame.ts),
 * in one buffer outside the JavaScript heap: the record dies young and the collector never sees the
 * bytes. The exception is a record whose parts are shared (a repeat of a judgment: its frozen parts
 * and header lines are the judgment's): kept by reference, it holds a few small objects of its own,
 * and its frame refers to what it shares, which a page is sent once.
 *
 * Bounded twice: at most `limit` exchanges, and at most `maxBytes` of frames (the buffer starts
 * small and doubles only while the newest `limit` frames do not fit).
 */
import type { ExchangeRecord } from '../log/record.js';

export type Entry =
  /** Kept by reference: the frame is made when a page needs it. */
  | { readonly seq: number; readonly time: number; readonly record: ExchangeRecord; readonly text?: undefined }
  /** Kept serialized: `text` is the whole frame. */
  | { readonly seq: number; readonly time: number; readonly text: string; readonly record?: undefined };

/** The buffer's first size; it doubles while the newest `limit` frames do not fit, up to `maxBytes`. */
const START_BYTES = 64 * 1024;
/** Frames kept at most, in bytes: 1000 exchanges of 16 KiB each (a typical one is 1–4 KiB). */
export const HISTORY_BYTES = 16 * 1024 * 1024;

export class History {
  // One slot per exchange, side by side in typed arrays rather than an object per entry: adding to
  // the history allocates nothing on the heap but the frame's string, which dies young.
  private readonly records: (ExchangeRecord | undefined)[];
  private readonly times: Float64Array;
  /** Where the frame's bytes start in `bytes`; -1 for a record kept by reference. */
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  /** The sequence numbers of the frames in `bytes`, oldest first (a queue in a ring). */
  private readonly frames: Float64Array;
  private framesHead = 0;
  private framesSize = 0;
  private bytes: Buffer;
  /** Where the next frame's bytes go. */
  private head = 0;
  private count = 0;
  /** Entries before this one left the history early: newer frames took their bytes. */
  private intact = 1;

  readonly maxBytes: number;

  /** `maxBytes`: frames kept at most (default HISTORY_BYTES); `startBytes`: the buffer's first size. */
  constructor(
    readonly limit: number,
    { maxBytes = HISTORY_BYTES, startBytes = START_BYTES }: { readonly maxBytes?: number; readonly startBytes?: number } = {},
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`history limit must be a positive integer, got ${limit}`);
    this.maxBytes = maxBytes;
    this.records = new Array<ExchangeRecord | undefined>(limit).fill(undefined);
    this.times = new Float64Array(limit);
    this.starts = new Int32Array(limit);
    this.lengths = new Int32Array(limit);
    this.frames = new Float64Array(limit);
    this.bytes = Buffer.allocUnsafe(Math.min(startBytes, maxBytes));
  }

  /** The sequence number of the newest entry (0 when empty). */
  get last(): number {
    return this.count;
  }

  /** The sequence number of the oldest entry still kept (`last + 1` when empty). */
  get first(): number {
    return Math.max(1, this.count - this.limit + 1, this.intact);
  }

  get size(): number {
    return this.count - this.first + 1;
  }

  /** Bytes set aside for frames (grows to `maxBytes` at most). */
  get capacity(): number {
    return this.bytes.length;
  }

  /**
   * Adds the next exchange (sequence number `last + 1`): `text`, its whole frame, or without it
   * (or when it is larger than the history may hold) the record itself.
   */
  add(record: ExchangeRecord, time: number, text?: string): void {
    const seq = this.count + 1;
    const slot = (seq - 1) % this.limit;
    // The entry this one replaces in its slot leaves the history.
    if (this.framesSize > 0 && this.frames[this.framesHead] === seq - this.limit) this.shift();
    let start = -1;
    let length = 0;
    if (text !== undefined && text.length <= this.maxBytes) {
      length = Buffer.byteLength(text);
      if (length <= this.maxBytes) start = this.place(length);
    }
    if (start >= 0) {
      this.bytes.write(text!, start, length);
      this.records[slot] = undefined;
      this.frames[(this.framesHead + this.framesSize++) % this.limit] = seq;
    } else this.records[slot] = record;
    this.starts[slot] = start;
    this.lengths[slot] = length;
    this.times[slot] = time;
    this.count = seq;
  }

  /** The entry with this sequence number, if it is still kept. */
  at(seq: number): Entry | undefined {
    if (seq < this.first || seq > this.count) return undefined;
    const slot = (seq - 1) % this.limit;
    const time = this.times[slot]!;
    const start = this.starts[slot]!;
    if (start < 0) return { seq, time, record: this.records[slot]! };
    return { seq, time, text: this.bytes.toString('utf8', start, start + this.lengths[slot]!) };
  }

  /**
   * Where the next frame's `length` bytes go: after the newest frame, or at the buffer's start when
   * they do not fit before its end. The frames they overwrite are the oldest: they leave the
   * history, with every entry before them. The buffer doubles instead, up to `maxBytes`.
   */
  private place(length: number): number {
    for (;;) {
      const wraps = this.head + length > this.bytes.length;
      const start = wraps ? 0 : this.head;
      const end = start + length;
      let overwrites = false;
      if (this.framesSize > 0) {
        const slot = (this.frames[this.framesHead]! - 1) % this.limit;
        const s = this.starts[slot]!;
        const e = s + this.lengths[slot]!;
        // Given up: [start, end), and on a wrap the tail from the head to the end of the buffer.
        overwrites = wraps ? e > this.head || s < end : s < end && e > start;
      }
      if ((overwrites || length > this.bytes.length) && this.bytes.length < this.maxBytes) {
        this.grow();
        continue;
      }
      // Frames lie in the buffer in the order they were added: the first one untouched ends it.
      while (this.framesSize > 0) {
        const seq = this.frames[this.framesHead]!;
        const slot = (seq - 1) % this.limit;
        const s = this.starts[slot]!;
        const e = s + this.lengths[slot]!;
        if (!(wraps ? e > this.head || s < end : s < end && e > start)) break;
        this.shift();
        for (let older = Math.max(this.intact, this.count - this.limit + 2); older <= seq; older++) this.records[(older - 1) % this.limit] = undefined;
        this.intact = seq + 1;
      }
      this.head = end;
      return start;
    }
  }

  private shift(): void {
    this.framesHead = (this.framesHead + 1) % this.limit;
    this.framesSize--;
  }

  /** Doubles the buffer, the frames kept copied to its start in order. */
  private grow(): void {
    const bigger = Buffer.allocUnsafe(Math.min(this.bytes.length * 2, this.maxBytes));
    let at = 0;
    for (let i = 0; i < this.framesSize; i++) {
      const slot = (this.frames[(this.framesHead + i) % this.limit]! - 1) % this.limit;
      const start = this.starts[slot]!;
      const length = this.lengths[slot]!;
      this.bytes.copy(bigger, at, start, start + length);
      this.starts[slot] = at;
      at += length;
    }
    this.bytes = bigger;
    this.head = at;
  }
}
