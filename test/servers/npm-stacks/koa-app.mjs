/**
 * One Koa app, its CORS setup picked by a scenario: `node koa-app.mjs <scenario> <port>`.
 * The app is what a small JSON API looks like: @koa/router routes under /api, a session cookie,
 * @koa/bodyparser, an API-key check, and @koa/cors set up the way the scenario says.
 */
import Koa from 'koa';
import Router from '@koa/router';
import cors from '@koa/cors';
import { bodyParser } from '@koa/bodyparser';

const [scenario = 'fixed', port = '3000'] = process.argv.slice(2);
const PAGE = 'http://localhost:5173';

const app = new Koa();
const router = new Router();

/** The API-key check people put in front of everything (a preflight never carries the key). */
const apiKey = async (ctx, next) => {
  if (ctx.get('X-Api-Key') !== 'secret') ctx.throw(401, 'missing or wrong X-Api-Key');
  await next();
};

/** What koa-no-trailing-slash does: 301 from /api/items/ to /api/items. */
const noTrailingSlash = async (ctx, next) => {
  if (ctx.path.length > 1 && ctx.path.endsWith('/')) {
    ctx.status = 301;
    ctx.redirect(ctx.path.slice(0, -1) + (ctx.querystring ? `?${ctx.querystring}` : ''));
    return;
  }
  await next();
};

/** An origin allow-list as a function, the way @koa/cors' README shows for several origins. */
const allowList = (origins) => (ctx) => (origins.includes(ctx.get('Origin')) ? ctx.get('Origin') : '');

/** The routes, defined after whatever the scenario put on the router first. */
const routes = () => {
  router.get('/api/items', (ctx) => {
    ctx.body = [{ id: 1, name: 'first' }];
  });
  router.get('/api/items/:id', (ctx) => {
    ctx.body = { id: Number(ctx.params.id), name: 'first' };
  });
  router.put('/api/items/:id', (ctx) => {
    ctx.body = { id: Number(ctx.params.id), ...(ctx.request.body ?? {}) };
  });
  router.patch('/api/items/:id', (ctx) => {
    ctx.body = { id: Number(ctx.params.id), ...(ctx.request.body ?? {}) };
  });
  router.delete('/api/items/:id', (ctx) => {
    ctx.status = 204;
  });
  router.post('/api/items', (ctx) => {
    ctx.status = 201;
    ctx.body = { id: 2, ...(ctx.request.body ?? {}) };
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
};

switch (scenario) {
  case 'no-cors':
    app.use(bodyParser());
    routes();
    break;
  case 'origin-list-127':
    app.use(cors({ origin: allowList(['http://127.0.0.1:5173']), credentials: true }));
    app.use(bodyParser());
    routes();
    break;
  case 'origin-fixed-127':
    app.use(cors({ origin: 'http://127.0.0.1:5173' }));
    app.use(bodyParser());
    routes();
    break;
  case 'origin-trailing-slash':
    app.use(cors({ origin: 'http://localhost:5173/', credentials: true }));
    app.use(bodyParser());
    routes();
    break;
  case 'default-credentials':
    // @koa/cors' defaults: origin '*', credentials false.
    app.use(cors());
    app.use(bodyParser());
    routes();
    break;
  case 'no-credentials':
    app.use(cors({ origin: PAGE }));
    app.use(bodyParser());
    routes();
    break;
  case 'methods-get-post':
    app.use(cors({ origin: PAGE, allowMethods: ['GET', 'POST'] }));
    app.use(bodyParser());
    routes();
    break;
  case 'headers-content-type':
    app.use(cors({ origin: PAGE, allowHeaders: ['Content-Type'] }));
    app.use(bodyParser());
    routes();
    break;
  case 'auth-before-cors':
    app.use(apiKey);
    app.use(cors({ origin: PAGE }));
    app.use(bodyParser());
    routes();
    break;
  case 'router-cors':
    // cors() on the router: it runs only for a matched route and method, so the OPTIONS is
    // answered by allowedMethods() (200, Allow) and never sees cors.
    router.use(cors({ origin: PAGE }));
    app.use(bodyParser());
    routes();
    break;
  case 'bodyparser-before-cors':
    app.use(bodyParser());
    app.use(cors({ origin: PAGE }));
    routes();
    break;
  case 'redirect-before-cors':
    app.use(noTrailingSlash);
    app.use(cors({ origin: PAGE, credentials: true }));
    app.use(bodyParser());
    routes();
    break;
  // The fixes, one per case (stack.mjs names them).
  case 'fixed':
    app.use(cors({ origin: PAGE }));
    app.use(bodyParser());
    routes();
    break;
  case 'fixed-credentials':
    app.use(cors({ origin: PAGE, credentials: true }));
    app.use(bodyParser());
    routes();
    break;
  case 'fixed-list':
    app.use(cors({ origin: allowList(['http://127.0.0.1:5173', PAGE]), credentials: true }));
    app.use(bodyParser());
    routes();
    break;
  case 'fixed-methods':
    app.use(cors({ origin: PAGE, allowMethods: ['GET', 'POST', 'DELETE'] }));
    app.use(bodyParser());
    routes();
    break;
  case 'fixed-headers':
    app.use(cors({ origin: PAGE, allowHeaders: ['Content-Type', 'Authorization'] }));
    app.use(bodyParser());
    routes();
    break;
  case 'fixed-auth':
    app.use(cors({ origin: PAGE }));
    app.use(apiKey);
    app.use(bodyParser());
    routes();
    break;
  case 'fixed-redirect':
    app.use(cors({ origin: PAGE, credentials: true }));
    app.use(noTrailingSlash);
    app.use(bodyParser());
    routes();
    break;
  default:
    console.error(`unknown scenario ${scenario}`);
    process.exit(2);
}

const server = app.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
