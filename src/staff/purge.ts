import type { StaffModels } from './models';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './throttle';

/**
 * For a scheduled job (TTL indexes do not exist on FerretDB): removes expired sessions and API
 * tokens, and login counters whose window and lock are both over.
 */
export async function purgeExpiredAuth(
  models: StaffModels,
  now: Date = new Date(),
  limits: Pick<LoginLimits, 'windowMs'> = DEFAULT_LOGIN_LIMITS,
): Promise<{ credentials: number; throttles: number }> {
  const credentials = await models.Credential.deleteMany({ expiresAt: { $lte: now } });
  const throttles = await models.LoginThrottle.deleteMany({
    windowStart: { $lte: new Date(now.getTime() - limits.windowMs) },
    lockedUntil: { $lte: now },
  });
  return { credentials: credentials.deletedCount, throttles: throttles.deletedCount };
}
