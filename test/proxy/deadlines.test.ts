/** `--timeout` by one sweeping timer (deadlines.ts): who is cut, when, and who is left alone. */
import type { ClientRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/proxy/deadlines.js';

const request = (destroyed = false): ClientRequest => ({ destroyed }) as ClientRequest;
const made: Deadlines[] = [];
afterEach(() => {
  while (made.length) made.pop()!.stop();
});

function clocked(timeoutMs: number): { deadlines: Deadlines; at: (ms: number) => void } {
  let now = 0;
  const deadlines = new Deadlines(timeoutMs, () => now);
  made.push(deadlines);
  return { deadlines, at: (ms) => void (now = ms) };
}

describe('Deadlines', () => {
  it('cuts exactly the waits older than the timeout, oldest first', () => {
    const { deadlines, at } = clocked(1000);
    const cut: string[] = [];
    for (const [name, t] of [['a', 0], ['b', 400], ['c', 900]] as const) {
      at(t);
      deadlines.start(request(), () => cut.push(name));
    }
    at(999);
    deadlines.sweep();
    expect(cut).toEqual([]);
    at(1400);
    deadlines.sweep();
    expect(cut).toEqual(['a', 'b']);
    expect(deadlines.size).toBe(1);
  });

  it('a wait that got its head (done) or whose request is already destroyed is never cut', () => {
    const { deadlines, at } = clocked(100);
    const cut: string[] = [];
    const answered = deadlines.start(request(), () => cut.push('answered'));
    deadlines.start(request(true), () => cut.push('aborted'));
    deadlines.done(answered);
    at(500);
    deadlines.sweep();
    expect(cut).toEqual([]);
    expect(deadlines.size).toBe(0);
  });

  it('with a real clock: a 40 ms timeout fires after 40 ms and before 40 + 10 + slack', async () => {
    const deadlines = new Deadlines(40);
    made.push(deadlines);
    const started = performance.now();
    const fired = await new Promise<number>((resolve) => deadlines.start(request(), () => resolve(performance.now() - started)));
    expect(fired).toBeGreaterThanOrEqual(40);
    expect(fired).toBeLessThan(40 + 10 + 100);
  });

  it('stop() forgets every wait and the timer', () => {
    const { deadlines } = clocked(100);
    deadlines.start(request(), () => undefined);
    deadlines.stop();
    expect(deadlines.size).toBe(0);
  });
});
