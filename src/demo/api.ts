/**
 * The demo's API: one route per classic CORS mistake, plus one done right. Each route answers the
 * way a real misconfigured server does (an nginx layer adding a second header, a framework that
 * 404s OPTIONS, …), so corscope's log and Chrome's console can be read side by side.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

type Lines = [string, string][];

export interface DemoRoute {
  readonly path: string;
  readonly title: string;
  /** What the page does: the call as a developer would write it. */
  readonly call: { readonly method: string; readonly headers?: Record<string, string>; readonly credentials?: boolean; readonly body?: string };
  /** Whether the page offers an XMLHttpRequest button too. */
  readonly xhr?: boolean;
  /** The mistake, in a sentence, for the page. */
  readonly mistake: string;
  readonly preflight?: (origin: string) => { status: number; headers: Lines };
  readonly main: (origin: string) => { status: number; headers: Lines };
}

const json: Lines = [['Content-Type', 'application/json']];

export function demoRoutes(pageOrigin: string): DemoRoute[] {
  const good: Lines = [
    ['Access-Control-Allow-Origin', pageOrigin],
    ['Access-Control-Allow-Credentials', 'true'],
    ['Vary', 'Origin'],
  ];
  return [
    {
      path: '/works',
      title: 'Done right',
      call: { method: 'PUT', headers: { 'Content-Type': 'application/json' }, credentials: true, body: '{"name":"demo"}' },
      xhr: true,
      mistake: 'Nothing: the origin is echoed from an allow-list, credentials allowed, the preflight answered.',
      preflight: () => ({ status: 204, headers: [...good, ['Access-Control-Allow-Methods', 'GET, PUT'], ['Access-Control-Allow-Headers', 'Content-Type'], ['Access-Control-Max-Age', '600']] }),
      main: () => ({ status: 200, headers: [...json, ...good, ['Set-Cookie', 'demo_session=d3m0; Path=/; SameSite=Lax; HttpOnly']] }),
    },
    {
      path: '/missing-acao',
      title: 'No Access-Control-Allow-Origin',
      call: { method: 'GET' },
      xhr: true,
      mistake: 'The API never sends Access-Control-Allow-Origin.',
      main: () => ({ status: 200, headers: json }),
    },
    {
      path: '/wildcard-credentials',
      title: "Wildcard '*' with credentials",
      call: { method: 'GET', credentials: true },
      xhr: true,
      mistake: "Access-Control-Allow-Origin: * while the page sends credentials: 'include'.",
      main: () => ({ status: 200, headers: [...json, ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Credentials', 'true']] }),
    },
    {
      path: '/mismatch',
      title: 'Another origin allowed',
      call: { method: 'GET' },
      mistake: "Access-Control-Allow-Origin names the production site, not this page's origin.",
      main: () => ({ status: 200, headers: [...json, ['Access-Control-Allow-Origin', 'https://app.example.com']] }),
    },
    {
      path: '/duplicate-acao',
      title: 'Two Access-Control-Allow-Origin lines',
      call: { method: 'GET' },
      mistake: 'A proxy layer adds its own Access-Control-Allow-Origin on top of the app\'s.',
      main: (origin) => ({ status: 200, headers: [...json, ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Origin', origin]] }),
    },
    {
      path: '/preflight-404',
      title: 'Preflight answered 404',
      call: { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' },
      mistake: 'The router has no OPTIONS handler, so the preflight gets a 404.',
      preflight: () => ({ status: 404, headers: [['Content-Type', 'text/plain'], ['Access-Control-Allow-Origin', pageOrigin]] }),
      main: () => ({ status: 200, headers: [...json, ['Access-Control-Allow-Origin', pageOrigin]] }),
    },
    {
      path: '/method-not-allowed',
      title: 'Method not allowed',
      call: { method: 'DELETE' },
      mistake: 'The preflight allows GET and POST only; the page sends DELETE.',
      preflight: () => ({ status: 204, headers: [['Access-Control-Allow-Origin', pageOrigin], ['Access-Control-Allow-Methods', 'GET, POST']] }),
      main: () => ({ status: 204, headers: [['Access-Control-Allow-Origin', pageOrigin]] }),
    },
    {
      path: '/header-not-allowed',
      title: 'Request header not allowed',
      call: { method: 'GET', headers: { 'X-Api-Key': 'demo-key' } },
      mistake: 'The page sends X-Api-Key; the preflight allows only Content-Type.',
      preflight: () => ({ status: 204, headers: [['Access-Control-Allow-Origin', pageOrigin], ['Access-Control-Allow-Headers', 'Content-Type']] }),
      main: () => ({ status: 200, headers: [...json, ['Access-Control-Allow-Origin', pageOrigin]] }),
    },
    {
      path: '/redirect',
      title: 'Redirect to a route without CORS',
      call: { method: 'GET' },
      mistake: 'The old route redirects to one that forgot Access-Control-Allow-Origin.',
      main: () => ({ status: 302, headers: [...good, ['Location', '/missing-acao']] }),
    },
  ];
}

export function createDemoApi(pageOrigin: string): http.Server {
  const routes = new Map(demoRoutes(pageOrigin).map((r) => [r.path, r]));
  return http.createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.get(path);
    const origin = req.headers.origin ?? '';
    if (!route) return send(res, 404, [['Content-Type', 'text/plain']], 'no such demo route\n');
    const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (isPreflight) {
      const answer = route.preflight?.(origin) ?? { status: 404, headers: [] };
      return send(res, answer.status, answer.headers, '');
    }
    const answer = route.main(origin);
    send(res, answer.status, answer.headers, answer.status === 204 || answer.status === 302 ? '' : JSON.stringify({ route: path, ok: true }));
  });
}

function send(res: ServerResponse, status: number, headers: Lines, body: string): void {
  res.writeHead(status, headers.flat());
  res.end(body);
}
