/**
 * Requests Node's HTTP parser refuses before any handler runs. A method refused only for its
 * spelling is relayed raw (raw-relay.ts); anything else gets a 400/431 saying why. Either way the
 * exchange is judged and recorded like any other.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { HeaderLine } from '../cors/types.js';
import { summarize } from '../log/record.js';
import { describeFailure, TIMEOUT_CODE } from './failure.js';
import { bodiless, closingHead, stripHopByHop } from './head.js';
import type { ResolvedOptions } from './options.js';
import { chromeRefuses } from './malformed.js';
import { headEnd, relayRaw, takeOver } from './raw-relay.js';
import { describeRefusal, parseRawHead, type RawHead } from './refused.js';
import { conclude, startSession, type Memory, type Published, type Session } from './session.js';

export interface ClientErrorContext {
  readonly options: ResolvedOptions;
  readonly memory: Memory;
  publish(outcome: Published): void;
}

/**
 * Node's parser refused the request before any handler ran: answer with the reason instead of a
 * bare 400, and judge that answer like any other, so the log holds the line Chrome will print.
 */
export function handleClientError(ctx: ClientErrorContext, err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const head = parseRawHead(err.rawPacket);
  if (err.code === 'HPE_INVALID_METHOD' && head && err.rawPacket && relayRefused(ctx, socket, head, err.rawPacket)) return;
  const refused = describeRefusal(err.code, head);
  const body = `corscope: ${refused.why}\n`;
  let status: number = refused.status;
  let headers: readonly HeaderLine[] = [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
  ];
  try {
    const session = head ? refusedSession(ctx, head) : undefined;
    if (session) {
      const outcome = conclude(session, { status, headers }, ctx.options, ctx.memory);
      outcome.record.refused = { code: refused.code, message: refused.why };
      outcome.record.msg = summarize(outcome.record);
      ({ status, headers } = outcome);
      ctx.publish(outcome);
    } else {
      ctx.options.logger?.warn({ event: 'client-error', code: refused.code }, `corscope answered ${status}: ${refused.why}`);
    }
  } catch (fault) {
    engineFault(ctx, fault);
  }
  socket.end(rawResponse(status, headers, body));
}

/** A whole response as bytes for a socket Node's server no longer manages; the connection closes after it. */
function rawResponse(status: number, headers: readonly HeaderLine[], body: string): Buffer {
  const reason = status === 431 ? 'Request Header Fields Too Large' : (http.STATUS_CODES[status] ?? '');
  return Buffer.concat([closingHead(status, reason, stripHopByHop(headers)), Buffer.from(status === 204 ? '' : body)]);
}

function engineFault(ctx: ClientErrorContext, fault: unknown): void {
  ctx.options.logger?.error({ event: 'engine-error', err: fault }, 'corscope could not judge a refused request (a bug; please report it)');
}

/**
 * A method llhttp refuses only for its spelling: relay the exchange raw, judged like any other.
 * False when the socket cannot be taken over or the head did not arrive whole.
 */
function relayRefused(ctx: ClientErrorContext, socket: Duplex, head: RawHead, chunk: Buffer): boolean {
  if (headEnd(chunk) === -1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(head.method)) return false;
  const session = refusedSession(ctx, head);
  if (!session || !takeOver(socket)) return false;
  relaySession(ctx, socket, session, head, chunk.subarray(headEnd(chunk) + 4), "Node's parser refuses that spelling");
  return true;
}

/**
 * One exchange on a socket Node's server no longer manages (a refused method, a non-websocket
 * Upgrade), relayed raw and judged like any other; the connection closes after it. False when the
 * bytes do not tell enough to judge it (no Host, not a path).
 */
export function relayExchange(ctx: ClientErrorContext, socket: Duplex, head: RawHead, forwarded: RawHead, rest: Buffer, why: string): boolean {
  const session = refusedSession(ctx, head);
  if (!session) return false;
  relaySession(ctx, socket, session, forwarded, rest, why);
  return true;
}

function relaySession(ctx: ClientErrorContext, socket: Duplex, session: Session, head: RawHead, rest: Buffer, why: string): void {
  ctx.options.logger?.debug({ event: 'raw-relay', method: head.method, url: session.request.url }, `relaying ${head.method} raw: ${why}`);
  const { target, keepHost, insecure, timeoutMs } = ctx.options;
  relayRaw(socket, head, rest, { url: target, keepHost, insecure, timeoutMs }, {
    respond: (answer) => {
      try {
        const outcome = conclude(session, { status: answer.status, headers: answer.headers }, ctx.options, ctx.memory);
        ctx.publish(outcome);
        const statusText = outcome.status === answer.status ? answer.statusText : (http.STATUS_CODES[outcome.status] ?? '');
        return { status: outcome.status, statusText, headers: outcome.headers };
      } catch (fault) {
        engineFault(ctx, fault);
        return answer;
      }
    },
    refused: (netError, why) => {
      ctx.options.logger?.warn(
        { event: 'upstream-malformed', id: session.id, url: session.request.url, chrome: { netError, why } },
        chromeRefuses(netError, why),
      );
    },
    fail: (err, timedOut) => {
      const failure = describeFailure(timedOut ? { code: TIMEOUT_CODE } : err, target.href, timeoutMs);
      let head: { status: number; headers: readonly HeaderLine[] } = {
        status: failure.status,
        headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(Buffer.byteLength(failure.body))]],
      };
      try {
        const outcome = bodiless(failure.status, conclude(session, head, ctx.options, ctx.memory, failure.upstream));
        ctx.publish(outcome);
        head = outcome;
      } catch (fault) {
        engineFault(ctx, fault);
      }
      socket.end(rawResponse(head.status, head.headers, failure.body));
    },
  });
}

/** The refused request as the browser sent it, when the bytes tell enough (a Host at least). */
function refusedSession(ctx: ClientErrorContext, head: RawHead): Session | undefined {
  const host = head.headers.find(([n]) => n.toLowerCase() === 'host')?.[1];
  if (!host || !head.target.startsWith('/')) return undefined;
  const origin = ctx.options.publicUrl ? ctx.options.publicUrl.origin : `http://${host}`;
  const prefix = ctx.options.publicUrl ? ctx.options.publicUrl.pathname.replace(/\/+$/, '') : '';
  const request = { url: `${origin}${prefix}${head.target}`, method: head.method, headers: head.headers };
  return startSession(request, origin, ctx.options, ctx.memory);
}
