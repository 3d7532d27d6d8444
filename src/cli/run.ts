/**
 * The life of a running proxy in the CLI: logger, listen, the startup block, signals, clean close.
 * Shared by the default command and `demo`.
 */
import { checkLogFile, createLogger, defaultFormat, type CorscopeLogger } from '../log/logger.js';
import { isLoopback, type CorscopeOptions } from '../proxy/options.js';
import { createCorscope, type CorscopeServer } from '../proxy/server.js';
import type { Inspector } from '../inspector/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import type { LogSettings } from './flags.js';
import { openInspector, type UiSettings } from './ui.js';
import { packageVersion } from './version.js';

export interface Started {
  readonly server: CorscopeServer;
  readonly log: CorscopeLogger;
  /** The URL the frontend should call instead of the API. */
  readonly frontendUrl: string;
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
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${server.options.host}:${server.options.port}`;
    const why =
      code === 'EADDRINUSE'
        ? `port ${server.options.port} on ${server.options.host} is already in use; choose another with --port (0 picks a free one)`
        : code === 'EACCES'
          ? `no permission to listen on ${where}; use a port above 1023`
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
            ? `cannot listen on ${where}: no such local address`
            : `cannot listen on ${where}: ${(err as Error).message}`;
    process.stderr.write(`corscope: ${why}\n`);
    await log.close();
    return null;
  }
  const frontendUrl = frontendUrlOf(server);
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
  inspector?.describe({
    command: start.command ?? 'proxy',
    version: packageVersion(),
    target: o.target.href,
    ...(server.url ? { listening: server.url } : {}),
    frontend: frontendUrl,
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
      ...extra,
      ...(inspectorUrl ? { inspector: inspectorUrl } : {}),
      ...(warnings.length ? { warnings } : {}),
    },
    `corscope listening on ${server.url ?? ''}, forwarding to ${o.target.href}; point the frontend at ${frontendUrl}${inspectorUrl ? `; the inspector is at ${inspectorUrl}` : ''}`,
  );
  return { server, log, frontendUrl, ...(inspector ? { inspector } : {}) };
}

/** `--public-url`, else the listening URL with `localhost` for loopback (what a frontend config uses). */
function frontendUrlOf(server: CorscopeServer): string {
  const { publicUrl, host } = server.options;
  if (publicUrl) return publicUrl.href.replace(/\/$/, '');
  const name = isLoopback(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${server.port ?? server.options.port}`;
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
