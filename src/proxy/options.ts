/** The programmatic options of `createCorscope`, and their resolved form. */
import type { Logger } from 'pino';
import type { Initiator, Wording } from '../cors/types.js';
import { STACK_NAMES, type StackName } from '../diagnose/types.js';
import type { OtherBrowser } from '../cors/browsers/index.js';
import type { BrowsersMode } from '../log/browsers.js';

export interface CorscopeOptions {
  /** The API to forward to, e.g. `http://localhost:3000`. */
  readonly target: string | URL;
  /** Default 8081; 0 lets the OS choose. */
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
}

export interface ResolvedOptions {
  readonly target: URL;
  readonly port: number;
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
  return {
    target: parseHttpUrl(options.target, 'target'),
    port: options.port ?? 8081,
    host: options.host ?? '127.0.0.1',
    publicUrl: options.publicUrl === undefined ? undefined : parseHttpUrl(options.publicUrl, 'public URL'),
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
