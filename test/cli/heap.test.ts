/**
 * The CLI tunes V8's heap growth for its own process (bench/RESULTS.md finding 15); the library
 * entry (`run`, `createCorscope`) leaves the host's V8 flags alone.
 */
import { afterEach, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', async (original) => ({ ...(await original<typeof import('node:v8')>()), setFlagsFromString }));

const { HEAP_GROWING_PERCENT, main, run } = await import('../../src/cli/main.js');
const { packageVersion } = await import('../../src/cli/version.js');

afterEach(() => {
  setFlagsFromString.mockClear();
  process.exitCode = undefined;
});

it('main (the bin) lets the old generation grow 4x before a full collection, before anything runs', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await main(['--version']);
    expect(log).toHaveBeenCalledWith(packageVersion());
  } finally {
    log.mockRestore();
  }
  expect(HEAP_GROWING_PERCENT).toBe(300);
  expect(setFlagsFromString).toHaveBeenCalledExactlyOnceWith('--heap-growing-percent=300');
  expect(process.exitCode).toBe(0);
});

it('run (what a host calling corscope in-process uses) does not touch V8 flags', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    expect(await run(['--version'])).toBe(0);
  } finally {
    log.mockRestore();
  }
  expect(setFlagsFromString).not.toHaveBeenCalled();
});
