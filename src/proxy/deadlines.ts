/**
 * `--timeout`: how long corscope waits for the target's response head. One sweeping timer for all
 * requests in flight instead of a socket timeout per request: `ClientRequest.setTimeout` arms and
 * disarms a timer and adds and removes listeners on every exchange (measured: ~19 µs of ~150 µs per
 * proxied request). A wait is cut between `timeoutMs` and `timeoutMs` plus a quarter of it (at most
 * one second more), which is all a "the target did not answer" diagnosis needs.
 */
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Wait {
  readonly request: ClientRequest;
  readonly since: number;
  /** Called once when the deadline passes while the request still waits for a head. */
  readonly expire: () => void;
}

export class Deadlines {
  private readonly waiting = new Set<Wait>();
  private timer: NodeJS.Timeout | undefined;
  private readonly every: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.every = Math.max(5, Math.min(1000, Math.floor(timeoutMs / 4)));
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Starts the clock for one request; `done` must be called when its head arrived or it failed. */
  start(request: ClientRequest, expire: () => void): Wait {
    const wait: Wait = { request, since: this.now(), expire };
    this.waiting.add(wait);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.every);
      this.timer.unref();
    }
    return wait;
  }

  done(wait: Wait | undefined): void {
    if (wait) this.waiting.delete(wait);
  }

  /** Stops the timer (server closing); waits still pending are left to the sockets' fate. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.waiting.clear();
  }

  sweep(): void {
    const now = this.now();
    for (const wait of this.waiting) {
      // Insertion order is start order: the first one still in time ends the sweep.
      if (now - wait.since < this.timeoutMs) break;
      this.waiting.delete(wait);
      if (!wait.request.destroyed) wait.expire();
    }
    if (this.waiting.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
