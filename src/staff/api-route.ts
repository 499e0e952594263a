import type { Request, Response, Router } from 'express';
import type { ApiRegistry, RouteDoc } from '../http/openapi';
import { validate, validInput, type RequestSchemas, type ValidInput } from '../http/validate';
import { requireRole } from './middleware';
import { PERMISSIONS, ROLES, type Action, type Role } from './permissions';

export type Access = 'public' | 'staff' | Action;

export type ApiRouteSpec<S extends RequestSchemas> = Omit<RouteDoc, 'roles' | 'schemas'> & {
  /** 'public'; 'staff' (any signed-in role); or an action from the permissions table. */
  access: Access;
  schemas?: S;
};

const rolesFor = (access: Access): 'public' | readonly Role[] =>
  access === 'public' ? 'public' : access === 'staff' ? ROLES : PERMISSIONS[access];

/**
 * Mounts a route and documents it from one definition: authentication, then the role check, then
 * validation (so an anonymous caller learns nothing about the request shape), then the handler
 * with the parsed input.
 */
export function apiRoute<S extends RequestSchemas>(
  router: Router,
  context: { api: ApiRegistry; authenticate: (req: Request, res: Response, next: () => void) => unknown },
  spec: ApiRouteSpec<S>,
  handler: (req: Request, res: Response, input: ValidInput<S>) => unknown,
): void {
  const { access, schemas = {} as S, ...doc } = spec;
  const roles = rolesFor(access);
  context.api.add({ ...doc, roles, schemas });
  const guards = roles === 'public' ? [] : [context.authenticate, requireRole(...roles)];
  router[spec.method](spec.path, ...guards, validate(schemas), async (req: Request, res: Response) => {
    await handler(req, res, validInput(res, schemas));
  });
}
