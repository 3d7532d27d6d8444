/**
 * The flags shared by the commands that run a proxy (the default command and `demo`), and their
 * translation into `createCorscope` options. Validation errors are UsageErrors worded for the user.
 */
import type { Options } from 'yargs';
import type { Wording } from '../cors/types.js';
import { LOG_LEVELS, type LogFormat, type LogLevel } from '../log/logger.js';
import { OptionsError, parseHttpUrl, resolveTargets, type CorscopeOptions, type ResolvedTarget, type TargetSpec } from '../proxy/options.js';
import { UsageError } from './errors.js';
import { STACK_NAMES, type StackName } from '../diagnose/types.js';
import type { OtherBrowser } from '../cors/browsers/index.js';

export const LISTEN_FLAGS = {
  port: { type: 'number', describe: 'Port to listen on (0: any free port)', default: 8081 },
  host: { type: 'string', describe: 'Address to listen on (loopback by default)', default: '127.0.0.1' },
} as const satisfies Record<string, Options>;

export const BEHAVIOUR_FLAGS = {
  'public-url': { type: 'string', describe: 'URL the browser uses to reach corscope, when something sits in front of it' },
  'keep-host': { type: 'boolean', describe: "Send the browser's Host header to the target (default: the target's own)" },
  insecure: { type: 'boolean', describe: "Accept the target's self-signed TLS certificate" },
  'cookie-rewrite': { type: 'boolean', default: true, describe: "Rewrite a Set-Cookie the browser would refuse only because corscope is in between (a Domain naming the target's host, a Path under its base path); --no-cookie-rewrite leaves them as sent" },
  timeout: { type: 'number', describe: "Milliseconds to wait for the target's response head before answering 504", default: 60_000 },
  initiator: { choices: ['fetch', 'xhr'], describe: 'Write Chrome lines for fetch() or XMLHttpRequest (default: fetch unless X-Requested-With says XHR)' },
  'chrome-wording': { choices: ['current', 'legacy'], describe: "Chrome's wording: current (Chrome 156) or legacy (up to ~132)", default: 'current' },
  stack: { choices: STACK_NAMES, describe: "The API's server stack, when corscope cannot tell it from the wire: fixes are written in its terms" },
} as const satisfies Record<string, Options>;

export const PATCH_FLAGS = {
  patch: { type: 'boolean', describe: 'Fix what Chrome would block with the smallest header change (findings still logged)' },
  'allow-origin': { type: 'string', array: true, describe: 'Only patch for this page origin (repeatable)' },
  'answer-preflight': { type: 'boolean', describe: 'With --patch, answer preflights with 204 without asking the target' },
  expose: { type: 'string', array: true, describe: 'With --patch, response headers the page may read (repeatable)' },
} as const satisfies Record<string, Options>;

export const LOG_FLAGS = {
  'log-format': { choices: ['pretty', 'json'], describe: 'pretty on a terminal, json (NDJSON) otherwise' },
  'log-level': { choices: [...LOG_LEVELS], describe: 'Least level logged (non-CORS traffic is debug)', default: 'info' },
  'log-file': { type: 'string', describe: 'Also write NDJSON records to this file' },
  'log-secrets': { type: 'boolean', describe: 'Log Cookie, Authorization and Set-Cookie values (redacted by default)' },
} as const satisfies Record<string, Options>;

/** The other browsers: Firefox and Safari are said where they disagree with Chrome, or always. */
export const BROWSER_FLAGS = {
  browsers: { type: 'string', describe: 'Always show what these browsers print, e.g. chrome,firefox,safari (default: another browser only where its verdict differs from Chrome\'s)' },
  headline: { choices: ['chrome', 'firefox', 'safari'], describe: "Whose line is each record's headline (msg), for work from that browser's bug report", default: 'chrome' },
} as const satisfies Record<string, Options>;

/** What yargs hands a proxy-running command (kebab-case keys as typed). */
export interface ParsedFlags {
  readonly port?: number;
  readonly host?: string;
  readonly 'public-url'?: string;
  readonly 'keep-host'?: boolean;
  readonly insecure?: boolean;
  readonly 'cookie-rewrite'?: boolean;
  readonly timeout?: number;
  readonly initiator?: string;
  readonly 'chrome-wording'?: string;
  readonly stack?: string;
  readonly patch?: boolean;
  readonly 'allow-origin'?: (string | number)[];
  readonly 'answer-preflight'?: boolean;
  readonly expose?: (string | number)[];
  readonly 'log-format'?: string;
  readonly 'log-level'?: string;
  readonly 'log-file'?: string;
  readonly 'log-secrets'?: boolean;
  readonly browsers?: string;
  readonly headline?: string;
}

export interface LogSettings {
  readonly format: LogFormat | undefined;
  readonly level: LogLevel;
  readonly file: string | undefined;
  /** The other browsers the pretty view shows on every record (`--browsers`, `--headline`). */
  readonly browsers: readonly OtherBrowser[];
}

/** Everything but the target and the logger, which each command supplies. */
export function proxyOptions(flags: ParsedFlags): Omit<CorscopeOptions, 'target'> {
  const port = flags.port ?? 8081;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got '${String(flags.port)}'`);
  const timeout = flags.timeout ?? 60_000;
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds, got '${String(flags.timeout)}'`);
  const allowOrigins = (flags['allow-origin'] ?? []).map((o) => checkOrigin(String(o)));
  if (!flags.patch && (allowOrigins.length > 0 || flags['answer-preflight'] || (flags.expose ?? []).length > 0)) {
    throw new UsageError('--allow-origin, --answer-preflight and --expose only apply with --patch');
  }
  return {
    port,
    host: flags.host ?? '127.0.0.1',
    ...(flags['public-url'] ? { publicUrl: checkUrl(flags['public-url'], '--public-url') } : {}),
    keepHost: flags['keep-host'] ?? false,
    insecure: flags.insecure ?? false,
    cookieRewrite: flags['cookie-rewrite'] ?? true,
    timeoutMs: timeout,
    ...(flags.initiator === 'fetch' || flags.initiator === 'xhr' ? { initiator: flags.initiator } : {}),
    wording: wordingOf(flags['chrome-wording']),
    ...stackOf(flags.stack),
    patch: flags.patch ?? false,
    allowOrigins,
    answerPreflight: flags['answer-preflight'] ?? false,
    expose: (flags.expose ?? []).map(String),
    logSecrets: flags['log-secrets'] ?? false,
    ...browserOptions(flags),
  };
}

export function logSettings(flags: ParsedFlags): LogSettings {
  return {
    format: flags['log-format'] === 'json' || flags['log-format'] === 'pretty' ? flags['log-format'] : undefined,
    level: (flags['log-level'] ?? 'info') as LogLevel,
    file: flags['log-file'],
    browsers: shownBrowsers(flags),
  };
}

/** `--browsers a,b` (repeatable) → the browsers named; `chrome` is always shown. */
export function browserList(flag: unknown): BrowserChoice[] {
  if (flag === undefined) return [];
  const names = (Array.isArray(flag) ? flag : [flag]).flatMap((value) => String(value).split(',')).map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  for (const name of names) {
    if (!(BROWSER_CHOICES as readonly string[]).includes(name)) throw new UsageError(`--browsers takes a list of ${BROWSER_CHOICES.join(', ')}, got '${name}'`);
  }
  return names as BrowserChoice[];
}

const BROWSER_CHOICES = ['chrome', 'firefox', 'safari'] as const;
type BrowserChoice = (typeof BROWSER_CHOICES)[number];

/** `--headline`: another browser's line as `msg`, or Chrome's (the default). */
export function headlineOf(flag: unknown): { headline?: OtherBrowser } {
  if (flag === undefined || flag === 'chrome') return {};
  if (flag === 'firefox' || flag === 'safari') return { headline: flag };
  throw new UsageError('--headline takes one of chrome, firefox, safari');
}

function browserOptions(flags: ParsedFlags): { browsers?: boolean; headline?: OtherBrowser } {
  const others = browserList(flags.browsers).filter((name) => name !== 'chrome');
  return { ...(others.length > 0 ? { browsers: true } : {}), ...headlineOf(flags.headline) };
}

function shownBrowsers(flags: ParsedFlags): OtherBrowser[] {
  const shown = new Set<OtherBrowser>(browserList(flags.browsers).filter((name): name is OtherBrowser => name !== 'chrome'));
  const headline = headlineOf(flags.headline).headline;
  if (headline) shown.add(headline);
  return [...shown];
}

/** The `--target` flag: one API, or several (repeated), as the command line and the config file give them. */
export const TARGET_FLAG = {
  type: 'string',
  array: true,
  describe: 'The API to forward to, e.g. http://localhost:3000; repeat it for several APIs, each on its own port (the next after --port, or URL=PORT)',
} as const satisfies Options;

/**
 * `--target` given once or several times: `http://localhost:3000`, or `http://localhost:4000=8082`
 * for a port of its own (the config file may also give `{ "url": …, "port": … }`), resolved as a
 * whole with the first target's port `port`: each with its port, a URL or a port twice refused.
 */
export function targetsOf(flag: unknown, port: number): ResolvedTarget[] {
  const given = flag === undefined ? [] : Array.isArray(flag) ? (flag as unknown[]) : [flag];
  if (given.length === 0) throw new UsageError('missing --target: the API to forward to, e.g. --target http://localhost:3000');
  const specs = given.map((value): TargetSpec => {
    if (value !== null && typeof value === 'object' && 'url' in value) return value as TargetSpec;
    const text = String(value);
    const withPort = /^(.*)=(\d{1,5})$/.exec(text);
    const url = checkUrl(withPort ? withPort[1]! : text, '--target');
    if (!withPort) return { url };
    const own = Number(withPort[2]);
    if (own > 65535) throw new UsageError(`--target ${text}: the port after '=' must be from 0 to 65535`);
    return { url, port: own };
  });
  try {
    return resolveTargets({ targets: specs, port });
  } catch (err) {
    throw new UsageError(err instanceof OptionsError ? err.message : String(err));
  }
}

export function checkUrl(value: string, flag: string): string {
  try {
    return parseHttpUrl(value, flag === '--target' ? 'target' : `${flag} value`).href;
  } catch (err) {
    throw new UsageError(err instanceof OptionsError ? err.message : String(err));
  }
}

/** Chrome sends `scheme://host[:port]`, no path, no trailing slash; the list must match that. */
function checkOrigin(value: string): string {
  let origin: string;
  try {
    origin = new URL(value).origin;
  } catch {
    throw new UsageError(`--allow-origin '${value}' is not an origin (expected e.g. http://localhost:5173)`);
  }
  if (origin === 'null' || origin !== value.replace(/\/$/, '')) {
    throw new UsageError(`--allow-origin '${value}' is not an origin; did you mean '${origin}'?`);
  }
  return origin;
}

/** `--stack` (yargs has checked the choice; given twice it is an array). */
export function stackOf(flag: unknown): { stack?: StackName } {
  if (flag === undefined) return {};
  if (typeof flag !== 'string' || !(STACK_NAMES as readonly string[]).includes(flag)) throw new UsageError(`--stack takes one of ${STACK_NAMES.join(', ')}`);
  return { stack: flag as StackName };
}

/** `--chrome-wording`: every command reads it the same way. */
export function wordingOf(flag: string | undefined): Wording {
  return flag === 'legacy' ? 'legacy' : 'current';
}
