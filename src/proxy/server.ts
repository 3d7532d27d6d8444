/**
 * The one stateful object of the API: corscope in front of one target or several, each on its own
 * listener (listener.ts), with one memory of what the browser did, one log and one `exchange`
 * event. A page tells its APIs apart by origin, so each target keeps an origin of its own; a
 * redirect from one to another is followed through corscope and judged as Chrome judges it.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { levelFor, type ExchangeRecord } from '../log/record.js';
import { EMPTY_HISTORY } from '../diagnose/index.js';
import type { BodyExcerpt } from '../diagnose/types.js';
import { resolveOptions, type CorscopeOptions, type ResolvedOptions } from './options.js';
import { EchoMemory, PreflightPairing, RedirectMemory } from './pairing.js';
import { JudgmentCache } from './judgments.js';
import { settle, type Memory, type Published } from './session.js';
import { Fronts } from './fronts.js';
import { TargetListener } from './listener.js';

export interface CorscopeEvents {
  exchange: [record: ExchangeRecord];
}

/** One target and where corscope listens for it (after `listen()`). */
export interface Listening {
  readonly target: string;
  readonly url: string;
  readonly port: number;
}

/** A listener could not be opened: which target, which address, and Node's code (EADDRINUSE …). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly target: string,
    readonly host: string,
    readonly port: number,
    readonly code: string | undefined,
    cause: Error,
  ) {
    super(`cannot listen on ${host}:${port} for ${target}: ${cause.message}`, { cause });
  }
}

export class CorscopeServer extends EventEmitter<CorscopeEvents> {
  /** The options as resolved; `target`, `port` and `publicUrl` are the first target's. */
  readonly options: ResolvedOptions;
  /** The first target's listening URL, once `listen()` resolved. */
  url: string | undefined;
  private readonly fronts: Fronts;
  private readonly targetListeners: TargetListener[];
  private readonly memories: Memory[];
  private keepWireOn = false;

  constructor(options: CorscopeOptions) {
    super();
    this.options = resolveOptions(options);
    const resolved = this.options;
    this.fronts = new Fronts(resolved.targets.map(({ url, publicUrl }) => ({ target: url, publicUrl, port: undefined })));
    // Shared by every target: the ids, the preflight pairing and the judgment cache (both keyed by
    // the URL the browser used, so targets never mix), and the redirects, which cross targets.
    let counter = 0;
    const shared = {
      pairing: new PreflightPairing(),
      redirects: new RedirectMemory(),
      judgments: new JudgmentCache(),
      nextId: () => String(++counter),
    };
    this.memories = [];
    this.targetListeners = resolved.targets.map((target, i) => {
      const front = this.fronts.list[i]!;
      // What one server did says nothing about another: history, echoes and cookies are per target.
      const memory: Memory = {
        ...shared,
        echoes: new EchoMemory(),
        history: EMPTY_HISTORY,
        credentialed: new Set(),
        frontedOrigins: (addressed) => this.fronts.browserOrigins(front, addressed),
      };
      this.memories.push(memory);
      const label = this.fronts.several ? target.url.href : undefined;
      return new TargetListener({
        // Each listener sees its own target (and stack, when given for it) as the options' own.
        options: { ...resolved, target: target.url, port: target.port, publicUrl: target.publicUrl, stack: target.stack ?? resolved.stack },
        memory,
        fronts: this.fronts,
        front,
        publish: (outcome, body) => this.publish(outcome, body, label),
        engineFault: (err, req) => this.engineFault(err, req),
      });
    });
  }

  /**
   * Opens every target's listener, in order; resolves with the first one's URL and all of them.
   * Rejects with a ListenError naming the target and port (EADDRINUSE …), the others closed.
   */
  async listen(): Promise<{ url: string; urls: string[] }> {
    const opened: TargetListener[] = [];
    for (const listener of this.targetListeners) {
      try {
        await listener.listen();
      } catch (err) {
        await Promise.all(opened.map((o) => o.close()));
        const { target, port, host } = listener.options;
        throw new ListenError(target.href, host, port, (err as NodeJS.ErrnoException).code, err as Error);
      }
      opened.push(listener);
    }
    this.url = this.targetListeners[0]!.url;
    return { url: this.url!, urls: this.targetListeners.map((l) => l.url!) };
  }

  /** Every target with its listening URL and port (after `listen()`), in the order given. */
  get listening(): Listening[] {
    return this.targetListeners.map((l) => ({ target: l.options.target.href, url: l.url ?? '', port: l.port ?? l.options.port }));
  }

  /** The first target's port actually bound (after `listen`). */
  get port(): number | undefined {
    return this.targetListeners[0]!.port;
  }

  /**
   * While true, each record also carries the exchange's header lines, by reference and never
   * logged (read them with `wireOf(record)`, log/wire.ts): what the inspector shows side by side.
   */
  get keepWire(): boolean {
    return this.keepWireOn;
  }

  set keepWire(on: boolean) {
    this.keepWireOn = on;
    for (const memory of this.memories) memory.keepWire = on;
  }

  /** Stops accepting, lets in-flight exchanges finish within `closeTimeoutMs`, then cuts the rest. */
  async close(): Promise<void> {
    await Promise.all(this.targetListeners.map((l) => l.close()));
  }

  /**
   * Logs and emits an exchange's record, its diagnosis made first (with the body's first bytes,
   * when read). `target`: the target's URL when corscope fronts several.
   */
  private publish(outcome: Published, body: BodyExcerpt | undefined, target: string | undefined): void {
    const { record, judgment } = outcome;
    try {
      settle(outcome, body);
    } catch (err) {
      this.engineFault(err, undefined);
    }
    if (target !== undefined) record.target = target;
    const { logger } = this.options;
    if (judgment && judgment.repeats > 0 && logger) {
      // A repeat: pino serialized the shared fields once, into a child; only this exchange's own
      // fields are serialized now. The line reads the same as the first one.
      const log = (judgment.log ??= logger.child(judgment.fields));
      const { id, preflight, request, durationMs, diagnosis, body: excerpt, msg, headers } = record;
      log[judgment.level]({ id, preflight, request, durationMs, diagnosis, body: excerpt, msg, headers, target });
    } else logger?.[levelFor(record)](record);
    try {
      this.emit('exchange', record);
    } catch (err) {
      this.options.logger?.error({ event: 'listener-error', err }, 'an exchange listener threw');
    }
  }

  /** An engine exception is a corscope bug: the traffic must still flow, and the log must say so. */
  private engineFault(err: unknown, req: IncomingMessage | undefined): void {
    this.options.logger?.error({ event: 'engine-error', url: req?.url, err }, 'corscope could not judge this exchange (a bug; please report it)');
  }
}

export function createCorscope(options: CorscopeOptions): CorscopeServer {
  return new CorscopeServer(options);
}
