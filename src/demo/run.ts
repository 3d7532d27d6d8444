/**
 * The demo's two servers on loopback: the misconfigured API and the page on another origin. The
 * CLI puts corscope between them and then tells the page where corscope is.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemoApi, demoRoutes } from './api.js';
import { demoPageHandler } from './page.js';

export interface DemoServers {
  /** The page's origin, as the browser will open it (`http://localhost:<port>`). */
  readonly pageUrl: string;
  /** Where the API listens (corscope's target). */
  readonly apiUrl: string;
  /** Serve the page, calling the API through corscope at `proxyUrl` (and linking to the inspector). */
  servePage(proxyUrl: string, patch: boolean, inspectorUrl?: string): void;
  close(): Promise<void>;
}

export interface DemoPorts {
  readonly pagePort?: number;
  readonly apiPort?: number;
}

export async function startDemoServers(ports: DemoPorts = {}): Promise<DemoServers> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('corscope demo is starting\n');
  };
  const page = http.createServer((req, res) => handler(req, res));
  const pagePort = await listen(page, ports.pagePort ?? 0);
  const pageUrl = `http://localhost:${pagePort}`;
  const api = createDemoApi(pageUrl);
  let apiPort: number;
  try {
    apiPort = await listen(api, ports.apiPort ?? 0);
  } catch (err) {
    await close(page);
    throw err;
  }
  return {
    pageUrl,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    servePage: (proxyUrl, patch, inspectorUrl) => {
      handler = demoPageHandler(proxyUrl, demoRoutes(pageUrl), patch, inspectorUrl);
    },
    close: async () => {
      await Promise.all([close(page), close(api)]);
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
