/**
 * The inspector in the CLI: `--ui-port`/`--no-ui` for the commands that run a proxy (default: the
 * proxy's port + 1), `--ui` for `check` and `har`, which then serve their records in the same page
 * until Ctrl-C. A busy port is one line, never a stack trace.
 */
import type { Options } from 'yargs';
import { createInspector, type Inspector, type InspectorInfo } from '../inspector/index.js';
import type { ExchangeRecord } from '../log/record.js';
import { keepWire, type WireLines } from '../log/wire.js';
import { UsageError } from './errors.js';

export const UI_FLAGS = {
  ui: { type: 'boolean', default: true, describe: 'Serve the inspector, a live page of every exchange (--no-ui: none)' },
  'ui-port': { type: 'number', describe: "The inspector's port on 127.0.0.1 (default: --port + 1; 0: any free port)" },
} as const satisfies Record<string, Options>;

/** For `check` and `har`: off unless asked for. */
export const ONE_SHOT_UI_FLAGS = {
  ui: { type: 'boolean', describe: 'Also show the records in the inspector page, and keep serving it until Ctrl-C' },
  'ui-port': { type: 'number', describe: "The inspector's port on 127.0.0.1 (default: any free port)" },
} as const satisfies Record<string, Options>;

export interface UiFlags {
  readonly ui?: boolean;
  readonly 'ui-port'?: number;
}

export interface UiSettings {
  readonly port: number;
  /** Asked for with --ui-port: a busy port is then an error, not a reason to take another. */
  readonly explicit: boolean;
}

/** `undefined`: no inspector. `proxyPorts`: the proxy's own (the default is the one after the highest); none for check/har. */
export function uiSettings(flags: UiFlags, proxyPorts?: number | readonly number[]): UiSettings | undefined {
  const ports = proxyPorts === undefined ? undefined : typeof proxyPorts === 'number' ? [proxyPorts] : proxyPorts;
  const proxyPort = ports === undefined ? undefined : ports.includes(0) ? 0 : Math.max(...ports);
  const asked = flags['ui-port'];
  if (asked !== undefined && (Array.isArray(asked) || !Number.isInteger(asked) || asked < 0 || asked > 65535)) {
    throw new UsageError(`--ui-port must be a whole number from 0 to 65535, got '${String(asked)}'`);
  }
  if (!flags.ui) {
    if (asked !== undefined) throw new UsageError(proxyPort === undefined ? '--ui-port only applies with --ui' : '--ui-port has no effect with --no-ui');
    return undefined;
  }
  if (asked !== undefined) {
    if (asked !== 0 && ports?.includes(asked)) {
      throw new UsageError(`--ui-port ${asked} is ${ports.length === 1 ? "the proxy's own --port" : "one of the proxy's own ports"}; choose another (0 picks a free one)`);
    }
    return { port: asked, explicit: true };
  }
  if (proxyPort === undefined || proxyPort === 0 || proxyPort === 65535) return { port: 0, explicit: false };
  return { port: proxyPort + 1, explicit: false };
}

export type Opened = { readonly inspector: Inspector; readonly note?: string } | { readonly error: string };

/**
 * Listens on 127.0.0.1. The default port taken, another is taken instead (said in `note`); a port
 * asked for and taken is an `error` worded for the user.
 */
export async function openInspector(settings: UiSettings, logSecrets: boolean, info: InspectorInfo): Promise<Opened> {
  const host = '127.0.0.1';
  const first = createInspector({ port: settings.port, logSecrets, info });
  try {
    await first.listen();
    return { inspector: first };
  } catch (err) {
    await first.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && !settings.explicit) {
      const other = createInspector({ port: 0, logSecrets, info });
      try {
        await other.listen();
      } catch (again) {
        return { error: `cannot start the inspector on ${host}: ${(again as Error).message}; turn it off with --no-ui` };
      }
      return { inspector: other, note: `port ${settings.port} was in use, so the inspector took ${other.port ?? '?'} (--ui-port N chooses)` };
    }
    const why =
      code === 'EADDRINUSE'
        ? `port ${settings.port} on ${host} is already in use`
        : code === 'EACCES'
          ? `no permission to listen on ${host}:${settings.port}; use a port above 1023`
          : `cannot listen on ${host}:${settings.port}: ${(err as Error).message}`;
    return { error: `the inspector: ${why}; choose another with --ui-port (0 picks a free one)${info.command === 'check' || info.command === 'har' ? '' : ', or turn it off with --no-ui'}` };
  }
}

/** One record of `check` or `har` for the page: when it happened and its header lines when known. */
export interface Shown {
  readonly record: ExchangeRecord;
  readonly time?: number;
  readonly lines?: WireLines;
}

/** Serves the records of a one-shot command in the inspector until Ctrl-C; the exit code stays the command's. */
export async function serveRecords(settings: UiSettings, logSecrets: boolean, info: InspectorInfo, shown: readonly Shown[], say: (line: string) => void, until: Promise<unknown>): Promise<boolean> {
  const opened = await openInspector(settings, logSecrets, info);
  if ('error' in opened) {
    process.stderr.write(`corscope: ${opened.error}\n`);
    return false;
  }
  const { inspector } = opened;
  for (const { record, time, lines } of shown) {
    if (lines) keepWire(record, lines);
    inspector.push(record, time);
  }
  say(`inspector ${inspector.url ?? ''} (Ctrl-C to stop)${opened.note ? `; ${opened.note}` : ''}`);
  await until;
  await inspector.close();
  return true;
}

/** The inspector's URL: a line of the report, or on stderr when stdout carries NDJSON. */
export function say(json: boolean): (line: string) => void {
  return (line) => void (json ? process.stderr : process.stdout).write(`${json ? 'corscope: ' : ''}${line}\n`);
}
