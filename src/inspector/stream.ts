/**
 * The live stream to the pages: each client has a cursor into the history and is written to only
 * while its socket takes data. A page that reads slowly is sent what it missed once it drains;
 * one that stops reading is never written to past Node's high-water mark plus one chunk, and once
 * the history has moved past its cursor (it missed more than the history holds) it is dropped. So
 * corscope's memory does not grow with a client, and a browser that was dropped reconnects by
 * itself (EventSource) and is told how much it missed.
 */
import type { ServerResponse } from 'node:http';
import { eventFrame, exchangeFrame, sharedFrame, type Frame, type Shared } from './frame.js';
import type { History } from './history.js';

export interface StreamOptions {
  /** Tells the pages of this run from those of an earlier one. */
  readonly instance: string;
  readonly logSecrets: boolean;
  /** Bytes written to a client at once (a replay is cut into writes of this size). */
  readonly chunkBytes?: number;
  /** A comment line this often keeps idle connections open through anything in between. */
  readonly keepAliveMs?: number;
}

interface Client {
  readonly res: ServerResponse;
  /** The sequence number of the next entry to send. */
  next: number;
  /** The newest entry when the client connected: after it, the page is live. */
  readonly liveAt: number;
  live: boolean;
  /** The socket's buffer is full: nothing more is written until it drains. */
  waiting: boolean;
  /** The shared values this page was sent (it keeps more than this many: see connection.js). */
  readonly sent: Set<number>;
}

const NOTHING_SHARED: readonly Shared[] = [];

/** Shared values a page is assumed to still hold; past this, they are sent again as needed. */
const SENT_LIMIT = 2048;

const CHUNK_BYTES = 64 * 1024;
const KEEP_ALIVE_MS = 15_000;
/** How soon a browser reconnects after the stream broke (the browser's default is ~3 s). */
const RETRY_MS = 1_000;

export class EventStream {
  private readonly clients = new Set<Client>();
  private scheduled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly chunkBytes: number;
  /** Clients dropped for not reading, since start (tests and the page's status read it). */
  dropped = 0;

  constructor(
    private readonly history: History,
    private readonly options: StreamOptions,
  ) {
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.timer = setInterval(() => this.keepAlive(), options.keepAliveMs ?? KEEP_ALIVE_MS);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Bytes written to the pages and not yet taken by their sockets. */
  get buffered(): number {
    let bytes = 0;
    for (const client of this.clients) bytes += client.res.writableLength;
    return bytes;
  }

  /**
   * Starts a stream on `res`: `hello`, what the page has not seen yet (everything kept, or what
   * came after `after`), `live`, then each record as it is emitted.
   */
  open(res: ServerResponse, after: number | undefined, hello: Record<string, unknown>): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Accel-Buffering': 'no',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.socket?.setNoDelay(true);
    const { first, last } = this.history;
    let next = after === undefined ? first : Math.min(after + 1, last + 1);
    let head = `retry: ${RETRY_MS}\n\n${eventFrame('hello', { ...hello, instance: this.options.instance, resumed: after !== undefined })}`;
    if (next < first) {
      head += eventFrame('gap', { missed: first - next });
      next = first;
    }
    const client: Client = { res, next, liveAt: last, live: false, waiting: false, sent: new Set() };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    this.pump(client, head);
  }

  /** A record was added to the history: the clients get it at the end of this turn of the event loop. */
  notify(): void {
    if (this.clients.size === 0 || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  close(): void {
    clearInterval(this.timer);
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private flush(): void {
    this.scheduled = false;
    // Several pages following live get the same frames: each is serialized once.
    const frames = new Map<number, Frame>();
    for (const client of this.clients) {
      if (!client.waiting) this.pump(client, '', frames);
      else if (client.next < this.history.first) this.drop(client);
    }
  }

  /** Writes what the client has not seen yet, `head` first, until its socket is full. */
  private pump(client: Client, head = '', frames?: Map<number, Frame>): void {
    let chunk = head;
    if (client.next < this.history.first) {
      // It read again, but too late: the history moved past it while it was not reading.
      chunk += eventFrame('gap', { missed: this.history.first - client.next });
      client.next = this.history.first;
    }
    while (client.next <= this.history.last) {
      const entry = this.history.at(client.next)!;
      let frame = frames?.get(entry.seq);
      if (frame === undefined) {
        frame = entry.text === undefined ? exchangeFrame(this.options.instance, entry, this.options.logSecrets) : { text: entry.text, shared: NOTHING_SHARED };
        frames?.set(entry.seq, frame);
      }
      for (const shared of frame.shared) {
        if (client.sent.has(shared.ref)) continue;
        if (client.sent.size >= SENT_LIMIT) client.sent.clear();
        client.sent.add(shared.ref);
        chunk += sharedFrame(shared);
      }
      chunk += frame.text;
      client.next++;
      if (chunk.length >= this.chunkBytes) {
        if (!this.write(client, this.withLive(client, chunk))) return;
        chunk = '';
      }
    }
    chunk = this.withLive(client, chunk);
    if (chunk) this.write(client, chunk);
  }

  /** Adds the `live` event once the client's replay is written. */
  private withLive(client: Client, chunk: string): string {
    if (client.live || client.next <= client.liveAt) return chunk;
    client.live = true;
    return chunk + eventFrame('live', { seq: client.liveAt });
  }

  private write(client: Client, text: string): boolean {
    if (client.res.destroyed) return false;
    if (client.res.write(text)) return true;
    client.waiting = true;
    client.res.once('drain', () => {
      client.waiting = false;
      this.pump(client);
    });
    return false;
  }

  private drop(client: Client): void {
    this.dropped++;
    this.clients.delete(client);
    client.res.destroy();
  }

  private keepAlive(): void {
    for (const client of this.clients) if (!client.waiting) this.write(client, ': keep-alive\n\n');
  }
}
