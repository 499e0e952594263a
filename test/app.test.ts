import request from 'supertest';
import pino from 'pino';
import { createApp } from '../src/app';
import { loggedPath } from '../src/http/logged-path';
import { createErrorSink } from '../src/errors';
import { dropTestDatabase, openTestDatabase } from './helpers/db';
import { testLogger } from './helpers/logger';
import type { Database } from '../src/db/connection';
import { Router } from 'express';

describe('HTTP app', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('app');
  });
  afterAll(async () => {
    await dropTestDatabase(database);
  });

  const build = (isReady: () => Promise<boolean>, routers: Router[] = []) =>
    createApp({ logger: testLogger, reportError: createErrorSink(testLogger), isReady, routers });

  it('answers /healthz and /readyz against the real database', async () => {
    const app = build(() => database.ping());
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app).get('/readyz').expect(200, { status: 'ready', database: 'up' });
  });

  it('answers 503 on /readyz when the database is unreachable, and still 200 on /healthz', async () => {
    const app = build(async () => false);
    await request(app).get('/readyz').expect(503, { status: 'unavailable', database: 'down' });
    await request(app).get('/healthz').expect(200);
  });

  it('answers unknown routes with a JSON 404 and sets security headers and a request id', async () => {
    const res = await request(app()).get('/nope').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No such endpoint.' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toMatch(/^[\w-]+$/);
    function app() {
      return build(async () => true);
    }
  });

  it('never leaks internals in a 500', async () => {
    const boom = Router().get('/boom', () => {
      throw new Error('secret internal detail at /srv/db');
    });
    const res = await request(build(async () => true, [boom]))
      .get('/boom')
      .expect(500);
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(res.body.error.code).toBe('internal');
  });

  it('refuses oversized and malformed JSON bodies clearly', async () => {
    const echo = Router();
    const app = build(async () => true, [echo]);
    await request(app)
      .post('/anything')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(200_000) }))
      .expect(413);
    const res = await request(app)
      .post('/anything')
      .set('content-type', 'application/json')
      .send('{bad')
      .expect(400);
    expect(res.body.error.code).toBe('malformed_json');
  });
});

describe('client addresses and the request log', () => {
  const echoIp = () => {
    const router = Router();
    router.get('/ip', (req, res) => {
      res.json({ ip: req.ip });
    });
    return router;
  };

  it('ignores X-Forwarded-For unless TRUST_PROXY names the proxies', async () => {
    const direct = createApp({
      logger: testLogger,
      reportError: createErrorSink(testLogger),
      isReady: async () => true,
      routers: [echoIp()],
    });
    const spoofed = await request(direct).get('/ip').set('x-forwarded-for', '203.0.113.9').expect(200);
    expect(spoofed.body.ip).not.toBe('203.0.113.9');
    const proxied = createApp({
      logger: testLogger,
      reportError: createErrorSink(testLogger),
      isReady: async () => true,
      routers: [echoIp()],
      trustProxy: 'loopback',
    });
    const forwarded = await request(proxied).get('/ip').set('x-forwarded-for', '203.0.113.9').expect(200);
    expect(forwarded.body.ip).toBe('203.0.113.9');
  });

  it('logs the route without its query and with LINE user ids masked', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const app = createApp({ logger, reportError: createErrorSink(logger), isReady: async () => true });
    const userId = `U${'a1'.repeat(16)}`;
    await request(app).get(`/api/handoffs/${userId}/messages?q=Somchai%200812345678`).expect(404);
    const logged = lines.join('\n');
    expect(logged).toContain(`/api/handoffs/U…a1a1/messages`);
    expect(logged).not.toContain(userId);
    expect(logged).not.toMatch(/Somchai|0812345678|q=/);
    expect(loggedPath(`/x/${userId}?a=b`)).toBe('/x/U…a1a1');
  });
});
