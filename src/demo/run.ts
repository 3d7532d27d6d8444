/**
 * The demo's servers on loopback: the misconfigured API, the auth server it redirects to, and the
 * page on another origin. The CLI puts one corscope in front of both APIs (one port each) and then
 * tells the page where corscope is.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemoApi, demoRoutes } from './api.js';
import { demoPageHandler, type DemoProxyUrls } from './page.js';

export interface DemoServers {
  /** The page's origin, as the browser will open it (`http://localhost:<port>`). */
  readonly pageUrl: string;
  /** Where the API listens (corscope's first target). */
  readonly apiUrl: string;
  /** Where the auth server listens (corscope's second target). */
  readonly authUrl: string;
  /** Serve the page, calling the APIs through corscope at `proxy` (and linking to the inspector). */
  servePage(proxy: DemoProxyUrls, patch: boolean, inspectorUrl?: string): void;
  close(): Promise<void>;
}

export interface DemoPorts {
  readonly pagePort?: number;
  readonly apiPort?: number;
  readonly authPort?: number;
}

export async function startDemoServers(ports: DemoPorts = {}): Promise<DemoServers> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('corscope demo is starting\n');
  };
  const page = http.createServer((req, res) => handler(req, res));
  const pagePort = await listen(page, ports.pagePort ?? 0);
  const pageUrl = `http://localhost:${pagePort}`;
  const auth = createDemoApi(pageUrl, 'auth');
  let authUrl: string;
  let api: http.Server;
  let apiPort: number;
  try {
    authUrl = `http://127.0.0.1:${await listen(auth, ports.authPort ?? 0)}`;
    api = createDemoApi(pageUrl, 'main', authUrl);
    apiPort = await listen(api, ports.apiPort ?? 0);
  } catch (err) {
    await Promise.all([close(page), close(auth)]);
    throw err;
  }
  return {
    pageUrl,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    authUrl,
    servePage: (proxy, patch, inspectorUrl) => {
      handler = demoPageHandler(proxy, demoRoutes(pageUrl, authUrl), patch, inspectorUrl);
    },
    close: async () => {
      await Promise.all([close(page), close(api), close(auth)]);
    },
  };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
