import { Router } from 'express';
import type { EmbeddedState } from '../db/server-resolver';

export type ReadinessCheck = () => Promise<boolean>;

/** Counters worth seeing from outside, e.g. webhook events that could not be read. */
export type HealthCounts = () => Record<string, unknown>;

export function healthRoutes(
  isReady: ReadinessCheck,
  counts: HealthCounts = () => ({}),
  embeddedDatabase?: () => EmbeddedState,
): Router {
  const router = Router();
  // Liveness: the process answers. A slow or unreachable database does not make it unhealthy (an
  // orchestrator would restart healthy instances during an outage), but the death of the embedded
  // database this process runs does: it is being restarted, or could not be.
  router.get('/healthz', (_req, res) => {
    const state = embeddedDatabase?.();
    if (state && state !== 'up') {
      res.status(503).json({
        status: 'unhealthy',
        reason: 'database_down',
        database: state === 'failed' ? 'not restarted' : 'restarting',
        ...counts(),
      });
      return;
    }
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
