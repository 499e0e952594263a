import { resolveDatabaseServer, type DatabaseServer } from '../src/db/server-resolver';

declare global {
  var __NEEDLINE_DB_SERVER__: DatabaseServer | undefined;
}

/** One real server for the whole run (MONGODB_URI, a mongod, or FerretDB); each test file uses its own database. */
export default async function globalSetup(): Promise<void> {
  const server = await resolveDatabaseServer({
    mongodbUri: process.env.MONGODB_URI,
    dataDir: '.data/test',
    persistent: false,
    log: (message) => process.stdout.write(`[test db] ${message}\n`),
  });
  process.stdout.write(`\n[test db] tests run against ${server.description}\n`);
  process.env.NEEDLINE_TEST_MONGODB_URI = server.uri;
  process.env.NEEDLINE_TEST_DB_KIND = server.kind;
  globalThis.__NEEDLINE_DB_SERVER__ = server;
}
