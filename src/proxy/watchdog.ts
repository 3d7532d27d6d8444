/**
 * `--timeout`: a request whose connection to the target has been idle (no byte either way) for
 * `timeoutMs` before the response head came is cut, and the browser gets a 504.
 *
 * One timer sweeps the agent's busy sockets (`agent.sockets`, public API) and watches their byte
 * counters; a request costs two property writes on its socket when it is sent and one when it is
 * answered. The socket timeout it replaces (`proxyReq.setTimeout`, then `setTimeout(0)` on the
 * response) cost a timer object, a bound function, four listeners and a timer refresh on every
 * read and write: replacing it made small requests 3–6 % faster (bench/RESULTS.md, session 4).
 *
 * Idle, as with a socket timeout: a long upload that keeps sending is never cut, nor is a slow
 * download once its head arrived. The sweep runs every tenth of the timeout (at most once a second,
 * at least every 10 ms), so a cut comes between `timeoutMs` and `timeoutMs` plus two sweeps after
 * the last byte. It covers the connect too (a target that drops SYNs), which a socket timeout
 * only starts after. The timer runs only while something waits, and never keeps the process alive.
 */
import type { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const WAITER = Symbol('corscope.waiter');
const BYTES = Symbol('corscope.bytes');
const SINCE = Symbol('corscope.idleSince');

type Watched<T> = Socket & { [WAITER]?: T | undefined; [BYTES]?: number; [SINCE]?: number };

/** `T`: what waits on a socket (the session), handed to `onTimeout` once if its wait runs out. */
export class Watchdog<T extends object> {
  readonly periodMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly agent: Agent,
    readonly timeoutMs: number,
    private readonly onTimeout: (waiter: T) => void,
  ) {
    this.periodMs = Math.min(1000, Math.max(10, Math.floor(timeoutMs / 10)));
  }

  /** The request on `socket` now waits for its response head (`now`: for tests). */
  wait(socket: Socket, waiter: T, now = performance.now()): void {
    const watched = socket as Watched<T>;
    watched[WAITER] = waiter;
    watched[BYTES] = socket.bytesRead + socket.bytesWritten;
    watched[SINCE] = now;
    this.timer ??= setInterval(() => this.sweep(), this.periodMs).unref();
  }

  /** The response head came (or the request is over): no cut any more. */
  answered(socket: Socket | null | undefined): void {
    if (socket) (socket as Watched<T>)[WAITER] = undefined;
  }

  /** Whether the sweep timer runs (something waits). */
  get watching(): boolean {
    return this.timer !== undefined;
  }

  /** One look at every busy socket; public for tests (`now` in `performance.now()` ms). */
  sweep(now = performance.now()): void {
    let waiting = 0;
    const expired: T[] = [];
    for (const name in this.agent.sockets) {
      for (const socket of (this.agent.sockets[name] ?? []) as Watched<T>[]) {
        const waiter = socket[WAITER];
        if (!waiter) continue;
        const bytes = socket.bytesRead + socket.bytesWritten;
        if (bytes !== socket[BYTES]) {
          socket[BYTES] = bytes;
          socket[SINCE] = now;
          waiting++;
        } else if (now - socket[SINCE]! >= this.timeoutMs) {
          socket[WAITER] = undefined;
          expired.push(waiter);
        } else waiting++;
      }
    }
    if (waiting === 0) this.stop();
    // After the loop: cutting a request changes the agent's lists.
    for (const waiter of expired) this.onTimeout(waiter);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
