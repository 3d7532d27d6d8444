/**
 * One Express 5 app, its CORS setup (the `cors` package) picked by a scenario name: each broken
 * scenario is a mistake people report on the expressjs/cors tracker or copy from answers, each
 * fixed one the change corscope's fix names. The API is the same in all of them.
 */
import cors from 'cors';
import express from 'express';

const PAGE = 'http://localhost:5173';

/** The API routes every scenario serves. */
function routes(app) {
  app.get('/api/items', (req, res) => res.json([{ id: 1, name: 'first' }]));
  app.post('/api/items', (req, res) => res.status(201).json({ id: 2, ...req.body }));
  app.get('/api/items/:id', (req, res) => res.json({ id: Number(req.params.id) }));
  app.put('/api/items/:id', (req, res) => res.json({ id: Number(req.params.id), ...req.body }));
  app.delete('/api/items/:id', (req, res) => res.status(204).end());
  app.get('/api/me', (req, res) => res.json({ user: 'ada', session: sessionOf(req) }));
}

function sessionOf(req) {
  return /(?:^|;\s*)session=([^;]+)/.exec(req.get('cookie') ?? '')?.[1] ?? null;
}

/** A bearer-token check as people write it (or get from passport-http-bearer / express-jwt). */
function authenticate(req, res, next) {
  if (/^Bearer \S+$/.test(req.get('authorization') ?? '')) return next();
  res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'unauthorized' });
}

/** The error handler of Express's own guide (https://expressjs.com/en/guide/error-handling.html). */
function somethingBroke(err, req, res, next) {
  res.status(500).send('Something broke!');
}

const scenarios = {
  // No CORS at all: the page's first fetch to the API.
  'no-cors': (app) => {
    app.use(express.json());
    routes(app);
  },
  // The fix of most cases: cors() first, naming the page.
  origin: (app) => {
    app.use(cors({ origin: PAGE }));
    app.use(express.json());
    routes(app);
  },
  'origin-credentials': (app) => {
    app.use(cors({ origin: PAGE, credentials: true }));
    app.use(express.json());
    routes(app);
  },

  // expressjs/basic-auth-connect#1, auth0/node-oauth2-jwt-bearer#44: auth on every request, cors() after it.
  'auth-before-cors': (app) => {
    app.use(authenticate);
    app.use(cors({ origin: PAGE }));
    app.use(express.json());
    routes(app);
  },
  'auth-after-cors': (app) => {
    app.use(cors({ origin: PAGE }));
    app.use(authenticate);
    app.use(express.json());
    routes(app);
  },

  // The cors README's dynamic-origin example (expressjs/cors#117): the allow-list has the old
  // dev-server port, and a refused origin is an Error, which Express answers as a 500 page.
  'origin-callback-error': (app) => {
    const allowlist = ['http://localhost:3000'];
    app.use(
      cors({
        origin(origin, callback) {
          if (!origin || allowlist.indexOf(origin) !== -1) callback(null, true);
          else callback(new Error('Not allowed by CORS'));
        },
      }),
    );
    app.use(express.json());
    routes(app);
  },
  'origin-callback-fixed': (app) => {
    const allowlist = ['http://localhost:3000', PAGE];
    app.use(
      cors({
        origin(origin, callback) {
          callback(null, !origin || allowlist.includes(origin));
        },
      }),
    );
    app.use(express.json());
    routes(app);
  },

  // An allow-list written for 127.0.0.1 while the page runs on localhost.
  'origin-127': (app) => {
    app.use(cors({ origin: ['http://127.0.0.1:5173'], credentials: true }));
    app.use(express.json());
    routes(app);
  },
  'origin-localhost': (app) => {
    app.use(cors({ origin: [PAGE], credentials: true }));
    app.use(express.json());
    routes(app);
  },

  // express.json() first: malformed JSON throws before cors() runs; the guide's error handler answers.
  'json-before-cors': (app) => {
    app.use(express.json());
    app.use(cors({ origin: PAGE }));
    routes(app);
    app.use(somethingBroke);
  },
  'cors-before-json': (app) => {
    app.use(cors({ origin: PAGE }));
    app.use(express.json());
    routes(app);
    app.use(somethingBroke);
  },

  // cors() on the routes only (the README's "single route" example), no app.options(): Express
  // answers the preflight itself with its automatic OPTIONS response (expressjs/cors#56, #277).
  'route-cors': (app) => {
    app.use(express.json());
    app.put('/api/items/:id', cors({ origin: PAGE }), (req, res) => res.json({ id: Number(req.params.id), ...req.body }));
    app.get('/api/items/:id', cors({ origin: PAGE }), (req, res) => res.json({ id: Number(req.params.id) }));
  },
  'route-cors-fixed': (app) => {
    app.use(cors({ origin: PAGE }));
    app.use(express.json());
    app.put('/api/items/:id', cors({ origin: PAGE }), (req, res) => res.json({ id: Number(req.params.id), ...req.body }));
    app.get('/api/items/:id', cors({ origin: PAGE }), (req, res) => res.json({ id: Number(req.params.id) }));
  },

  // cors() with no options: `*`, which a credentialed fetch may not use.
  default: (app) => {
    app.use(cors());
    app.use(express.json());
    routes(app);
  },

  // A route copied from an answer sets its own `*` over what cors() echoed.
  'route-star': (app) => {
    app.use(cors({ origin: PAGE, credentials: true }));
    app.use(express.json());
    app.get('/api/report', (req, res) => {
      res.header('Access-Control-Allow-Origin', '*');
      res.json({ rows: 3 });
    });
    routes(app);
  },
  'route-star-removed': (app) => {
    app.use(cors({ origin: PAGE, credentials: true }));
    app.use(express.json());
    app.get('/api/report', (req, res) => res.json({ rows: 3 }));
    routes(app);
  },

  // cors() and the well-known res.append(...) snippet after it: two Access-Control-Allow-Origin lines.
  'append-after-cors': (app) => {
    app.use(cors());
    app.use((req, res, next) => {
      res.append('Access-Control-Allow-Origin', ['*']);
      res.append('Access-Control-Allow-Methods', 'GET,PUT,POST,DELETE');
      res.append('Access-Control-Allow-Headers', 'Content-Type');
      next();
    });
    app.use(express.json());
    routes(app);
  },
  'cors-only': (app) => {
    app.use(cors());
    app.use(express.json());
    routes(app);
  },

  // The origin copied from the address bar, trailing slash and all: cors passes it through.
  'origin-slash': (app) => {
    app.use(cors({ origin: 'http://localhost:5173/', credentials: true }));
    app.use(express.json());
    routes(app);
  },

  // An expired session redirected to the login page on another origin.
  'login-redirect': (app) => {
    app.use(cors({ origin: PAGE, credentials: true }));
    app.use('/api/me', (req, res, next) => (sessionOf(req) ? next() : res.redirect('http://localhost:9000/login')));
    app.use(express.json());
    routes(app);
  },
  'login-401': (app) => {
    app.use(cors({ origin: PAGE, credentials: true }));
    app.use('/api/me', (req, res, next) => (sessionOf(req) ? next() : res.status(401).json({ error: 'unauthenticated' })));
    app.use(express.json());
    routes(app);
  },

  // allowedHeaders written out without Authorization (the default would reflect it).
  'allowed-headers': (app) => {
    app.use(cors({ origin: PAGE, allowedHeaders: ['Content-Type'] }));
    app.use(express.json());
    routes(app);
  },
  'allowed-headers-auth': (app) => {
    app.use(cors({ origin: PAGE, allowedHeaders: ['Content-Type', 'Authorization'] }));
    app.use(express.json());
    routes(app);
  },

  // methods narrowed to what the first screens used.
  methods: (app) => {
    app.use(cors({ origin: PAGE, methods: ['GET', 'POST'] }));
    app.use(express.json());
    routes(app);
  },
  'methods-delete': (app) => {
    app.use(cors({ origin: PAGE, methods: ['GET', 'POST', 'DELETE'] }));
    app.use(express.json());
    routes(app);
  },

  // preflightContinue: true (expressjs/cors#305) hands the preflight on, and the auth after it says 401.
  'preflight-continue': (app) => {
    app.use(cors({ origin: PAGE, preflightContinue: true }));
    app.use(authenticate);
    app.use(express.json());
    routes(app);
  },
};

export function createApp(scenario) {
  const build = scenarios[scenario];
  if (!build) throw new Error(`express: no scenario ${scenario}`);
  const app = express();
  build(app);
  return app;
}
