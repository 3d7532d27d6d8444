/** The programmatic options of `createCorscope`, and their resolved form. */
import type { Logger } from 'pino';
import type { Initiator, Wording } from '../cors/types.js';
import { STACK_NAMES, type StackName } from '../diagnose/types.js';
import type { OtherBrowser } from '../cors/browsers/index.js';
import type { BrowsersMode } from '../log/browsers.js';

/** One API among several (`targets`): where it is and where corscope listens for it. */
export interface TargetSpec {
  /** The API, e.g. `http://localhost:3000` or `https://api.staging.example.com/v1`. */
  readonly url: string | URL;
  /** The port corscope listens on for it (0: any free port). Default: the next one after `port`. */
  readonly port?: number;
  /** The URL the browser uses for it, when something sits in front of corscope. */
  readonly publicUrl?: string | URL;
  /** Its server stack, when corscope cannot tell it from the wire (default: the `stack` option). */
  readonly stack?: StackName;
}

export interface CorscopeOptions {
  /** The API to forward to, e.g. `http://localhost:3000` (or give `targets`). */
  readonly target?: string | URL;
  /**
   * Several APIs, each on its own port (a page tells its APIs apart by origin): one process, one
   * log, and a redirect from one to another followed and judged as Chrome judges it.
   */
  readonly targets?: readonly (string | URL | TargetSpec)[];
  /** The first target's port (default 8081; the others follow); 0 lets the OS choose every one. */
  readonly port?: number;
  /** Default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** The URL the browser uses when corscope sits behind something else (TLS terminator, tunnel). */
  readonly publicUrl?: string | URL;
  /** Send the browser's Host to the target instead of the target's own (changeOrigin off). */
  readonly keepHost?: boolean;
  /** Accept a self-signed or otherwise invalid TLS certificate from an HTTPS target. */
  readonly insecure?: boolean;
  /** How long to wait for the target's response head, in ms (default 60 000); then 504. */
  readonly timeoutMs?: number;
  /** Assume this initiator for every exchange instead of guessing from X-Requested-With. */
  readonly initiator?: Initiator;
  /** Chrome's wording to print (`current` = Chrome 156). */
  readonly wording?: Wording;
  /** Patch mode (issue 4): fix what Chrome would block, by the smallest header change. */
  readonly patch?: boolean;
  /** Origins patch mode applies to; others are forwarded untouched. Empty: any origin. */
  readonly allowOrigins?: readonly string[];
  /** In patch mode, answer every preflight with 204 without asking the target. */
  readonly answerPreflight?: boolean;
  /** In patch mode, response headers to expose to the page. */
  readonly expose?: readonly string[];
  /** The target's server stack, when the user knows it better than its fingerprints (`--stack`). */
  readonly stack?: StackName;
  /** Where records go besides the `exchange` event. */
  readonly logger?: Logger;
  /** Log Cookie, Authorization and Set-Cookie values instead of `[redacted]`. */
  readonly logSecrets?: boolean;
  /** Upstream connections kept per host (keep-alive pool); default 64. */
  readonly maxSockets?: number;
  /** How long `close()` lets in-flight requests finish before cutting them, in ms (default 5 000). */
  readonly closeTimeoutMs?: number;
  /** Say what Firefox and Safari do on every CORS record, not only where Chrome blocks, depends or warns. */
  readonly browsers?: boolean;
  /** Make that browser's line the record's `msg` (Chrome's stays in `chrome`). */
  readonly headline?: OtherBrowser;
  /**
   * Rewrite a `Set-Cookie` the browser would refuse only because corscope is in between (a Domain
   * naming the target's host, a Path under the target's base path). Default true.
   */
  readonly cookieRewrite?: boolean;
}

/** A target as resolved: its URL, the port asked for, and its public URL. */
export interface ResolvedTarget {
  readonly url: URL;
  readonly port: number;
  readonly publicUrl: URL | undefined;
  readonly stack?: StackName;
}

export interface ResolvedOptions {
  /** The target this listener forwards to (the first one, on the server's own options). */
  readonly target: URL;
  readonly port: number;
  /** Every target, in the order given (one listener each). */
  readonly targets: readonly ResolvedTarget[];
  readonly cookieRewrite: boolean;
  readonly host: string;
  readonly publicUrl: URL | undefined;
  readonly keepHost: boolean;
  readonly insecure: boolean;
  readonly timeoutMs: number;
  readonly initiator: Initiator | undefined;
  readonly wording: Wording;
  readonly patch: boolean;
  readonly allowOrigins: readonly string[];
  readonly answerPreflight: boolean;
  readonly expose: readonly string[];
  readonly stack: StackName | undefined;
  readonly logger: Logger | undefined;
  readonly logSecrets: boolean;
  readonly maxSockets: number;
  readonly closeTimeoutMs: number;
  readonly browsers: BrowsersMode;
  readonly headline: OtherBrowser | undefined;
}

/** A mistake in the options, worded for the person who made it. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export function resolveOptions(options: CorscopeOptions): ResolvedOptions {
  const targets = resolveTargets(options);
  const first = targets[0]!;
  return {
    target: first.url,
    port: first.port,
    targets,
    cookieRewrite: options.cookieRewrite ?? true,
    host: options.host ?? '127.0.0.1',
    publicUrl: first.publicUrl,
    keepHost: options.keepHost ?? false,
    insecure: options.insecure ?? false,
    timeoutMs: options.timeoutMs ?? 60_000,
    initiator: options.initiator,
    wording: options.wording ?? 'current',
    patch: options.patch ?? false,
    allowOrigins: (options.allowOrigins ?? []).map((o) => o.replace(/\/+$/, '')),
    answerPreflight: options.answerPreflight ?? false,
    expose: options.expose ?? [],
    stack: parseStack(options.stack),
    logger: options.logger,
    logSecrets: options.logSecrets ?? false,
    maxSockets: options.maxSockets ?? 64,
    closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
    browsers: options.browsers ? 'always' : 'auto',
    headline: options.headline,
  };
}

/**
 * The targets in the order given, each with its port: one it names keeps it; the others take
 * `port`, then the next ports up, skipping those named (with `port` 0, every one is any free port).
 */
export function resolveTargets(options: CorscopeOptions): ResolvedTarget[] {
  if (options.target !== undefined && options.targets !== undefined) throw new OptionsError('give either target or targets, not both');
  const given = options.targets ?? (options.target === undefined ? [] : [options.target]);
  if (given.length === 0) throw new OptionsError('no target: name the API to forward to, e.g. http://localhost:3000');
  const specs = given.map((spec, i) => parseTargetSpec(spec, i));
  if (options.publicUrl !== undefined) {
    if (specs.length > 1) throw new OptionsError('a public URL stands for one target: with several, give each target its own publicUrl');
    specs[0] = { ...specs[0]!, publicUrl: parseHttpUrl(options.publicUrl, 'public URL') };
  }
  const seen = new Map<string, URL>();
  const named = new Map<number, URL>();
  for (const { url, port } of specs) {
    if (seen.has(url.href)) throw new OptionsError(`the target ${url.href} is given twice`);
    seen.set(url.href, url);
    if (port === undefined || port === 0) continue;
    const other = named.get(port);
    if (other) throw new OptionsError(`the targets ${other.href} and ${url.href} both ask for port ${port}`);
    named.set(port, url);
  }
  const base = checkPort(options.port ?? 8081, 'port');
  let next = base;
  return specs.map(({ port, ...spec }) => {
    if (port !== undefined) return { ...spec, port };
    if (base === 0) return { ...spec, port: 0 };
    while (named.has(next)) next++;
    if (next > 65535) throw new OptionsError(`no port left above ${base} for the target ${spec.url.href}`);
    return { ...spec, port: next++ };
  });
}

function parseTargetSpec(spec: string | URL | TargetSpec, index: number): { url: URL; port?: number; publicUrl: URL | undefined; stack?: StackName } {
  if (typeof spec === 'string' || spec instanceof URL) return { url: parseHttpUrl(spec, 'target'), publicUrl: undefined };
  if (spec === null || typeof spec !== 'object' || spec.url === undefined) throw new OptionsError(`target ${index + 1} has no url (expected e.g. { url: 'http://localhost:3000', port: 8082 })`);
  const url = parseHttpUrl(spec.url, 'target');
  return {
    url,
    ...(spec.port === undefined ? {} : { port: checkPort(spec.port, `port of the target ${url.href}`) }),
    publicUrl: spec.publicUrl === undefined ? undefined : parseHttpUrl(spec.publicUrl, 'public URL'),
    ...(spec.stack === undefined ? {} : { stack: parseStack(spec.stack) }),
  };
}

function checkPort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionsError(`the ${what} must be a whole number from 0 to 65535, got '${String(port)}'`);
  return port;
}

export function parseStack(stack: string | undefined): StackName | undefined {
  if (stack === undefined) return undefined;
  if ((STACK_NAMES as readonly string[]).includes(stack)) return stack as StackName;
  throw new OptionsError(`unknown stack '${stack}' (one of ${STACK_NAMES.join(', ')})`);
}

export function parseHttpUrl(value: string | URL, what: string): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new OptionsError(`the ${what} '${String(value)}' is not a URL (expected e.g. http://localhost:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionsError(`the ${what} '${String(value)}' must start with http:// or https://`);
  }
  return url;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
