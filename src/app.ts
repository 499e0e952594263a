import { randomUUID } from 'node:crypto';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { ErrorSink } from './errors';
import { errorHandler, notFound } from './http/error-handler';
import { healthRoutes, type HealthCounts, type ReadinessCheck } from './http/health';
import type { TrustProxy } from './config';
import { loggedPath } from './http/logged-path';
import type { EmbeddedState } from './db/server-resolver';
import type { Logger } from './logger';

export type AppDeps = {
  logger: Logger;
  reportError: ErrorSink;
  isReady: ReadinessCheck;
  healthCounts?: HealthCounts;
  /** The embedded database's process, when there is one: /healthz tells a dead one from a slow one. */
  databaseState?: () => EmbeddedState;
  /** TRUST_PROXY (see config.ts). */
  trustProxy?: TrustProxy;
  /**
   * Machine-to-machine routers (LINE's webhook) mounted ahead of the security headers and the
   * request log: LINE reads neither, a log line per delivery would drown the log at hundreds of
   * events a second, and the two cost about as much CPU as verifying and storing the event.
   */
  machineRouters?: Router[];
  /** Feature routers mounted before the JSON parser, each parsing its own body (the webhook needs raw bytes). */
  routers?: Router[];
};

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Off unless configured: otherwise any client could name its own address in X-Forwarded-For and
  // get around the sign-in limits and forge the audit log's addresses.
  app.set('trust proxy', deps.trustProxy ?? false);
  for (const router of deps.machineRouters ?? []) app.use(router);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Probes, and the sandbox page's poll every second, would drown the log.
      autoLogging: {
        ignore: (req) =>
          req.url === '/healthz' ||
          req.url === '/readyz' ||
          (req.method === 'GET' && (req.url ?? '').startsWith('/sandbox/api/messages')),
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: loggedPath(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  // API answers carry personal data and sign-in tokens: no browser or proxy may keep a copy.
  app.use(['/api', '/sandbox/api'], (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(healthRoutes(deps.isReady, deps.healthCounts, deps.databaseState));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(express.json({ limit: '100kb' }));
  app.use(notFound);
  app.use(errorHandler(deps.reportError));
  return app;
}
