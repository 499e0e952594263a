import type { Router } from 'express';
import { auditRouter } from './audit-routes';
import { openapiRouter } from '../http/openapi';
import { authRouter, type OnLoginGuessed } from './auth-routes';
import type { StaffDeps } from './context';
import { staffRouter } from './staff-routes';
import { tokensRouter } from './tokens-routes';

/** Every router of the staff foundation, ready for createApp's `routers`. */
export function staffApiRouters(deps: StaffDeps, onLoginGuessed: OnLoginGuessed): Router[] {
  return [
    authRouter(deps, onLoginGuessed),
    staffRouter(deps),
    tokensRouter(deps),
    auditRouter(deps),
    openapiRouter(deps.api),
  ];
}
