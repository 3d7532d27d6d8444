/**
 * The inspector's memory: the last N records in the order they were emitted, each with a sequence
 * number (the SSE event id a page resumes from) and the time it was emitted. It keeps references
 * to the records the proxy already built; nothing is copied or serialized here.
 */
import type { ExchangeRecord } from '../log/record.js';

export interface Entry {
  /** 1, 2, 3, … in emission order, never reused within one inspector. */
  readonly seq: number;
  /** Epoch ms when the exchange was emitted (a HAR's own start time for `har --ui`). */
  readonly time: number;
  readonly record: ExchangeRecord;
}

export class History {
  // Two rings side by side rather than an object per entry: while nobody reads the history, adding
  // to it allocates nothing and keeps nothing alive but the record itself.
  private readonly records: (ExchangeRecord | undefined)[];
  private readonly times: Float64Array;
  private count = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`history limit must be a positive integer, got ${limit}`);
    this.records = new Array<ExchangeRecord | undefined>(limit).fill(undefined);
    this.times = new Float64Array(limit);
  }

  /** The sequence number of the newest entry (0 when empty). */
  get last(): number {
    return this.count;
  }

  /** The sequence number of the oldest entry still kept (`last + 1` when empty). */
  get first(): number {
    return Math.max(1, this.count - this.limit + 1);
  }

  get size(): number {
    return Math.min(this.count, this.limit);
  }

  add(record: ExchangeRecord, time: number): void {
    const slot = this.count++ % this.limit;
    this.records[slot] = record;
    this.times[slot] = time;
  }

  /** The entry with this sequence number, if it is still kept. */
  at(seq: number): Entry | undefined {
    if (seq < this.first || seq > this.count) return undefined;
    const slot = (seq - 1) % this.limit;
    return { seq, time: this.times[slot]!, record: this.records[slot]! };
  }
}
