import mongoose, { type Connection } from 'mongoose';

export type Database = {
  connection: Connection;
  /** True when the server answers a ping within the time limit. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Creates the indexes every registered model declares. */
  ensureIndexes(): Promise<void>;
  close(): Promise<void>;
  /** Commands sent so far, by name and collection, e.g. `find chats` (only with `monitorCommands`; the bench reads it). */
  commandCounts(): Record<string, number>;
};

/** The driver's own housekeeping, not our queries. */
const HOUSEKEEPING = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'endSessions',
  'saslStart',
  'saslContinue',
  'buildInfo',
]);

/**
 * One connection per service instance (not mongoose's global one), so tests can run two instances
 * against one database. Indexes are declared with the models and built here, at start, not lazily.
 */
export async function connectDatabase(
  uri: string,
  dbName?: string,
  options: { monitorCommands?: boolean } = {},
): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    monitorCommands: options.monitorCommands ?? false,
    autoIndex: false,
    autoCreate: true,
    // Fail fast while the database is down: readiness answers 503 instead of hanging, and the
    // driver keeps reconnecting in the background so the service recovers by itself.
    serverSelectionTimeoutMS: 5000,
    heartbeatFrequencyMS: 2000,
  });
  await connection.asPromise();
  const counts: Record<string, number> = {};
  if (options.monitorCommands)
    connection.getClient().on('commandStarted', (event) => {
      if (HOUSEKEEPING.has(event.commandName)) return;
      const collection = (event.command as Record<string, unknown>)[event.commandName];
      const key = typeof collection === 'string' ? `${event.commandName} ${collection}` : event.commandName;
      counts[key] = (counts[key] ?? 0) + 1;
    });

  return {
    commandCounts: () => ({ ...counts }),
    connection,
    async ping(timeoutMs = 2000) {
      const db = connection.db;
      if (!db) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ping = db
        .command({ ping: 1 }, { timeoutMS: timeoutMs })
        .then(() => true)
        .catch(() => false);
      try {
        return await Promise.race([ping, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async ensureIndexes() {
      for (const model of Object.values(connection.models)) {
        await model.createCollection().catch((error: { codeName?: string }) => {
          if (error.codeName !== 'NamespaceExists') throw error;
        });
        await model.createIndexes();
      }
    },
    async close() {
      await connection.close();
    },
  };
}
