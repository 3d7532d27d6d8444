/**
 * pino wiring for the CLI: NDJSON (machines, pipes) or the pretty view (a TTY), plus an optional
 * NDJSON file. pino-pretty is not used: the view is small and tied to our record shape.
 */
import { closeSync, fstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type DestinationStream, type Logger, type Level } from 'pino';
import { openBatchDestination } from './batch.js';
import { createPrettyStream, shouldColor, type TextSink } from './pretty.js';
import type { OtherBrowser } from '../cors/browsers/index.js';

export type LogFormat = 'pretty' | 'json';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** NDJSON copy of every record, written once per event-loop turn and flushed on close. */
  readonly file?: string;
  /** Where stdout output goes (tests pass their own sink); default `process.stdout`. */
  readonly stdout?: TextSink & { isTTY?: boolean };
  /** The other browsers the pretty view shows on every record, not only where they disagree with Chrome. */
  readonly browsers?: readonly OtherBrowser[];
}

export interface CorscopeLogger {
  readonly logger: Logger;
  /** Flushes and closes the destinations this module opened. */
  close(): Promise<void>;
}

/** `pretty` on a TTY, `json` otherwise: a pipe must only ever carry NDJSON. */
export function defaultFormat(stdout: { isTTY?: boolean } = process.stdout): LogFormat {
  return stdout.isTTY ? 'pretty' : 'json';
}

/** Fails now, with the reason, if the log file cannot be created or appended to. */
export function checkLogFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  closeSync(openSync(file, 'a'));
}

/**
 * The NDJSON destinations (stdout, `--log-file`) queue the lines of one event-loop turn and write
 * them with ONE synchronous write (batch.ts). sonic-boom's asynchronous mode sent every write through
 * libuv's thread pool: futex wake-ups and context switches on every write (33k futex calls per 40k
 * requests, 5k without logging), and on a slow disk the unwritten lines piled up on the heap. Now a
 * busy turn costs one write syscall per destination, an idle one none, and a burst is bounded
 * (BATCH_LIMIT).
 */

/**
 * On a pipe, Node leaves fd 1 non-blocking, and sonic-boom answers EAGAIN by sleeping 100 ms: a
 * reader only a little slower than corscope (`| jq`) would cap the log at one pipe (64 KiB) per
 * 100 ms. Blocking, the write waits in the kernel just as long as the reader needs (8 MiB into a
 * reader taking 16 KiB a millisecond: 12.7 s non-blocking, 0.7 s blocking). A reader that stops
 * reading stalls corscope either way; the old asynchronous writes grew the heap instead.
 */
function blockingStdout(): void {
  if (process.stdout.isTTY) return;
  (process.stdout as { _handle?: { setBlocking?: (blocking: boolean) => unknown } })._handle?.setBlocking?.(true);
}

/**
 * stdout sent to /dev/null (`corscope … --log-file f >/dev/null`, a service manager): nobody can
 * read it, so no line is formatted or written for it. Each line is ~1–3 KB; at thousands of
 * exchanges a second that is half the logging work when a log file is the real destination.
 */
export function isDevNull(fd: number): boolean {
  try {
    const target = fstatSync(fd);
    return target.isCharacterDevice() && target.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/**
 * The line a logger wrote last, and the object it was written for: the inspector keeps a record
 * it has no page for as this very line (its history, inspector/history.ts), rather than
 * serializing the record a second time. One object and one string per logger.
 */
interface LastLine {
  obj: object | undefined;
  line: string | undefined;
}

const LAST_LINES = new WeakMap<object, LastLine>();

/**
 * The NDJSON line `logger` (made by createLogger) wrote for `obj` by `logger[level](obj)`, when
 * that was the last line it wrote (`{"level":…,"time":…,` then obj's fields, as JSON.stringify
 * writes them); undefined otherwise (a level it does not write, another logger).
 */
export function lineWrittenFor(logger: object, obj: object): string | undefined {
  const last = LAST_LINES.get(logger);
  return last !== undefined && last.obj === obj ? last.line : undefined;
}

export function createLogger(options: LoggerOptions): CorscopeLogger {
  const out = options.stdout ?? process.stdout;
  const closers: (() => Promise<void>)[] = [];
  let main: DestinationStream | undefined;
  if (out === process.stdout && isDevNull(1)) {
    main = undefined;
  } else if (options.format === 'pretty') {
    main = createPrettyStream(out, { colors: shouldColor(out), ...(options.browsers ? { browsers: options.browsers } : {}) });
  } else if (out === process.stdout) {
    blockingStdout();
    // `corscope | head -1`: once the reader is gone, stop writing stdout, without a word.
    const stdout = openBatchDestination(1, (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') process.stderr.write(`corscope: cannot write the log to stdout: ${err.message}\n`);
    });
    closers.push(() => stdout.end());
    main = stdout;
  } else {
    main = { write: (line: string) => void out.write(line) };
  }
  const level: Level | 'silent' = options.level;
  const streams: { stream: DestinationStream; level: Level }[] = [];
  const floor = level === 'silent' ? 'fatal' : level;
  if (level !== 'silent' && main) streams.push({ stream: main, level: floor });
  if (options.file) {
    // A full disk must not take the proxy down: say it once on stderr and keep proxying.
    const file = openBatchDestination(options.file, (err) => process.stderr.write(`corscope: cannot write the log file ${options.file}: ${err.message}\n`));
    closers.push(() => file.end());
    streams.push({ stream: file, level: floor });
  }
  const last: LastLine = { obj: undefined, line: undefined };
  const logger = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.epochTime,
      // Which object the next line is made of, then the line: lineWrittenFor() pairs them.
      formatters: {
        log: (obj: Record<string, unknown>) => {
          last.obj = obj;
          return obj;
        },
      },
      hooks: {
        streamWrite: (line: string) => {
          last.line = line;
          return line;
        },
      },
    },
    // One destination (the usual case: a terminal, or a file with stdout to /dev/null) is written
    // directly; multistream's per-line fan-out is only paid when there are two.
    streams.length === 1 ? streams[0]!.stream : pino.multistream(streams),
  );
  LAST_LINES.set(logger, last);
  return {
    logger,
    close: async () => {
      await Promise.all(closers.map((close) => close()));
    },
  };
}
