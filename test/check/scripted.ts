/**
 * Two scripted APIs on 127.0.0.1 (the oracle's `api` and `api2`) that answer exactly what the real
 * Chrome run got, in order, and remember every request `corscope check` sent them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeaderLine } from '../../src/cors/types.js';
import { loadOracle, type OracleCase } from '../support/oracle.js';

export interface Received {
  readonly server: 'api' | 'api2';
  readonly method: string;
  readonly path: string;
  readonly headers: HeaderLine[];
}

export interface Scripted {
  readonly ports: { api: number; api2: number };
  readonly received: Received[];
  /** Queue the case's answers; header values are moved from the oracle's ports to ours. */
  load(kase: OracleCase): void;
  /** A string from the oracle run with its API ports replaced by ours. */
  move(kase: OracleCase, text: string): string;
  close(): Promise<void>;
}

type Answer = { status: number; headers: HeaderLine[] };

export async function startScripted(): Promise<Scripted> {
  const queues = new Map<string, Answer[]>();
  const received: Received[] = [];
  const servers = (['api', 'api2'] as const).map((name) =>
    http.createServer((req, res) => {
      req.resume();
      const headers: HeaderLine[] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      received.push({ server: name, method: req.method ?? '', path: req.url ?? '', headers });
      // Node's client capitalizes methods (Chrome may send `patch`): answers are keyed case-blind.
      const answer = queues.get(key(name, req.method ?? '', req.url ?? ''))?.shift();
      if (!answer) {
        res.writeHead(599);
        res.end('no scripted answer');
        return;
      }
      res.writeHead(answer.status, answer.headers.flatMap(([n, v]) => [n, v]));
      res.end();
    }),
  );
  await Promise.all(servers.map(listenAwayFromRecordedPorts));
  const ports = { api: (servers[0]!.address() as AddressInfo).port, api2: (servers[1]!.address() as AddressInfo).port };
  const move = (kase: OracleCase, text: string): string =>
    text
      .split(`localhost:${kase.ports.API_PORT}`)
      .join(`localhost:${ports.api}`)
      .split(`localhost:${kase.ports.API2_PORT}`)
      .join(`localhost:${ports.api2}`);
  return {
    ports,
    received,
    move,
    load(kase) {
      queues.clear();
      received.length = 0;
      for (const r of kase.serverRequests) {
        const k = key(r.server, r.method, r.path);
        const queue = queues.get(k) ?? [];
        // Values come one character per byte (see loadOracle); Node writes header strings as Latin-1,
        // so the bytes on the wire are the ones Chrome got.
        queue.push({ status: r.response.status, headers: r.response.headers.map(([n, v]) => [n, move(kase, v)] as const) });
        queues.set(k, queue);
      }
    },
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}

const key = (server: string, method: string, path: string) => `${server} ${method.toUpperCase()} ${path}`;

/**
 * The recorded pages ran on ephemeral ports that the OS may hand out again; an API on the very port
 * of a recorded page would make that page same-origin with it. Such a port is given back.
 */
async function listenAwayFromRecordedPorts(server: http.Server): Promise<void> {
  const recorded = recordedPorts();
  for (;;) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    if (!recorded.has((server.address() as AddressInfo).port)) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let portsSeen: Set<number> | undefined;
function recordedPorts(): Set<number> {
  portsSeen ??= new Set(
    [...loadOracle().cases, ...loadOracle('chrome-edge-cases.json').cases].flatMap((c) => Object.values(c.ports)),
  );
  return portsSeen;
}
