/**
 * A log destination that writes once per event-loop turn: `write` only encodes the line into a
 * buffer, and one `setImmediate` hands everything queued in that turn to the sink as ONE synchronous
 * write. A busy proxy logging dozens of exchanges per turn makes one write syscall, not one per line,
 * and no thread-pool round trip; a developer clicking sees each line on the next turn, never after a
 * timer.
 */
import { pino } from 'pino';

/** Where a batch goes, one call per flush. `write` may throw: sonic-boom in sync mode does (EPIPE). */
export interface BatchSink {
  /** Writes all of `bytes` before returning: the buffer is reused for the next batch. */
  write(bytes: Uint8Array): void;
  /** Ends the sink; resolves once everything written is on disk and the descriptor closed. */
  end(): Promise<void>;
  /** Gives the sink up after a failed write: never written again, closed without a retry. */
  abandon(): void;
}

export interface BatchDestination {
  /** Queues one NDJSON line; never throws. */
  write(line: string): void;
  /** Writes what is queued now (pino's `flushSync`, and the process `exit` hook). */
  flushSync(): void;
  /** Writes what is queued, then ends the sink; later lines are dropped. Same promise every call. */
  end(): Promise<void>;
}

/**
 * The batch buffer, in bytes: a line that does not fit any more sends what is queued first, in the
 * middle of the turn, so a burst never holds more than this. Allocated once per destination and
 * reused: each line is encoded straight into it (no joined string, no Buffer per line: ~5 KB less
 * garbage per 3 KB record), and its pages stay mapped (fresh batches past 128 KiB page-faulted).
 */
export const BATCH_LIMIT = 256 * 1024;

/** Destinations not yet ended: a `process.exit()` (second Ctrl-C) or a fatal exception still writes them. */
const unended = new Set<BatchDestination>();
const flushUnended = (): void => {
  for (const destination of unended) destination.flushSync();
};

/**
 * @param onError called once, with the first error a write throws; from then on lines are dropped
 *   (a full disk must not pile them up on the heap) and the proxy keeps running.
 */
export function createBatchDestination(sink: BatchSink, onError: (err: Error) => void, limit = BATCH_LIMIT): BatchDestination {
  const buffer = Buffer.allocUnsafe(limit);
  let used = 0;
  let scheduled = false;
  let failed = false;
  let ending: Promise<void> | undefined;

  const send = (bytes: Uint8Array): void => {
    try {
      sink.write(bytes);
    } catch (err) {
      failed = true;
      onError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const flush = (): void => {
    if (used === 0) return;
    const bytes = buffer.subarray(0, used);
    used = 0;
    if (!failed) send(bytes);
  };
  const onTurnEnd = (): void => {
    scheduled = false;
    flush();
  };

  const destination: BatchDestination = {
    write(line: string): void {
      if (failed || ending) return;
      // A UTF-16 unit is at most 3 bytes of UTF-8: measure exactly only when that bound says no.
      if (used + line.length * 3 > limit) {
        const size = Buffer.byteLength(line);
        if (used + size > limit) flush();
        if (size > limit) {
          // Larger than a whole batch (a huge debug record): on its own, after what came before.
          if (!failed) send(Buffer.from(line));
          return;
        }
      }
      used += buffer.write(line, used);
      if (!scheduled) {
        scheduled = true;
        setImmediate(onTurnEnd);
      }
    },
    flushSync: flush,
    end(): Promise<void> {
      if (!ending) {
        flush();
        unended.delete(destination);
        if (unended.size === 0) process.off('exit', flushUnended);
        if (failed) {
          sink.abandon();
          ending = Promise.resolve();
        } else {
          ending = sink.end();
        }
      }
      return ending;
    },
  };
  if (unended.size === 0) process.on('exit', flushUnended);
  unended.add(destination);
  return destination;
}

/**
 * A batch destination on a file descriptor (1: stdout) or a file path (appended, directories
 * created), through sonic-boom in sync mode: it retries EAGAIN on a non-blocking pipe and loops
 * over partial writes. A file that cannot be opened is reported through `onError` at once.
 */
export function openBatchDestination(dest: number | string, onError: (err: Error) => void): BatchDestination {
  let sink: BatchSink;
  try {
    sink = sonicSink(dest);
  } catch (err) {
    onError(err as Error);
    return { write: () => undefined, flushSync: () => undefined, end: () => Promise.resolve() };
  }
  return createBatchDestination(sink, onError);
}

type Boom = ReturnType<typeof pino.destination>;

function sonicSink(dest: number | string): BatchSink {
  // Buffer mode: the batch arrives encoded. In utf8 mode sonic-boom measures the string, the write
  // encodes it, then it encodes it again to slice off the written part (20 lines: 29 → 17 µs).
  // In sync mode a write is done (partial writes looped, EAGAIN slept on) when `write` returns, so
  // sonic-boom holds no reference to the batch buffer afterwards.
  const boom: Boom = pino.destination({ dest, sync: true, mkdir: true, contentMode: 'buffer' });
  // With a listener, sonic-boom emits a failed write's error instead of throwing it (and pino's own
  // listener turns EPIPE into silence): keep the first, and throw it from `write` ourselves.
  let error: Error | undefined;
  boom.on('error', (err: Error) => (error ??= err));
  return {
    write(bytes: Uint8Array): void {
      boom.write(bytes as unknown as string);
      if (error) throw error;
    },
    end: () =>
      new Promise((resolve) => {
        if ((boom as Boom & { destroyed?: boolean }).destroyed) return resolve();
        boom.once('close', () => resolve());
        boom.once('error', () => resolve());
        boom.end();
      }),
    abandon(): void {
      try {
        boom.destroy();
      } catch {
        // Already closed: nothing left to give up.
      }
    },
  };
}
