/**
 * One Hono app on @hono/node-server, its CORS setup picked by a scenario:
 * `node hono-app.mjs <scenario> <port>`. A small JSON API under /api with hono/cors,
 * hono/bearer-auth and hono/body-limit, set up the way the scenario says.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';

const [scenario = 'fixed', port = '3000'] = process.argv.slice(2);
const PAGE = 'http://localhost:5173';

/** The API's routes on `api` (mounted at /api, or an app whose basePath is /api). */
function routes(api) {
  api.get('/items', (c) => c.json([{ id: 1, name: 'first' }]));
  api.get('/items/:id', (c) => c.json({ id: Number(c.req.param('id')), name: 'first' }));
  api.put('/items/:id', async (c) => {
    const body = await c.req.json();
    if (typeof body.name !== 'string') throw new HTTPException(422, { message: 'name must be a string' });
    return c.json({ id: Number(c.req.param('id')), ...body });
  });
  api.delete('/items/:id', (c) => c.body(null, 204));
}

let app = new Hono();
const plain = () => {
  const api = new Hono();
  routes(api);
  app.route('/api', api);
};

switch (scenario) {
  case 'no-cors':
    plain();
    break;
  case 'basepath-double':
    // basePath('/api') prefixes every path given to app.use too: this cors() guards /api/api/*.
    app = new Hono().basePath('/api');
    app.use('/api/*', cors({ origin: PAGE }));
    routes(app);
    break;
  case 'wildcard-credentials':
    app.use('/api/*', cors({ origin: '*', credentials: true }));
    plain();
    break;
  case 'origin-127':
    app.use('/api/*', cors({ origin: ['http://127.0.0.1:5173'], credentials: true }));
    plain();
    break;
  case 'origin-trailing-slash':
    app.use('/api/*', cors({ origin: 'http://localhost:5173/' }));
    plain();
    break;
  case 'docs-methods':
    // hono's docs example list.
    app.use('/api/*', cors({ origin: PAGE, allowMethods: ['POST', 'GET', 'OPTIONS'] }));
    plain();
    break;
  case 'docs-headers':
    // hono's docs example list.
    app.use('/api/*', cors({ origin: PAGE, allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests'] }));
    plain();
    break;
  case 'auth-before-cors':
    app.use('/api/*', bearerAuth({ token: 'recorded-token' }));
    app.use('/api/*', cors({ origin: PAGE }));
    plain();
    break;
  case 'cors-after-routes':
    plain();
    app.use('/api/*', cors({ origin: PAGE }));
    break;
  case 'body-limit-before-cors':
    app.use('*', bodyLimit({ maxSize: 1024 }));
    app.use('/api/*', cors({ origin: PAGE }));
    plain();
    break;
  case 'fixed':
    // The fixes mount cors() on '*', before everything else.
    app.use('*', cors({ origin: PAGE }));
    plain();
    break;
  case 'fixed-basepath':
    app = new Hono().basePath('/api');
    app.use('*', cors({ origin: PAGE }));
    routes(app);
    break;
  case 'fixed-credentials':
    app.use('*', cors({ origin: PAGE, credentials: true }));
    plain();
    break;
  case 'fixed-list':
    app.use('*', cors({ origin: ['http://127.0.0.1:5173', PAGE], credentials: true }));
    plain();
    break;
  case 'fixed-methods':
    app.use('*', cors({ origin: PAGE, allowMethods: ['POST', 'GET', 'OPTIONS', 'PUT'] }));
    plain();
    break;
  case 'fixed-headers':
    app.use('*', cors({ origin: PAGE, allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests', 'Content-Type'] }));
    plain();
    break;
  case 'fixed-auth':
    app.use('*', cors({ origin: PAGE }));
    app.use('/api/*', bearerAuth({ token: 'recorded-token' }));
    plain();
    break;
  case 'fixed-body-limit':
    app.use('*', cors({ origin: PAGE }));
    app.use('*', bodyLimit({ maxSize: 1024 }));
    plain();
    break;
  default:
    console.error(`unknown scenario ${scenario}`);
    process.exit(2);
}

const server = serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
