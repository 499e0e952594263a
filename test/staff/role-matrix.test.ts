import request from 'supertest';
import type { Express } from 'express';
import { caseModels, createCase } from '../../src/cases/create-case';
import type { Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { handoffModel } from '../../src/handoffs/model';
import { handoffRouter } from '../../src/handoffs/router';
import type { ApiRegistry } from '../../src/http/openapi';
import { ingestionModels } from '../../src/ingestion/models';
import { createProcessor, type Processor } from '../../src/ingestion/processor';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { createLineApi } from '../../src/line/line-api';
import { createSender } from '../../src/line/sender';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { ROLES, type Role } from '../../src/staff/permissions';
import { caseInput } from '../case-api/helpers';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { testLogger } from '../helpers/logger';
import { addStaff, buildStaffApp, login } from './helpers';

type Call = { body?: object };

const CASE_STAFF = ['admin', 'coordinator', 'caseworker'] as const;

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
  // The hand-off scope (who reaches whom) is the matrix at the end of this file.
  'GET /api/handoffs': { roles: CASE_STAFF, call: () => ({ path: '/api/handoffs' }) },
  'GET /api/handoffs/:userId/messages': {
    roles: CASE_STAFF,
    call: (ctx) => ({ path: `/api/handoffs/${ctx.waiting}/messages` }),
  },
  'POST /api/handoffs/:userId/messages': {
    roles: CASE_STAFF,
    call: (ctx) => ({ path: `/api/handoffs/${ctx.waiting}/messages`, body: { text: 'สวัสดีค่ะ' } }),
  },
  'POST /api/handoffs/:userId/close': {
    roles: CASE_STAFF,
    call: (ctx) => ({ path: `/api/handoffs/${ctx.waiting}/close` }),
  },
};

/** Someone in every case role's scope (a reporter in Chiang Mai, the caseworker's province 50). */
type Ctx = { targetId: string; waiting: string; seq: () => number };

/** Who may be waiting for staff, and the case that may bring them to a staff member. */
const PEOPLE = [
  'reporter in Bangkok',
  'reporter in Chiang Mai',
  'reporter of a Bangkok case assigned to the caseworker',
  'volunteer who reported for a household in Chiang Mai',
  'person with no case',
  'reporter in Chiang Mai whose hand-off is closed',
] as const;
type Person = (typeof PEOPLE)[number];
const MEMBERS = ['admin', 'coordinator', 'coordinator of 50', 'caseworker', 'viewer'] as const;
type Member = (typeof MEMBERS)[number];

/**
 * Whose open hand-off each staff member lists, reads, answers and closes; everyone else's is 404, as
 * for someone not waiting. The coordinator and the caseworker are those of the matrix above (no
 * provinces: the whole country; the caseworker covers 50, Chiang Mai). Viewers: 403 everywhere.
 */
const REACHES: Record<Member, readonly Person[] | 'forbidden'> = {
  admin: PEOPLE.slice(0, 5),
  coordinator: PEOPLE.slice(0, 5),
  'coordinator of 50': ['reporter in Chiang Mai', 'volunteer who reported for a household in Chiang Mai'],
  caseworker: [
    'reporter in Chiang Mai',
    'reporter of a Bangkok case assigned to the caseworker',
    'volunteer who reported for a household in Chiang Mai',
  ],
  viewer: 'forbidden',
};

describe('role matrix: every endpoint for every role', () => {
  let database: Database;
  let app: Express;
  let api: ApiRegistry;
  let emulator: LineEmulator;
  let processor: Processor;
  const ctx: Ctx = {
    targetId: '',
    waiting: '',
    seq: (() => {
      let n = 0;
      return () => ++n;
    })(),
  };
  const staff = {} as Record<Role, { id: string; email: string }>;
  const people = {} as Record<Person, string>;

  beforeAll(async () => {
    database = await openTestDatabase('rolematrix');
    emulator = await startLineEmulator();
    const models = ingestionModels(database.connection);
    const sender = createSender({
      models,
      api: createLineApi({
        channelAccessToken: emulator.channelAccessToken,
        apiBaseUrl: emulator.url,
        dataApiBaseUrl: emulator.url,
        timeoutMs: 2000,
      }),
      logger: testLogger,
      instanceId: 'matrix',
      backoffMs: 10,
    });
    // Stands for the bot, which would give the chat back: here every close leaves the hand-off
    // open, so each role meets the same people waiting.
    processor = createProcessor({
      models,
      sender,
      handler: async ({ state }) => ({ state, outbox: [] }),
      apology: () => undefined,
      logger: testLogger,
      reportError: createErrorSink(testLogger),
      instanceId: 'matrix',
    });
    ({ app, api } = await buildStaffApp(database, {
      loginLimits: { perIp: 1000 },
      routers: (deps) => [handoffRouter({ ...deps, models, sender, processor })],
    }));
    for (const role of ROLES) staff[role] = await addStaff(database, role);
    ctx.targetId = (await addStaff(database, 'viewer')).id;

    const BANGKOK = { lat: 13.75, lng: 100.5 };
    const CHIANG_MAI = { lat: 18.79, lng: 98.98 };
    const cases = caseModels(database.connection);
    const report = async (lineUserId: string, location: typeof BANGKOK, volunteer = false) =>
      (
        await createCase(
          cases,
          caseInput({
            location,
            ...(volunteer
              ? {
                  reportedBy: 'volunteer',
                  volunteer: { lineUserId, relation: 'อาสาสมัคร', householdInformed: true },
                }
              : { reporter: { lineUserId } }),
          }),
        )
      ).case;
    for (const person of PEOPLE) {
      people[person] = newUserId();
      emulator.addUser({ userId: people[person], displayName: person });
    }
    await report(people['reporter in Bangkok'], BANGKOK);
    expect((await report(people['reporter in Chiang Mai'], CHIANG_MAI)).location.resolved.provinceCode).toBe(
      '50',
    );
    const assigned = await report(people['reporter of a Bangkok case assigned to the caseworker'], BANGKOK);
    expect(assigned.location.resolved.provinceCode).toBe('10');
    await cases.cases.updateOne(
      { reference: assigned.reference },
      { $set: { assigneeId: staff.caseworker.id } },
    );
    await report(people['volunteer who reported for a household in Chiang Mai'], CHIANG_MAI, true);
    await report(people['reporter in Chiang Mai whose hand-off is closed'], CHIANG_MAI);
    const Handoff = handoffModel(database.connection);
    for (const person of PEOPLE)
      await Handoff.create({
        _id: people[person],
        status: person.endsWith('closed') ? 'closed' : 'open',
        since: new Date('2026-03-01T02:00:00Z'),
      });
    ctx.waiting = people['reporter in Chiang Mai'];
  });
  afterAll(async () => {
    await processor.stop();
    await emulator.stop();
    await dropTestDatabase(database);
  });

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

  describe('hand-offs: each staff member reaches only the people of their scope', () => {
    const tokenOf = async (member: Member) => {
      if (member !== 'coordinator of 50') return login(app, staff[member].email);
      const coordinator = await addStaff(database, 'coordinator', { provinces: ['50'] });
      return login(app, coordinator.email);
    };

    for (const member of MEMBERS) {
      const reaches = REACHES[member];
      it(`${member}: ${reaches === 'forbidden' ? 'forbidden' : `lists, reads, answers and closes ${reaches.length} of ${PEOPLE.length}`}`, async () => {
        const auth = { authorization: `Bearer ${await tokenOf(member)}` };
        const list = await request(app).get('/api/handoffs').set(auth);
        if (reaches === 'forbidden') {
          expect([list.status, list.body.error?.code]).toEqual([403, 'forbidden']);
          for (const person of PEOPLE) {
            const id = people[person];
            const statuses = [
              (await request(app).get(`/api/handoffs/${id}/messages`).set(auth)).status,
              (await request(app).post(`/api/handoffs/${id}/messages`).set(auth).send({ text: 'x' })).status,
              (await request(app).post(`/api/handoffs/${id}/close`).set(auth)).status,
            ];
            expect([person, statuses]).toEqual([person, [403, 403, 403]]);
          }
          return;
        }
        expect(list.status).toBe(200);
        const listed = new Set((list.body.items as { userId: string }[]).map((item) => item.userId));
        expect(PEOPLE.filter((person) => listed.has(people[person]))).toEqual([...reaches]);

        const notWaiting = (await request(app).get(`/api/handoffs/${newUserId()}/messages`).set(auth)).body;
        expect(notWaiting.error.code).toBe('handoff_not_found');
        for (const person of PEOPLE) {
          const id = people[person];
          const read = await request(app).get(`/api/handoffs/${id}/messages`).set(auth);
          const answer = await request(app)
            .post(`/api/handoffs/${id}/messages`)
            .set(auth)
            .send({ text: 'เจ้าหน้าที่รับเรื่องแล้วค่ะ' });
          const close = await request(app).post(`/api/handoffs/${id}/close`).set(auth);
          const expected = reaches.includes(person) ? [200, 202, 202] : [404, 404, 404];
          expect([person, [read.status, answer.status, close.status]]).toEqual([person, expected]);
          // Out of scope says no more than nobody waiting.
          if (!reaches.includes(person))
            for (const res of [read, answer, close]) expect([person, res.body]).toEqual([person, notWaiting]);
        }
      });
    }
  });

  it('keeps public routes public', async () => {
    await request(app).get('/api/openapi.json').expect(200);
    const res = await request(app).post('/api/auth/login').send({}).expect(400);
    expect(res.body.error.code).toBe('invalid_request');
  });
});
