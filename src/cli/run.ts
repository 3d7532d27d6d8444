/**
 * The life of a running proxy in the CLI: logger, listen, the startup block, signals, clean close.
 * Shared by the default command and `demo`.
 */
import { checkLogFile, createLogger, defaultFormat, type CorscopeLogger } from '../log/logger.js';
import { isLoopback, type CorscopeOptions } from '../proxy/options.js';
import { createCorscope, ListenError, type CorscopeServer } from '../proxy/server.js';
import type { Inspector } from '../inspector/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import type { LogSettings } from './flags.js';
import { openInspector, type UiSettings } from './ui.js';
import { packageVersion } from './version.js';

export interface Started {
  readonly server: CorscopeServer;
  readonly log: CorscopeLogger;
  /** The URL the frontend should call instead of the API (the first target's). */
  readonly frontendUrl: string;
  /** Every target and the URL the frontend calls for it, in the order given. */
  readonly fronted: readonly { readonly target: string; readonly frontend: string }[];
  /** The live page, unless --no-ui. */
  readonly inspector?: Inspector;
}

export interface StartOptions {
  /** Fields for the start record (the demo's page). */
  readonly extra?: Record<string, unknown>;
  /** The inspector's port; none with --no-ui. */
  readonly ui?: UiSettings;
  /** What the inspector's header names: `proxy` or `demo`. */
  readonly command?: string;
  /** The config file the options came from, for the start record. */
  readonly configFile?: string;
}

export function openLog(settings: LogSettings): CorscopeLogger {
  if (settings.file) {
    try {
      checkLogFile(settings.file);
    } catch (err) {
      throw new UsageError(`--log-file ${settings.file}: ${(err as Error).message}`);
    }
  }
  return createLogger({
    format: settings.format ?? defaultFormat(),
    level: settings.level,
    ...(settings.file ? { file: settings.file } : {}),
    browsers: settings.browsers,
  });
}

/** Listens, or explains on stderr why not (a busy port above all) and returns null. */
export async function startProxy(options: CorscopeOptions, log: CorscopeLogger, start: StartOptions = {}): Promise<Started | null> {
  const extra = start.extra ?? {};
  const server = createCorscope({ ...options, logger: log.logger });
  try {
    await server.listen();
  } catch (err) {
    process.stderr.write(`corscope: ${listenFailure(err, server)}\n`);
    await log.close();
    return null;
  }
  const fronted = server.listening.map(({ target, port }, i) => ({ target, frontend: frontendUrlOf(server, port, i) }));
  const frontendUrl = fronted[0]!.frontend;
  const o = server.options;
  const warnings: string[] = [];
  if (o.patch && !isLoopback(o.host)) {
    warnings.push(`--patch on ${o.host}: every page that can reach this address may now read the API's responses`);
  }
  if (o.patch && o.allowOrigins.length === 0) {
    warnings.push('--patch applies to every Origin; limit it with --allow-origin http://localhost:5173');
  }
  let inspector: Inspector | undefined;
  if (start.ui) {
    const opened = await openInspector(start.ui, o.logSecrets, { command: start.command ?? 'proxy' });
    if ('error' in opened) {
      process.stderr.write(`corscope: ${opened.error}\n`);
      await server.close();
      await log.close();
      return null;
    }
    inspector = opened.inspector;
    inspector.follow(server);
    if (opened.note) warnings.push(opened.note);
  }
  const mode = o.patch
    ? `patch: what Chrome would block is fixed on the way${o.allowOrigins.length ? ` for ${o.allowOrigins.join(', ')}` : ''}${o.answerPreflight ? '; preflights answered by corscope' : ''} (findings still logged)`
    : 'observe: responses forwarded unchanged';
  const inspectorUrl = inspector?.url;
  const several = fronted.length > 1;
  inspector?.describe({
    command: start.command ?? 'proxy',
    version: packageVersion(),
    target: o.target.href,
    ...(server.url ? { listening: server.url } : {}),
    frontend: frontendUrl,
    ...(several ? { targets: fronted } : {}),
    mode,
    ...(typeof extra.page === 'string' ? { page: extra.page } : {}),
  });
  log.logger.info(
    {
      event: 'start',
      version: packageVersion(),
      listening: server.url,
      target: o.target.href,
      mode,
      frontend: frontendUrl,
      ...(several ? { targets: server.listening.map(({ target, url }, i) => ({ target, listening: url, frontend: fronted[i]!.frontend })) } : {}),
      ...(start.configFile ? { config: start.configFile } : {}),
      ...extra,
      ...(inspectorUrl ? { inspector: inspectorUrl } : {}),
      ...(warnings.length ? { warnings } : {}),
    },
    several
      ? `corscope fronting ${fronted.length} APIs: ${fronted.map((f) => `${f.frontend} -> ${f.target}`).join(', ')}; point the frontend at those URLs${inspectorUrl ? `; the inspector is at ${inspectorUrl}` : ''}`
      : `corscope listening on ${server.url ?? ''}, forwarding to ${o.target.href}; point the frontend at ${frontendUrl}${inspectorUrl ? `; the inspector is at ${inspectorUrl}` : ''}`,
  );
  return { server, log, frontendUrl, fronted, ...(inspector ? { inspector } : {}) };
}

/** A listener that could not open, worded for the user: which port, for which target, and why. */
function listenFailure(err: unknown, server: CorscopeServer): string {
  if (!(err instanceof ListenError)) return `cannot listen: ${(err as Error).message}`;
  const { code, host, port, target } = err;
  const where = `${host}:${port}`;
  const forWhom = server.options.targets.length > 1 ? ` (for ${target})` : '';
  const choose = server.options.targets.length > 1 ? `give that target another port (${target}=PORT) or move --port` : 'choose another with --port';
  if (code === 'EADDRINUSE') return `port ${port} on ${host}${forWhom} is already in use; ${choose} (0 picks a free one)`;
  if (code === 'EACCES') return `no permission to listen on ${where}${forWhom}; use a port above 1023`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `cannot listen on ${where}${forWhom}: no such local address`;
  return `cannot listen on ${where}${forWhom}: ${(err.cause as Error).message}`;
}

/** Its `publicUrl`, else the listening URL with `localhost` for loopback (what a frontend config uses). */
function frontendUrlOf(server: CorscopeServer, port: number, index: number): string {
  const { host, targets } = server.options;
  const publicUrl = targets[index]?.publicUrl;
  if (publicUrl) return publicUrl.href.replace(/\/$/, '');
  const name = isLoopback(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** Resolves when SIGINT or SIGTERM arrives; a second signal ends the process at once. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** Stops accepting, lets in-flight exchanges finish (bounded), flushes the logs. */
export async function shutdown(started: Started, signal: string, closers: (() => Promise<void>)[] = []): Promise<number> {
  started.log.logger.info({ event: 'stop', signal }, `corscope stopping (${signal})`);
  try {
    await started.server.close();
    await started.inspector?.close();
    for (const close of closers) await close();
  } catch (err) {
    process.stderr.write(`corscope: error while closing: ${(err as Error).message}\n`);
    await started.log.close();
    return EXIT_FAILURE;
  }
  await started.log.close();
  return EXIT_OK;
}
