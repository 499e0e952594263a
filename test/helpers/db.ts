import { randomBytes } from 'node:crypto';
import type { DatabaseServer } from '../../src/db/server-resolver';
import { connectDatabase, type Database } from '../../src/db/connection';

/** The server the global setup started; tests never stop it. */
export function testDatabaseServer(): DatabaseServer {
  const uri = process.env.NEEDLINE_TEST_MONGODB_URI;
  if (!uri) throw new Error('NEEDLINE_TEST_MONGODB_URI is not set: run tests through jest (global setup)');
  return {
    uri,
    kind: (process.env.NEEDLINE_TEST_DB_KIND as DatabaseServer['kind']) ?? 'external',
    description: 'test server',
    stop: async () => undefined,
  };
}

/** A fresh database name, so test files (and tests within them) never share data. */
export function uniqueDbName(label = 'test'): string {
  return `nl_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/** Connects to a new, empty database on the test server. Drop it with `dropTestDatabase`. */
export async function openTestDatabase(label?: string): Promise<Database> {
  return connectDatabase(testDatabaseServer().uri, uniqueDbName(label));
}

export async function dropTestDatabase(database: Database): Promise<void> {
  await database.connection.dropDatabase().catch(() => undefined);
  await database.close();
}
