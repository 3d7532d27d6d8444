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
  private readonly ring: (Entry | undefined)[];
  private count = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`history limit must be a positive integer, got ${limit}`);
    this.ring = new Array<Entry | undefined>(limit);
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

  add(record: ExchangeRecord, time: number): Entry {
    const entry: Entry = { seq: ++this.count, time, record };
    this.ring[(entry.seq - 1) % this.limit] = entry;
    return entry;
  }

  /** The entry with this sequence number, if it is still kept. */
  at(seq: number): Entry | undefined {
    if (seq < this.first || seq > this.count) return undefined;
    return this.ring[(seq - 1) % this.limit];
  }
}
