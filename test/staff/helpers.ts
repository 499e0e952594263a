import request from 'supertest';
import type { Express, Router } from 'express';
import { createApp } from '../../src/app';
import type { Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { ApiRegistry } from '../../src/http/openapi';
import { staffModels } from '../../src/staff/models';
import { auditModel } from '../../src/staff/audit-model';
import { hashPassword } from '../../src/staff/password';
import type { Role } from '../../src/staff/permissions';
import type { StaffDeps } from '../../src/staff/context';
import { staffApiRouters } from '../../src/staff/routers';
import type { LoginLimits } from '../../src/staff/throttle';
import { testLogger } from '../helpers/logger';
import { tellAdminsOfGuessing } from '../../src/notifications/staff-notifications';

export const PASSWORD = 'correct horse battery staple';

/** A clock tests move by hand. */
export function manualClock(start = new Date('2026-03-01T08:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

export async function buildStaffApp(
  database: Database,
  options: {
    clock?: () => Date;
    loginLimits?: Partial<LoginLimits>;
    /** As TRUST_PROXY: lets a test speak from several addresses through X-Forwarded-For. */
    trustProxy?: string;
    /** More routers on the same registry and staff context (e.g. the hand-offs). */
    routers?: (deps: StaffDeps) => Router[];
  } = {},
): Promise<{ app: Express; api: ApiRegistry }> {
  const api = new ApiRegistry();
  const deps: StaffDeps = {
    connection: database.connection,
    logger: testLogger,
    api,
    clock: options.clock,
    loginLimits: options.loginLimits,
  };
  const routers = [
    ...staffApiRouters(deps, (guess) => tellAdminsOfGuessing(deps.connection, guess)),
    ...(options.routers?.(deps) ?? []),
  ];
  auditModel(database.connection);
  staffModels(database.connection);
  await database.ensureIndexes();
  const app = createApp({
    logger: testLogger,
    reportError: createErrorSink(testLogger),
    isReady: async () => true,
    routers,
    trustProxy: options.trustProxy,
  });
  return { app, api };
}

let counter = 0;

/** scrypt at today's cost takes a third of a second: the test password is hashed once per file. */
let testPasswordHash: Promise<string> | undefined;
const passwordHashOnce = () => (testPasswordHash ??= hashPassword(PASSWORD));

export async function addStaff(
  database: Database,
  role: Role,
  fields: { email?: string; provinces?: string[]; active?: boolean } = {},
) {
  counter += 1;
  const doc = await staffModels(database.connection).Staff.create({
    email: fields.email ?? `${role}${counter}@example.org`,
    name: `${role} ${counter}`,
    role,
    provinces: fields.provinces ?? (role === 'caseworker' ? ['50'] : []),
    active: fields.active ?? true,
    passwordHash: await passwordHashOnce(),
  });
  return { id: doc._id.toHexString(), email: doc.email };
}

export async function login(app: Express, email: string, password = PASSWORD): Promise<string> {
  const res = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
  return res.body.token as string;
}
