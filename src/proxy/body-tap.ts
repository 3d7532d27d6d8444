/**
 * Reads along with the response body on its way to the browser, keeping its first bytes for the
 * record. It only listens: the stream to the browser is never buffered, delayed or slowed, and it
 * lets go at the bound, at the end of the body, or after `waitMs` (a body that never ends).
 */
import type { Readable } from 'node:stream';

export interface Tapped {
  readonly bytes: Buffer;
  readonly seen: number;
  readonly truncated: boolean;
}

export function tapBody(from: Readable, limit: number, waitMs: number, done: (tapped: Tapped) => void): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  let seen = 0;
  let finished = false;
  const finish = (truncated: boolean): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    from.off('data', onData);
    from.off('end', onEnd);
    from.off('close', onClose);
    done({ bytes: Buffer.concat(chunks), seen, truncated });
  };
  const onData = (chunk: Buffer): void => {
    seen += chunk.length;
    if (kept < limit) {
      // A copy: holding a slice would keep the whole chunk alive.
      const part = Buffer.from(chunk.subarray(0, limit - kept));
      chunks.push(part);
      kept += part.length;
    }
    if (kept >= limit) finish(true);
  };
  const onEnd = (): void => finish(false);
  const onClose = (): void => finish(!from.readableEnded);
  const timer = setTimeout(() => finish(true), waitMs);
  timer.unref();
  if (from.readableEnded) {
    finish(false);
    return;
  }
  from.on('data', onData);
  from.once('end', onEnd);
  from.once('close', onClose);
}
