import request from 'supertest';
import { createApp } from '../src/app';
import { connectDatabase, type Database } from '../src/db/connection';
import { startEmbeddedFerretDb, type DatabaseServer } from '../src/db/server-resolver';
import { createErrorSink } from '../src/errors';
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
    });

    expect(await readinessBecomes(app, 200)).toBe(200);

    await server.stop();
    expect(await readinessBecomes(app, 503)).toBe(503);
    await request(app).get('/healthz').expect(200);

    server = await startEmbeddedFerretDb({ dataDir: '.data/test', persistent: false, port });
    expect(await readinessBecomes(app, 200)).toBe(200);
  });
});
