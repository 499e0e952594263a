import { Router } from 'express';

export type ReadinessCheck = () => Promise<boolean>;

/** Counters worth seeing from outside, e.g. webhook events that could not be read. */
export type HealthCounts = () => Record<string, unknown>;

export function healthRoutes(isReady: ReadinessCheck, counts: HealthCounts = () => ({})): Router {
  const router = Router();
  // Liveness: the process answers. It must not depend on the database, or an orchestrator
  // would restart healthy instances during a database outage.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...counts() });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await isReady().catch(() => false);
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', database: ready ? 'up' : 'down' });
  });
  return router;
}
