/**
 * `corscope check` against real Express apps (express + cors, as people misconfigure them): the
 * record Chrome's line is on carries the diagnosis, with the error body check read.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/index.js';

const ORIGIN = 'http://localhost:5173';
const servers: Server[] = [];
afterEach(() => {
  while (servers.length) servers.pop()!.close();
});

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const authenticate = (req: Request, res: Response, next: NextFunction) => {
  if (req.headers.authorization !== 'Bearer ok') {
    res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'unauthorized' });
    return;
  }
  next();
};

describe('check diagnoses', () => {
  it('auth registered before cors(): the preflight 401, in Express terms', async () => {
    const app = express();
    app.use(authenticate);
    app.use(cors({ origin: ORIGIN }));
    app.put('/api/items/1', (req, res) => res.json({ ok: true }));
    const base = await listen(app);
    const result = await runCheck({ url: `${base}/api/items/1`, origin: ORIGIN, method: 'PUT', headers: [['Content-Type', 'application/json']], data: '{}' });
    expect(result.outcome).toBe('blocked');
    const [preflight] = result.records;
    expect(preflight!.diagnosis).toMatchObject({ code: 'auth-before-cors', stack: 'express' });
    expect(preflight!.diagnosis!.evidence).toContain('401 with WWW-Authenticate: Bearer and no CORS headers');
    expect(preflight!.diagnosis!.fix).toContain(`app.use(cors({ origin: '${ORIGIN}' })) before your authentication middleware`);
    expect(preflight!.body).toEqual({ type: 'application/json; charset=utf-8', bytes: 24, truncated: false, text: '{"error":"unauthorized"}' });
  });

  it("the origin callback's Error: Express's 500 page, read by check, names the refused origin", async () => {
    const app = express();
    app.use(cors({ origin: (origin, callback) => (origin === 'http://localhost:3000' ? callback(null, true) : callback(new Error('Not allowed by CORS'))) }));
    app.get('/api/items', (req, res) => res.json([]));
    const base = await listen(app);
    const result = await runCheck({ url: `${base}/api/items`, origin: ORIGIN });
    const [record] = result.records;
    expect(record).toMatchObject({ verdict: 'blocked', status: 500, diagnosis: { code: 'origin-not-allowed', stack: 'express' } });
    expect(record!.diagnosis!.evidence[0]).toMatch(/^500 from the cors package's origin callback \(its README's example error\): "Error Error: Not allowed by CORS/);
  });
});
