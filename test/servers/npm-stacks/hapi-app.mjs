/**
 * One hapi server, its CORS setup picked by a scenario: `node hapi-app.mjs <scenario> <port>`.
 * A small JSON API under /api; hapi's own CORS (server-wide `routes.cors` or per route
 * `options.cors`) and an API-key check as an onRequest extension, set up the way the scenario says.
 */
import Hapi from '@hapi/hapi';

const [scenario = 'fixed', port = '3000'] = process.argv.slice(2);
const PAGE = 'http://localhost:5173';

/** The server's `routes.cors` and the per-route `options.cors` of the GET and the PUT. */
const setups = {
  'no-cors': {},
  'cors-true': { server: true },
  'origin-127': { server: { origin: ['http://127.0.0.1:5173'], credentials: true } },
  'origin-trailing-slash': { server: { origin: ['http://localhost:5173/'] } },
  'default-headers': { server: { origin: [PAGE] } },
  'per-route': { get: { origin: [PAGE] } },
  'onrequest-auth': { server: { origin: [PAGE] }, onRequest: true },
  'onrequest-auth-per-route': { get: { origin: [PAGE] }, put: { origin: [PAGE] }, onRequest: true },
  fixed: { server: { origin: [PAGE] } },
  'fixed-credentials': { server: { origin: [PAGE], credentials: true } },
  'fixed-list': { server: { origin: ['http://127.0.0.1:5173', PAGE], credentials: true } },
  'fixed-headers': { server: { origin: [PAGE], additionalHeaders: ['X-Requested-With'] } },
  'fixed-auth': { server: { origin: [PAGE], additionalHeaders: ['X-Api-Key'] }, onPreAuth: true },
  'fixed-auth-per-route': { get: { origin: [PAGE], additionalHeaders: ['X-Api-Key'] }, put: { origin: [PAGE], additionalHeaders: ['X-Api-Key'] }, onPreAuth: true },
};

const setup = setups[scenario];
if (!setup) {
  console.error(`unknown scenario ${scenario}`);
  process.exit(2);
}

const server = Hapi.server({ host: '127.0.0.1', port: Number(port), ...(setup.server ? { routes: { cors: setup.server } } : {}) });

/** The API-key check; a preflight never carries the key. */
const apiKey = (request, h) => (request.headers['x-api-key'] === 'secret' ? h.continue : h.response({ error: 'missing or wrong X-Api-Key' }).code(401).takeover());
if (setup.onRequest) server.ext('onRequest', apiKey);
if (setup.onPreAuth) server.ext('onPreAuth', apiKey);

const routeOptions = (cors) => (cors ? { options: { cors } } : {});
server.route([
  { method: 'GET', path: '/api/items', handler: () => [{ id: 1, name: 'first' }], ...routeOptions(setup.get) },
  { method: 'GET', path: '/api/items/{id}', handler: (request) => ({ id: Number(request.params.id), name: 'first' }), ...routeOptions(setup.get) },
  { method: 'PUT', path: '/api/items/{id}', handler: (request) => ({ id: Number(request.params.id), ...request.payload }), ...routeOptions(setup.put) },
  { method: 'GET', path: '/api/report', handler: () => { throw new Error('report backend unavailable'); }, ...routeOptions(setup.get) },
]);

await server.start();
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
