/**
 * pino wiring for the CLI: NDJSON (machines, pipes) or the pretty view (a TTY), plus an optional
 * NDJSON file. pino-pretty is not used: the view is small and tied to our record shape.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type DestinationStream, type Logger, type Level } from 'pino';
import { createPrettyStream, shouldColor, type TextSink } from './pretty.js';

export type LogFormat = 'pretty' | 'json';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** NDJSON copy of every record, written asynchronously and flushed on close. */
  readonly file?: string;
  /** Where stdout output goes (tests pass their own sink); default `process.stdout`. */
  readonly stdout?: TextSink & { isTTY?: boolean };
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
 * Bytes per write of the asynchronous destinations. sonic-boom's default (16 KiB, one write in
 * flight) falls behind a busy proxy and the unwritten lines pile up on the heap (bench: 16 → 219
 * MiB in 12 s); 1 MiB writes keep the heap flat at the same throughput.
 */
const MAX_WRITE = 1 << 20;

export function createLogger(options: LoggerOptions): CorscopeLogger {
  const out = options.stdout ?? process.stdout;
  const closers: (() => Promise<void>)[] = [];
  let main: DestinationStream;
  if (options.format === 'pretty') {
    main = createPrettyStream(out, { colors: shouldColor(out) });
  } else if (out === process.stdout) {
    const boom = pino.destination({ dest: 1, sync: false, maxWrite: MAX_WRITE });
    closers.push(() => endBoom(boom));
    main = boom;
  } else {
    main = { write: (line: string) => void out.write(line) };
  }
  const level: Level | 'silent' = options.level;
  const streams: { stream: DestinationStream; level: Level }[] = [];
  const floor = level === 'silent' ? 'fatal' : level;
  if (level !== 'silent') streams.push({ stream: main, level: floor });
  if (options.file) {
    const file = pino.destination({ dest: options.file, sync: false, mkdir: true, maxWrite: MAX_WRITE });
    // A full disk must not take the proxy down: say it once on stderr and keep proxying.
    file.once('error', (err: Error) => process.stderr.write(`corscope: cannot write the log file ${options.file}: ${err.message}\n`));
    closers.push(() => endBoom(file));
    streams.push({ stream: file, level: floor });
  }
  const logger = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    pino.multistream(streams),
  );
  return {
    logger,
    close: async () => {
      await Promise.all(closers.map((close) => close()));
    },
  };
}

type Boom = ReturnType<typeof pino.destination>;

function endBoom(boom: Boom): Promise<void> {
  return new Promise((resolve) => {
    if ((boom as Boom & { destroyed?: boolean }).destroyed) return resolve();
    boom.once('close', () => resolve());
    boom.once('error', () => resolve());
    boom.end();
  });
}
