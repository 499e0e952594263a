import request from 'supertest';
import { createApp } from '../src/app';
import { connectDatabase, type Database } from '../src/db/connection';
import { startEmbeddedFerretDb, type DatabaseServer } from '../src/db/server-resolver';
import { createErrorSink } from '../src/errors';
import { ingestionModels } from '../src/ingestion/models';
import { webhookRouter } from '../src/ingestion/webhook-router';
import { buildEvent, newUserId, signBody } from '../src/line-emulator/webhook-client';
import { testLogger } from './helpers/logger';

/** Polls until the readiness answer is the expected one; bounded, and asserts on state, not time. */
async function readinessBecomes(app: ReturnType<typeof createApp>, status: number): Promise<number> {
  let last = 0;
  for (let attempt = 0; attempt < 60; attempt++) {
    last = (await request(app).get('/readyz')).status;
    if (last === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}

const SECRET = 'outage-secret';

describe('database outage', () => {
  let server: DatabaseServer;
  let database: Database;

  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  it('answers 503 on /readyz while the database is down, 200 on /healthz, and recovers', async () => {
    // Its own FerretDB, so killing it does not disturb other test files.
    server = await startEmbeddedFerretDb({ dataDir: '.data/test', persistent: false });
    const port = Number(new URL(server.uri).port);
    database = await connectDatabase(server.uri, 'outage');
    const app = createApp({
      logger: testLogger,
      reportError: createErrorSink(testLogger),
      isReady: () => database.ping(),
      machineRouters: [
        webhookRouter({
          channelSecret: SECRET,
          models: ingestionModels(database.connection),
          logger: testLogger,
          onAccepted: () => undefined,
        }),
      ],
    });
    const post = () => {
      const body = JSON.stringify({
        destination: 'U0',
        events: [buildEvent.text({ userId: newUserId(), text: 'hi' })],
      });
      return request(app)
        .post('/webhook')
        .set('content-type', 'application/json')
        .set('x-line-signature', signBody(body, SECRET))
        .send(body);
    };

    expect(await readinessBecomes(app, 200)).toBe(200);

    await server.stop();
    expect(await readinessBecomes(app, 503)).toBe(503);
    await request(app).get('/healthz').expect(200);
    // LINE is told to come back (it redelivers), not that we failed.
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body.error.code).toBe('unavailable');

    server = await startEmbeddedFerretDb({ dataDir: '.data/test', persistent: false, port });
    expect(await readinessBecomes(app, 200)).toBe(200);
    expect((await post()).status).toBe(200);
  });
});
