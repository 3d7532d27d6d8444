/**
 * The batching log destination: one write per event-loop turn, bounded bursts, nothing lost on
 * end or exit, and a failing sink reported once without taking the caller down.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BATCH_LIMIT, createBatchDestination, openBatchDestination, type BatchSink } from '../../src/log/batch.js';
import { createLogger } from '../../src/log/logger.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const distBatch = fileURLToPath(new URL('../../dist/log/batch.js', import.meta.url));
const distLogger = fileURLToPath(new URL('../../dist/log/logger.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(distLogger)) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Resolves after the destination's own `setImmediate` (queued earlier, so it runs first). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A sink that records what happens to it, and throws `fail` from `write` when given. */
function fakeSink(fail?: Error) {
  const events: string[] = [];
  const writes: string[] = [];
  const sink: BatchSink = {
    write(bytes) {
      events.push('write');
      if (fail) throw fail;
      // The destination reuses its buffer: keep a copy, as a real sink has written it by now.
      writes.push(Buffer.from(bytes).toString());
    },
    end: async () => void events.push('end'),
    abandon: () => void events.push('abandon'),
  };
  return { sink, events, writes };
}

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: simulated, write`), { code });
const line = (i: number, size = 0): string => `{"n":${i}${size ? `,"pad":"${'x'.repeat(size)}"` : ''}}\n`;

describe('batching', () => {
  it.each([1, 2, 50])('%i lines written in one turn go out in one write, in order, on the next turn', async (count) => {
    const { sink, writes } = fakeSink();
    const destination = createBatchDestination(sink, () => undefined);
    const lines = Array.from({ length: count }, (_, i) => line(i, 3000));
    for (const l of lines) destination.write(l);
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([lines.join('')]);
    await destination.end();
  });

  it('lines in separate turns each go out after one setImmediate', async () => {
    const { sink, writes } = fakeSink();
    const destination = createBatchDestination(sink, () => undefined);
    destination.write(line(1));
    await nextTurn();
    expect(writes).toEqual([line(1)]);
    destination.write(line(2));
    await nextTurn();
    expect(writes).toEqual([line(1), line(2)]);
    await nextTurn();
    expect(writes).toHaveLength(2);
    await destination.end();
  });

  it('a burst that fills the buffer in one turn: the full buffer goes out at once, the rest of the turn on the next', async () => {
    const { sink, writes } = fakeSink();
    const destination = createBatchDestination(sink, () => undefined);
    const big = Array.from({ length: 16 }, (_, i) => String(i % 10).repeat(BATCH_LIMIT / 16 - 1) + '\n');
    expect(big.join('')).toHaveLength(BATCH_LIMIT);
    for (const l of big) destination.write(l);
    expect(writes).toEqual([]); // exactly full is not past it
    destination.write(line(16));
    expect(writes).toEqual([big.join('')]);
    destination.write(line(17));
    expect(writes).toHaveLength(1);
    await nextTurn();
    expect(writes).toEqual([big.join(''), line(16) + line(17)]);
    await destination.end();
  });

  it('the buffer counts bytes, not characters: multi-byte lines are cut where they would overflow', async () => {
    const { sink, writes } = fakeSink();
    const destination = createBatchDestination(sink, () => undefined, 64);
    const wide = `{"s":"${'é'.repeat(10)}"}\n`; // 30 bytes, 19 characters
    for (let i = 0; i < 3; i++) destination.write(wide);
    expect(writes).toEqual([wide + wide]);
    await nextTurn();
    expect(writes).toEqual([wide + wide, wide]);
    await destination.end();
  });

  it('a line larger than the whole buffer goes out on its own, after what was queued before it', async () => {
    const { sink, writes } = fakeSink();
    const destination = createBatchDestination(sink, () => undefined, 64);
    const huge = line(2, 200);
    destination.write(line(1));
    destination.write(huge);
    expect(writes).toEqual([line(1), huge]);
    destination.write(line(3));
    await nextTurn();
    expect(writes).toEqual([line(1), huge, line(3)]);
    await destination.end();
  });

  it('the reused buffer never leaks one batch into the next', async () => {
    const { sink, writes } = fakeSink();
    const destination = createBatchDestination(sink, () => undefined, 64);
    destination.write(line(1, 40));
    await nextTurn();
    destination.write(line(2));
    await nextTurn();
    expect(writes).toEqual([line(1, 40), line(2)]);
    await destination.end();
  });

  it('flushSync() writes the pending batch now; the turn then has nothing left to write', async () => {
    const { sink, writes } = fakeSink();
    const destination = createBatchDestination(sink, () => undefined);
    destination.write(line(1));
    destination.flushSync();
    expect(writes).toEqual([line(1)]);
    await nextTurn();
    expect(writes).toEqual([line(1)]);
    await destination.end();
  });
});

describe('end()', () => {
  it('writes the pending batch, then ends the sink; later lines are dropped', async () => {
    const { sink, events, writes } = fakeSink();
    const destination = createBatchDestination(sink, () => undefined);
    destination.write(line(1));
    destination.write(line(2));
    const ended = destination.end();
    expect(destination.end()).toBe(ended);
    await ended;
    expect(events).toEqual(['write', 'end']);
    expect(writes).toEqual([line(1) + line(2)]);
    destination.write(line(3));
    await nextTurn();
    expect(events).toEqual(['write', 'end']);
  });

  it('with nothing pending, only ends the sink', async () => {
    const { sink, events } = fakeSink();
    await createBatchDestination(sink, () => undefined).end();
    expect(events).toEqual(['end']);
  });
});

describe('a failing sink', () => {
  it.each(['EPIPE', 'EBADF', 'ENOSPC'])('%s: write() does not throw, the error is reported once, the sink is given up', async (code) => {
    const err = errno(code);
    const { sink, events } = fakeSink(err);
    const onError = vi.fn();
    const destination = createBatchDestination(sink, onError);
    expect(() => destination.write(line(1))).not.toThrow();
    await nextTurn();
    expect(onError.mock.calls).toEqual([[err]]);
    destination.write(line(2));
    destination.write(line(3));
    await nextTurn();
    await destination.end();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(events).toEqual(['write', 'abandon']);
  });

  it('a real sonic-boom on a read-only descriptor (EBADF): reported once, write() does not throw', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'corscope-batch-')), 'read-only');
    closeSync(openSync(path, 'w'));
    const readOnly = openSync(path, 'r');
    const onError = vi.fn();
    const destination = openBatchDestination(readOnly, onError);
    destination.write(line(1));
    await nextTurn();
    destination.write(line(2));
    await nextTurn();
    await destination.end(); // gives the descriptor to sonic-boom's close
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0]).toMatchObject({ code: 'EBADF' });
  });
});

describe('through createLogger', () => {
  it('a real log file holds every line after close(): one turn, a burst of several buffers, separate turns', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'corscope-batch-')), 'nested', 'log.ndjson');
    const log = createLogger({ format: 'json', level: 'info', file, stdout: { write: () => true, isTTY: false } });
    for (let i = 0; i < 10; i++) log.logger.info({ i });
    for (let i = 10; i < 410; i++) log.logger.info({ i, pad: 'x'.repeat(3000) }); // 1.2 MB in one turn
    await nextTurn();
    for (let i = 410; i < 420; i++) {
      log.logger.info({ i });
      await nextTurn();
    }
    log.logger.info({ i: 420 });
    await log.close();
    const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { i: number });
    expect(records.map((r) => r.i)).toEqual(Array.from({ length: 421 }, (_, i) => i));
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk (/dev/full): one line on stderr, stdout keeps every record', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let out = '';
    const log = createLogger({ format: 'json', level: 'info', file: '/dev/full', stdout: { write: (s: string) => (out += s), isTTY: false } });
    log.logger.info({ i: 1 });
    await nextTurn();
    log.logger.info({ i: 2 });
    log.logger.info({ i: 3 });
    await nextTurn();
    await log.close();
    expect(stderr.mock.calls).toEqual([['corscope: cannot write the log file /dev/full: ENOSPC: no space left on device, write\n']]);
    expect(out.trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([1, 2, 3]);
  });

  it('a log file that cannot be opened: one line on stderr, the logger still runs', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = mkdtempSync(join(tmpdir(), 'corscope-batch-'));
    const log = createLogger({ format: 'json', level: 'info', file: dir, stdout: { write: () => true, isTTY: false } });
    log.logger.info({ i: 1 });
    await nextTurn();
    await log.close();
    expect(stderr.mock.calls).toEqual([[`corscope: cannot write the log file ${dir}: EISDIR: illegal operation on a directory, open '${dir}'\n`]]);
  });
});

/** Runs an ES module snippet in a child node; its stdout, stderr and exit code. */
function runChild(code: string, input?: (child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: root, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  input?.(child);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (exit) => resolve({ code: exit, stdout, stderr })),
  );
}

describe('the process around it (built dist/)', () => {
  it.each([
    ['process.exit() in the same turn', 'process.exit(3)', 3],
    ['an uncaught exception in the same turn', "throw new Error('fatal')", 1],
  ])('%s: the pending lines are still written', async (_name, exit, code) => {
    const result = await runChild(`
      import { openBatchDestination } from ${JSON.stringify(distBatch)};
      const out = openBatchDestination(1, () => {});
      setTimeout(() => { out.write('one\\n'); out.write('two\\n'); ${exit}; });
    `);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('one\ntwo\n');
  });

  it('stdout whose reader is gone (EPIPE, `| head -1`): no crash, nothing on stderr, close() resolves', async () => {
    const result = await runChild(
      `
      import { createLogger } from ${JSON.stringify(distLogger)};
      const log = createLogger({ format: 'json', level: 'info' });
      process.stdin.resume();
      process.stdin.on('end', async () => {
        for (let i = 0; i < 3; i++) {
          log.logger.info({ i });
          await new Promise((resolve) => setImmediate(resolve));
        }
        await log.close();
        process.stderr.write('closed\\n');
      });
    `,
      (child) => {
        child.stdout!.destroy();
        child.stdin!.end();
      },
    );
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'closed\n' });
  });
});
