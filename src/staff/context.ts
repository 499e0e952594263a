import type { Connection } from 'mongoose';
import { createAuditLog } from './audit-log';
import type { ApiRegistry } from '../http/openapi';
import type { Logger } from '../logger';
import { createAuthService } from './auth-service';
import { requireAuth } from './middleware';
import { staffModels } from './models';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './throttle';

export type StaffDeps = {
  connection: Connection;
  logger: Logger;
  /** Shared by every router of the app, so GET /api/openapi.json lists them all. */
  api: ApiRegistry;
  clock?: () => Date;
  loginLimits?: Partial<LoginLimits>;
};

export function staffContext(deps: StaffDeps) {
  const clock = deps.clock ?? (() => new Date());
  const models = staffModels(deps.connection);
  return {
    api: deps.api,
    logger: deps.logger,
    clock,
    models,
    audit: createAuditLog(deps.connection, clock),
    auth: createAuthService(models, clock, { ...DEFAULT_LOGIN_LIMITS, ...deps.loginLimits }),
    authenticate: requireAuth({ connection: deps.connection, clock }),
  };
}

export type StaffContext = ReturnType<typeof staffContext>;
