/**
 * The demo's APIs: one route per classic CORS mistake, plus one done right, and a second API (an
 * auth server on its own origin) the first one redirects to when the session has run out. Each
 * route answers the way a real misconfigured server does (an nginx layer adding a second header, a
 * framework that 404s OPTIONS, an API that sends a fetch to the sign-in page, …), so corscope's log
 * and Chrome's console can be read side by side.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

type Lines = [string, string][];

/** Which demo API answers a route: the main one or the auth server. */
export type DemoApiName = 'main' | 'auth';

export interface DemoRoute {
  readonly path: string;
  /** The API that serves it (default: the main one). */
  readonly api?: DemoApiName;
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

/**
 * Every route of the demo, the auth server's included. `authUrl` (the auth server's own address,
 * as the main API knows it): with it, the main API's redirect to it is there too.
 */
export function demoRoutes(pageOrigin: string, authUrl?: string): DemoRoute[] {
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
    ...authRoutes(authUrl, good),
  ];
}

/**
 * The second API: the page reads who is signed in from the auth server (done right), and the main
 * API, its session run out, redirects a fetch to the auth server's sign-in page. The browser follows
 * with `Origin: null` (a hop to another origin taints it), and the sign-in page allows the page's
 * origin, not `null`: Chrome blocks, with "(redirected from …)".
 */
function authRoutes(authUrl: string | undefined, good: Lines): DemoRoute[] {
  const redirect: DemoRoute[] = authUrl
    ? [
        {
          path: '/account',
          title: 'Session expired: redirect to the auth server',
          call: { method: 'GET', credentials: true },
          mistake: "The API answers a fetch with a redirect to the auth server's sign-in page, which allows this page's origin but not the null origin a cross-origin redirect leaves.",
          main: () => ({ status: 302, headers: [...good, ['Location', `${authUrl.replace(/\/$/, '')}/login?next=%2Faccount`]] }),
        },
      ]
    : [];
  return [
    {
      path: '/userinfo',
      api: 'auth',
      title: 'Second API (auth server), done right',
      call: { method: 'GET', credentials: true },
      mistake: 'Nothing: the auth server on its own origin allows this page, with credentials.',
      main: () => ({ status: 200, headers: [...json, ...good] }),
    },
    ...redirect,
    {
      path: '/login',
      api: 'auth',
      title: 'The sign-in page itself',
      call: { method: 'GET', credentials: true },
      mistake: "Nothing when called directly: it allows this page's origin. It fails only at the end of the redirect above.",
      main: () => ({ status: 200, headers: [...json, ...good] }),
    },
  ];
}

/** One demo API's server: the main API's routes, or the auth server's. */
export function createDemoApi(pageOrigin: string, name: DemoApiName = 'main', authUrl?: string): http.Server {
  const routes = new Map(demoRoutes(pageOrigin, authUrl).filter((r) => (r.api ?? 'main') === name).map((r) => [r.path, r]));
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
    send(res, answer.status, answer.headers, answer.status === 204 || answer.status === 302 ? '' : JSON.stringify({ api: name, route: path, ok: true }));
  });
}

function send(res: ServerResponse, status: number, headers: Lines, body: string): void {
  res.writeHead(status, headers.flat());
  res.end(body);
}
