import http, { type IncomingMessage } from 'node:http';
import type { ExchangeRecord } from '../../src/index.js';

export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
  json<T = Record<string, unknown>>(): T;
}

export interface SseClient {
  readonly response: IncomingMessage;
  /** Every event so far. */
  readonly events: SseEvent[];
  /** Resolves once `predicate` holds for the events so far. */
  until(predicate: (events: SseEvent[]) => boolean, ms?: number): Promise<SseEvent[]>;
  close(): void;
}

/** A minimal EventSource over node:http (the spec's parsing: fields, blank line ends an event). */
export function openStream(port: number, options: { host?: string; lastEventId?: string; path?: string } = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get({
      host: '127.0.0.1',
      port,
      path: options.path ?? '/events',
      headers: { Host: options.host ?? `127.0.0.1:${port}`, Accept: 'text/event-stream', ...(options.lastEventId ? { 'Last-Event-ID': options.lastEventId } : {}) },
    });
    req.on('error', reject);
    req.on('response', (response) => {
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      // What many records share comes once, as in the page's connection.js.
      const shared = new Map<number, unknown>();
      const revive = (_key: string, value: unknown): unknown => {
        const ref = (value as { $shared?: unknown } | null)?.$shared;
        return typeof ref === 'number' && shared.has(ref) ? shared.get(ref) : value;
      };
      let buffer = '';
      let lastId: string | undefined;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          let sawData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event = value;
            else if (field === 'data') {
              data.push(value);
              sawData = true;
            } else if (field === 'id') lastId = value;
          }
          if (!sawData) continue;
          const text = data.join('\n');
          if (event === 'hello') shared.clear();
          if (event === 'shared') {
            const { ref, value } = JSON.parse(text) as { ref: number; value: unknown };
            shared.set(ref, value);
          }
          const parsed: unknown = event === 'exchange' ? JSON.parse(text, revive) : undefined;
          events.push({ event, id: lastId, data: text, json: () => (event === 'exchange' ? structuredClone(parsed) : JSON.parse(text)) as never });
        }
        for (const wake of waiters) wake();
      });
      resolve({
        response,
        events,
        until: (predicate, ms = 5_000) =>
          new Promise((done, fail) => {
            const check = (): void => {
              if (!predicate(events)) return;
              waiters.delete(check);
              clearTimeout(timer);
              done(events);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`timed out; events so far: ${events.map((e) => e.event).join(', ')}`));
            }, ms);
            waiters.add(check);
            check();
          }),
        close: () => req.destroy(),
      });
    });
  });
}

export const exchanges = (events: SseEvent[]) => events.filter((e) => e.event === 'exchange').map((e) => e.json<{ seq: number; record: ExchangeRecord; lines?: { request: [string, string][]; response: [string, string][]; sent?: [string, string][] } }>());

/** A plain GET with the Host given (Node sends what it is told). */
export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** A record shaped as the proxy's, for the inspector's own tests. */
export function fakeRecord(id: number, fields: Partial<ExchangeRecord> = {}): ExchangeRecord {
  return {
    event: 'cors',
    stage: 'request',
    verdict: 'blocked',
    method: 'GET',
    url: `http://localhost:8081/api/${id}`,
    origin: 'http://localhost:5173',
    status: 200,
    chrome: null,
    cause: null,
    fix: null,
    findings: [],
    credentials: 'unknown',
    initiator: 'fetch',
    id: String(id),
    durationMs: 1.5,
    msg: `record ${id}`,
    ...fields,
  } as ExchangeRecord;
}
