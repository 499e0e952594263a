import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import type { Config } from './config';
import { connectDatabase, type Database } from './db/connection';
import { resolveDatabaseServer, type DatabaseServer } from './db/server-resolver';
import { createErrorSink } from './errors';
import type { Logger } from './logger';

export type Service = {
  url: string;
  database: Database;
  databaseServer: DatabaseServer;
  /** Stop accepting, finish in-flight requests and work, close the database. */
  stop(): Promise<void>;
};

export type ServiceOptions = {
  config: Config;
  logger: Logger;
  /** Database name; tests give each instance their own. */
  dbName?: string;
  /** A server already resolved (tests share one); otherwise resolved from the configuration. */
  databaseServer?: DatabaseServer;
  /** How long in-flight requests may take to finish on stop. */
  drainMs?: number;
};

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  const reportError = createErrorSink(logger);

  const databaseServer =
    options.databaseServer ??
    (await resolveDatabaseServer({
      mongodbUri: config.MONGODB_URI,
      dataDir: config.NEEDLINE_DATA_DIR,
      persistent: true,
      log: (message) => logger.info(message),
    }));
  logger.info({ database: databaseServer.kind }, `database: ${databaseServer.description}`);

  const database = await connectDatabase(databaseServer.uri, options.dbName);
  await database.ensureIndexes();

  const app = createApp({ logger, reportError, isReady: () => database.ping() });
  const server = await listen(app, config.PORT);
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    databaseServer,
    stop() {
      stopping ??= (async () => {
        await closeServer(server, options.drainMs ?? 8000);
        await database.close();
        if (!options.databaseServer) await databaseServer.stop();
      })();
      return stopping;
    },
  };
}

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** Stops accepting at once; lets in-flight requests finish, up to `drainMs`, then cuts the rest. */
function closeServer(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
