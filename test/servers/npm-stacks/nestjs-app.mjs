/**
 * One NestJS app on @nestjs/platform-express, its CORS setup picked by a scenario:
 * `node nestjs-app.mjs <scenario> <port>`. Plain JS: the decorators a TypeScript app would write
 * are applied with Reflect.decorate. A controller under the global prefix /api, an API-key
 * middleware and Nest's own CORS (`enableCors`, the `cors` create option) as the scenario says.
 */
import 'reflect-metadata';
import { Body, Controller, Delete, Get, Header, HttpCode, Module, Param, Put } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const [scenario = 'fixed', port = '3000'] = process.argv.slice(2);
const PAGE = 'http://localhost:5173';

class ItemsController {
  list() {
    return [{ id: 1, name: 'first' }];
  }
  one(id) {
    return { id: Number(id), name: 'first' };
  }
  update(id, body) {
    return { id: Number(id), ...body };
  }
  remove() {}
  feed() {
    return [{ id: 1, name: 'first' }];
  }
}

/** What `@Get() list() {}` and friends do in TypeScript. */
function method(name, decorators, params = []) {
  const proto = ItemsController.prototype;
  params.forEach((param, index) => param(proto, name, index));
  Reflect.decorate(decorators, proto, name, Object.getOwnPropertyDescriptor(proto, name));
}
method('list', [Get()]);
method('one', [Get(':id')], [Param('id')]);
method('update', [Put(':id')], [Param('id'), Body()]);
method('remove', [Delete(':id'), HttpCode(204)], [Param('id')]);
// A route that sets the header itself, as in "@Header('Access-Control-Allow-Origin', '*')".
method('feed', [Get('feed/public'), ...(scenario === 'route-header' ? [Header('Access-Control-Allow-Origin', '*')] : [])]);
Reflect.decorate([Controller('items')], ItemsController);

class AppModule {}
Reflect.decorate([Module({ controllers: [ItemsController] })], AppModule);

/** The API-key check as Express middleware (app.use), as many apps do in main.ts. */
function apiKey(req, res, next) {
  if (req.headers['x-api-key'] === 'secret') return next();
  res.status(401).json({ statusCode: 401, message: 'missing or wrong X-Api-Key' });
}

const create = (options = {}) => NestFactory.create(AppModule, { logger: ['error'], ...options });
let app;
let afterListen;
switch (scenario) {
  case 'no-cors':
    app = await create();
    break;
  case 'default-credentials':
    app = await create();
    app.enableCors();
    break;
  case 'origin-trailing-slash':
    app = await create();
    app.enableCors({ origin: 'http://localhost:5173/' });
    break;
  case 'origin-127':
    app = await create();
    app.enableCors({ origin: ['http://127.0.0.1:5173'], credentials: true });
    break;
  case 'methods':
    app = await create();
    app.enableCors({ origin: PAGE, methods: ['GET', 'POST'] });
    break;
  case 'headers':
    app = await create();
    app.enableCors({ origin: PAGE, allowedHeaders: ['Content-Type'] });
    break;
  case 'enable-after-listen':
    app = await create();
    afterListen = () => app.enableCors({ origin: PAGE });
    break;
  case 'preflight-continue':
    app = await create();
    app.enableCors({ origin: PAGE, preflightContinue: true });
    break;
  case 'auth-before-cors':
    // The cors create option is applied in init(), after everything main.ts app.use()s.
    app = await create({ cors: { origin: PAGE } });
    app.use(apiKey);
    break;
  case 'bodyparser-before-cors':
    // useBodyParser() registers its parser at once; the cors create option waits for init().
    app = await create({ cors: { origin: PAGE } });
    app.useBodyParser('json', { limit: '1kb' });
    break;
  case 'route-header':
    app = await create();
    app.enableCors({ origin: PAGE, credentials: true });
    break;
  case 'fixed':
    app = await create();
    app.enableCors({ origin: PAGE });
    break;
  case 'fixed-credentials':
    app = await create();
    app.enableCors({ origin: PAGE, credentials: true });
    break;
  case 'fixed-list':
    app = await create();
    app.enableCors({ origin: ['http://127.0.0.1:5173', PAGE], credentials: true });
    break;
  case 'fixed-methods':
    app = await create();
    app.enableCors({ origin: PAGE, methods: ['GET', 'POST', 'PUT'] });
    break;
  case 'fixed-headers':
    app = await create();
    app.enableCors({ origin: PAGE, allowedHeaders: ['Content-Type', 'Authorization'] });
    break;
  case 'fixed-auth':
    app = await create();
    app.enableCors({ origin: PAGE });
    app.use(apiKey);
    break;
  case 'fixed-bodyparser':
    app = await create();
    app.enableCors({ origin: PAGE });
    app.useBodyParser('json', { limit: '1kb' });
    break;
  default:
    console.error(`unknown scenario ${scenario}`);
    process.exit(2);
}
app.setGlobalPrefix('api');
await app.listen(Number(port), '127.0.0.1');
afterListen?.();
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
