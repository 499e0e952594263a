import type { Request, RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import { PublicError } from '../errors';
import { createAuthService } from './auth-service';
import { staffModels } from './models';
import { PERMISSIONS, type Action, type Role } from './permissions';
import type { StaffPrincipal } from './principal';

const BEARER = /^Bearer\s+(nl[st]_[A-Za-z0-9_-]{20,100})\s*$/i;

const unauthenticated = () =>
  new PublicError(
    401,
    'unauthenticated',
    'Sign in first: send Authorization: Bearer <token> with a valid, unexpired token.',
  );

/** Sets req.staff from the bearer token, or answers 401. */
export function requireAuth(deps: { connection: Connection; clock?: () => Date }): RequestHandler {
  const auth = createAuthService(staffModels(deps.connection), deps.clock ?? (() => new Date()));
  return async (req, res, next) => {
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
    const staff = token ? await auth.authenticate(token) : null;
    if (!staff) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="needline"');
      throw unauthenticated();
    }
    req.staff = staff;
    next();
  };
}

/** The staff member requireAuth found; a route without requireAuth is a programming error. */
export function staffOf(req: Request): StaffPrincipal {
  if (!req.staff) throw new Error('route used staffOf without requireAuth');
  return req.staff;
}

/** Answers 403 unless req.staff has one of the roles. Use after requireAuth. */
export function requireRole(...roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    const staff = req.staff;
    if (!staff) throw unauthenticated();
    if (!roles.includes(staff.role))
      throw new PublicError(403, 'forbidden', 'Your role does not allow this.', { role: staff.role });
    next();
  };
}

export const requirePermission = (action: Action): RequestHandler => requireRole(...PERMISSIONS[action]);
