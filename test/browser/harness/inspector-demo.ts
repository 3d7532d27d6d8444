/**
 * The demo, in process, with the inspector following its corscope: the demo's page and API (plus
 * `/xss`, a 500 whose header and body carry markup, and `/acac-then-empty`, an answer Firefox lets
 * through and Chrome does not), corscope in front of the API, and the inspector. `restart()`
 * replaces corscope and the inspector with new ones on the same ports, as a restarted corscope.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemoApi } from '../../../src/demo/api.js';
import { demoPageHandler } from '../../../src/demo/page.js';
import { demoRoutes } from '../../../src/demo/api.js';
import { createInspector, type Inspector } from '../../../src/inspector/index.js';
import { createCorscope, type CorscopeServer, type ExchangeRecord } from '../../../src/index.js';

export const XSS = '<img src=x onerror=alert(1)>';

export interface InspectedDemo {
  readonly pageUrl: string;
  readonly inspectorUrl: string;
  readonly proxyUrl: string;
  /** Every record corscope emitted, in order (since the last restart). */
  readonly records: ExchangeRecord[];
  restart(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: http.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startInspectedDemo(): Promise<InspectedDemo> {
  let pageHandler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const page = http.createServer((req, res) => pageHandler(req, res));
  const pageUrl = `http://localhost:${await listen(page)}`;
  const demoApi = createDemoApi(pageUrl).listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  const api = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith('/xss')) {
      req.resume();
      const preflight = req.method === 'OPTIONS';
      res.writeHead(preflight ? 204 : 500, preflight
        ? ['Access-Control-Allow-Origin', pageUrl, 'Access-Control-Allow-Headers', 'x-note']
        : ['Content-Type', 'text/html', 'X-Debug', XSS]);
      res.end(preflight ? '' : `${XSS}<script>alert(2)</script>`);
      return;
    }
    if ((req.url ?? '').startsWith('/acac-then-empty')) {
      // Access-Control-Allow-Credentials: true, then an empty one: Firefox reads the first line,
      // Chrome and Safari the combined value 'true, ' (test/fixtures: B-true-then-empty).
      req.resume();
      res.writeHead(200, ['Access-Control-Allow-Origin', pageUrl, 'Access-Control-Allow-Credentials', 'true', 'Access-Control-Allow-Credentials', '', 'Content-Type', 'text/plain']);
      res.end('ok');
      return;
    }
    demoApi(req, res);
  });
  const apiPort = await listen(api);
  const records: ExchangeRecord[] = [];
  let corscope: CorscopeServer;
  let inspector: Inspector;
  let proxyPort = 0;
  let inspectorPort = 0;
  const begin = async (): Promise<void> => {
    records.length = 0;
    corscope = createCorscope({ target: `http://127.0.0.1:${apiPort}`, port: proxyPort, closeTimeoutMs: 500 });
    corscope.on('exchange', (record) => records.push(record));
    await corscope.listen();
    proxyPort = corscope.port!;
    inspector = createInspector({ port: inspectorPort, info: { command: 'demo', target: `http://127.0.0.1:${apiPort}/`, listening: corscope.url!, frontend: `http://localhost:${proxyPort}`, page: pageUrl } });
    inspector.follow(corscope);
    await inspector.listen();
    inspectorPort = inspector.port!;
  };
  await begin();
  const proxyUrl = `http://localhost:${proxyPort}`;
  pageHandler = demoPageHandler(proxyUrl, demoRoutes(pageUrl), false, `http://127.0.0.1:${inspectorPort}`);
  const end = async (): Promise<void> => {
    await inspector.close();
    await corscope.close();
  };
  return {
    pageUrl,
    proxyUrl,
    inspectorUrl: `http://127.0.0.1:${inspectorPort}`,
    records,
    restart: async () => {
      await end();
      await begin();
    },
    close: async () => {
      await end();
      await Promise.all([close(page), close(api)]);
    },
  };
}
