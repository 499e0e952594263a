import request from 'supertest';
import type { Express } from 'express';
import type { Database } from '../../src/db/connection';
import type { ApiRegistry } from '../../src/http/openapi';
import { ROLES, type Role } from '../../src/staff/permissions';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addStaff, buildStaffApp, login } from './helpers';

type Call = { body?: object };

/**
 * The expected access per endpoint, written out here rather than read from the permissions
 * table, so a change to the table that opens an endpoint fails this test.
 */
const EXPECTED: Record<
  string,
  { roles: readonly Role[] | 'public'; call: (ctx: Ctx) => Call & { path: string } }
> = {
  'POST /api/auth/login': { roles: 'public', call: () => ({ path: '/api/auth/login', body: {} }) },
  'POST /api/auth/logout': { roles: ROLES, call: () => ({ path: '/api/auth/logout' }) },
  'GET /api/auth/me': { roles: ROLES, call: () => ({ path: '/api/auth/me' }) },
  'GET /api/staff': { roles: ['admin'], call: () => ({ path: '/api/staff' }) },
  'POST /api/staff': {
    roles: ['admin'],
    call: (ctx) => ({
      path: '/api/staff',
      body: {
        email: `new-${ctx.seq()}@example.org`,
        name: 'New',
        role: 'viewer',
        password: 'a long password 1',
      },
    }),
  },
  'PATCH /api/staff/:id': {
    roles: ['admin'],
    call: (ctx) => ({ path: `/api/staff/${ctx.targetId}`, body: { name: `Renamed ${ctx.seq()}` } }),
  },
  'POST /api/staff/:id/revoke-sessions': {
    roles: ['admin'],
    call: (ctx) => ({ path: `/api/staff/${ctx.targetId}/revoke-sessions` }),
  },
  'POST /api/tokens': {
    roles: ['admin'],
    call: () => ({ path: '/api/tokens', body: { name: 'integration' } }),
  },
  'GET /api/tokens': { roles: ['admin'], call: () => ({ path: '/api/tokens' }) },
  'DELETE /api/tokens/:id': {
    roles: ['admin'],
    call: () => ({ path: '/api/tokens/0123456789abcdef01234567' }),
  },
  'GET /api/audit': { roles: ['admin'], call: () => ({ path: '/api/audit' }) },
};

type Ctx = { targetId: string; seq: () => number };

describe('role matrix: every endpoint for every role', () => {
  let database: Database;
  let app: Express;
  let api: ApiRegistry;
  const ctx: Ctx = {
    targetId: '',
    seq: (() => {
      let n = 0;
      return () => ++n;
    })(),
  };
  const staff = {} as Record<Role, { email: string }>;

  beforeAll(async () => {
    database = await openTestDatabase('rolematrix');
    ({ app, api } = await buildStaffApp(database, { loginLimits: { perIp: 1000 } }));
    for (const role of ROLES) staff[role] = await addStaff(database, role);
    ctx.targetId = (await addStaff(database, 'viewer')).id;
  });
  afterAll(() => dropTestDatabase(database));

  it('covers every route the registry documents, and documents the same roles', () => {
    const registered = api.list().filter((route) => route.path !== '/api/openapi.json');
    expect(registered.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual(
      Object.keys(EXPECTED).sort(),
    );
    for (const route of registered) {
      const expected = EXPECTED[`${route.method.toUpperCase()} ${route.path}`]!.roles;
      expect([route.path, route.roles === 'public' ? 'public' : [...route.roles].sort()]).toEqual([
        route.path,
        expected === 'public' ? 'public' : [...expected].sort(),
      ]);
    }
  });

  const send = (method: string, call: Call & { path: string }, token?: string) => {
    const verb = method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    let req = request(app)[verb](call.path);
    if (token) req = req.set('authorization', `Bearer ${token}`);
    return call.body ? req.send(call.body) : req;
  };

  for (const [key, spec] of Object.entries(EXPECTED)) {
    const [method, path] = key.split(' ') as [string, string];
    if (spec.roles === 'public') continue;
    const allowed = spec.roles;

    it(`${key}: 401 without a token, 403 for roles not allowed, through for ${allowed.join(', ')}`, async () => {
      const anonymous = await send(method, spec.call(ctx));
      expect([path, anonymous.status, anonymous.body.error?.code]).toEqual([path, 401, 'unauthenticated']);
      const bogus = await send(method, spec.call(ctx), `nls_${'x'.repeat(43)}`);
      expect(bogus.status).toBe(401);

      for (const role of ROLES) {
        // A fresh session each time: logout revokes the token it is called with.
        const token = await login(app, staff[role].email);
        const res = await send(method, spec.call(ctx), token);
        if (allowed.includes(role)) {
          expect([role, res.status]).toEqual([role, expect.any(Number)]);
          expect([role, res.status < 400 || res.status === 404]).toEqual([role, true]);
        } else {
          expect([role, res.status, res.body.error?.code]).toEqual([role, 403, 'forbidden']);
        }
      }
    });
  }

  it('keeps public routes public', async () => {
    await request(app).get('/api/openapi.json').expect(200);
    const res = await request(app).post('/api/auth/login').send({}).expect(400);
    expect(res.body.error.code).toBe('invalid_request');
  });
});
