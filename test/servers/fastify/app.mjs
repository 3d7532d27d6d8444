/**
 * One Fastify 5 app, its CORS setup (@fastify/cors) picked by a scenario name: each broken scenario
 * is a mistake people report on the fastify/fastify-cors tracker or copy from its README, each
 * fixed one the change corscope's fix names. The API is the same in all of them.
 */
import cors from '@fastify/cors';
import Fastify from 'fastify';

const PAGE = 'http://localhost:5173';

/** The API routes every scenario serves; `options` are merged into each route's options. */
function routes(fastify, options = {}) {
  fastify.get('/api/items', options, async () => [{ id: 1, name: 'first' }]);
  fastify.post('/api/items', options, async (req, reply) => reply.code(201).send({ id: 2, ...req.body }));
  fastify.get('/api/items/:id', options, async (req) => ({ id: Number(req.params.id) }));
  fastify.put('/api/items/:id', options, async (req) => ({ id: Number(req.params.id), ...req.body }));
  fastify.get('/api/me', options, async (req) => ({ user: 'ada', session: sessionOf(req) }));
}

function sessionOf(req) {
  return /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? null;
}

/** A bearer-token check in an onRequest hook, as people write it (or get from @fastify/jwt). */
async function authenticate(req, reply) {
  if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) {
    return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'Unauthorized' });
  }
}

const scenarios = {
  // No CORS at all.
  'no-cors': async (fastify) => {
    routes(fastify);
  },
  // The fixes.
  origin: async (fastify) => {
    await fastify.register(cors, { origin: PAGE });
    routes(fastify);
  },
  'origin-credentials': async (fastify) => {
    await fastify.register(cors, { origin: PAGE, credentials: true });
    routes(fastify);
  },
  'origin-put': async (fastify) => {
    await fastify.register(cors, { origin: PAGE, methods: ['GET', 'HEAD', 'POST', 'PUT'] });
    routes(fastify);
  },

  // fastify/fastify-cors#370: `{ origin: '*' }` after the 11.0 upgrade, whose default methods
  // became GET,HEAD,POST (#359): PUT fails.
  'methods-default': async (fastify) => {
    await fastify.register(cors, { origin: '*' });
    routes(fastify);
  },
  'methods-put': async (fastify) => {
    await fastify.register(cors, { origin: '*', methods: ['GET', 'HEAD', 'POST', 'PUT'] });
    routes(fastify);
  },

  // The README's route-level override `config: { cors: false }` on a route the page does call:
  // the preflight goes to the plugin's OPTIONS * route, which still answers with CORS.
  'route-cors-false': async (fastify) => {
    await fastify.register(cors, { origin: PAGE });
    fastify.post('/api/upload', { config: { cors: false } }, async (req) => ({ stored: req.body }));
    routes(fastify);
  },
  'route-cors-default': async (fastify) => {
    await fastify.register(cors, { origin: PAGE });
    fastify.post('/api/upload', async (req) => ({ stored: req.body }));
    routes(fastify);
  },

  // The auth hook added before the plugin: Fastify runs onRequest hooks in the order they were added.
  'auth-before-cors': async (fastify) => {
    fastify.addHook('onRequest', authenticate);
    await fastify.register(cors, { origin: PAGE });
    routes(fastify);
  },
  'auth-after-cors': async (fastify) => {
    await fastify.register(cors, { origin: PAGE });
    fastify.addHook('onRequest', authenticate);
    routes(fastify);
  },

  // The README's `hook: 'preHandler'`: a body Fastify cannot parse fails before that hook runs.
  'hook-prehandler': async (fastify) => {
    await fastify.register(cors, { origin: PAGE, hook: 'preHandler' });
    routes(fastify);
  },

  // `credentials: true` alone: origin keeps its default `*`.
  'credentials-star': async (fastify) => {
    await fastify.register(cors, { credentials: true });
    routes(fastify);
  },

  // The origin of the old dev server (create-react-app's port) left in the config.
  'origin-3000': async (fastify) => {
    await fastify.register(cors, { origin: 'http://localhost:3000' });
    routes(fastify);
  },

  // A list kept in an environment variable and passed as one string: sent as is.
  'origin-csv': async (fastify) => {
    process.env.CORS_ORIGIN = 'http://localhost:5173,http://localhost:3000';
    await fastify.register(cors, { origin: process.env.CORS_ORIGIN });
    routes(fastify);
  },
  'origin-list': async (fastify) => {
    await fastify.register(cors, { origin: ['http://localhost:5173', 'http://localhost:3000'] });
    routes(fastify);
  },

  // CORS headers set by hand in the handlers: nothing answers OPTIONS, Fastify says 404.
  'handler-headers': async (fastify) => {
    fastify.put('/api/items/:id', async (req, reply) => {
      reply.header('Access-Control-Allow-Origin', '*');
      return { id: Number(req.params.id), ...req.body };
    });
    fastify.get('/api/items/:id', async (req, reply) => {
      reply.header('Access-Control-Allow-Origin', '*');
      return { id: Number(req.params.id) };
    });
  },

  // CORS headers set by hand in an onRequest hook: they go on Fastify's 404 to the OPTIONS too.
  'hook-headers': async (fastify) => {
    fastify.addHook('onRequest', async (req, reply) => {
      reply.header('Access-Control-Allow-Origin', '*');
      reply.header('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
      reply.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
    });
    routes(fastify);
  },

  // Origin named, credentials not allowed.
  'no-credentials': async (fastify) => {
    await fastify.register(cors, { origin: PAGE });
    routes(fastify);
  },

  // An allow-list written for 127.0.0.1 while the page runs on localhost.
  'origin-127': async (fastify) => {
    await fastify.register(cors, { origin: ['http://127.0.0.1:5173'], credentials: true });
    routes(fastify);
  },
  'origin-localhost': async (fastify) => {
    await fastify.register(cors, { origin: [PAGE], credentials: true });
    routes(fastify);
  },
};

export async function createApp(scenario) {
  const build = scenarios[scenario];
  if (!build) throw new Error(`fastify: no scenario ${scenario}`);
  const fastify = Fastify({ logger: false });
  await build(fastify);
  return fastify;
}
