import request from 'supertest';
import { Router, type Express } from 'express';
import type { Database } from '../../src/db/connection';
import { createAuditLog } from '../../src/staff/audit-log';
import { auditModel } from '../../src/staff/audit-model';
import { requireAuth, requirePermission } from '../../src/staff/middleware';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addStaff, buildStaffApp, login, PASSWORD } from './helpers';
import { createApp } from '../../src/app';
import { createErrorSink } from '../../src/errors';
import { ApiRegistry } from '../../src/http/openapi';
import { staffApiRouters } from '../../src/staff/routers';
import { testLogger } from '../helpers/logger';
import { tellAdminsOfGuessing } from '../../src/notifications/staff-notifications';

describe('staff management, audit log and API description', () => {
  let database: Database;
  let app: Express;
  let admin: { id: string; email: string };
  let token: string;
  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    database = await openTestDatabase('staffadmin');
    ({ app } = await buildStaffApp(database, { loginLimits: { perIp: 1000 } }));
    admin = await addStaff(database, 'admin', { email: 'chief@example.org' });
    token = await login(app, admin.email);
  });
  afterAll(() => dropTestDatabase(database));

  it('answers invalid requests with 400 and every problem', async () => {
    const res = await request(app)
      .post('/api/staff')
      .set(auth())
      .send({
        email: 'not-an-email',
        name: '',
        role: 'boss',
        password: 'short',
        provinces: ['Chiang Mai'],
        extra: 1,
      })
      .expect(400);
    expect(res.body.error.code).toBe('invalid_request');
    const paths = (res.body.error.details.problems as { in: string; path: string }[]).map(
      (p) => `${p.in}:${p.path}`,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'body:email',
        'body:name',
        'body:role',
        'body:password',
        'body:provinces.0',
        'body:',
      ]),
    );

    const notCaseworker = await request(app)
      .post('/api/staff')
      .set(auth())
      .send({
        email: 'x@example.org',
        name: 'X',
        role: 'viewer',
        provinces: ['50'],
        password: 'a long password 1',
      })
      .expect(400);
    expect(notCaseworker.body.error.details.problems).toEqual([
      { in: 'body', path: 'provinces', message: 'only caseworkers and coordinators have provinces' },
    ]);
    // Coordinators cover provinces: escalations and digests of those provinces go to them.
    const coordinator = await request(app)
      .post('/api/staff')
      .set(auth())
      .send({
        email: 'coordinator.north@example.org',
        name: 'North',
        role: 'coordinator',
        provinces: ['50', '67'],
        password: 'a long password 1',
      })
      .expect(201);
    expect(coordinator.body.provinces).toEqual(['50', '67']);

    const badId = await request(app).patch('/api/staff/123').set(auth()).send({ name: 'A' }).expect(400);
    expect(badId.body.error.details.problems[0]).toMatchObject({ in: 'params', path: 'id' });
    await request(app).patch(`/api/staff/${admin.id}`).set(auth()).send({}).expect(400);

    const audit = await request(app)
      .get('/api/audit?limit=0&from=yesterday&cursor=zzz')
      .set(auth())
      .expect(400);
    expect(audit.body.error.details.problems.map((p: { path: string }) => p.path).sort()).toEqual([
      'cursor',
      'from',
      'limit',
    ]);

    const malformed = await request(app)
      .post('/api/staff')
      .set(auth())
      .set('content-type', 'application/json')
      .send('{nope')
      .expect(400);
    expect(malformed.body.error.code).toBe('malformed_json');
  });

  it('creates, lists and changes staff, keeping at least one active admin', async () => {
    const created = await request(app)
      .post('/api/staff')
      .set(auth())
      .send({
        email: ' Somchai@Example.org',
        name: 'Somchai',
        role: 'caseworker',
        provinces: ['50', '57', '50'],
        password: 'a long password 1',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      email: 'somchai@example.org',
      role: 'caseworker',
      provinces: ['50', '57'],
      active: true,
    });
    expect(created.body.passwordHash).toBeUndefined();

    const duplicate = await request(app)
      .post('/api/staff')
      .set(auth())
      .send({ email: 'SOMCHAI@example.org', name: 'Again', role: 'viewer', password: 'a long password 1' })
      .expect(409);
    expect(duplicate.body.error.code).toBe('email_taken');

    const promoted = await request(app)
      .patch(`/api/staff/${created.body.id}`)
      .set(auth())
      .send({ role: 'coordinator' })
      .expect(200);
    // A coordinator keeps the provinces: they decide whose escalations and digests reach them.
    expect(promoted.body).toMatchObject({ role: 'coordinator', provinces: ['50', '57'] });

    const list = await request(app).get('/api/staff?role=coordinator').set(auth()).expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
    expect(list.body.items.every((s: { role: string }) => s.role === 'coordinator')).toBe(true);

    const last = await request(app)
      .patch(`/api/staff/${admin.id}`)
      .set(auth())
      .send({ role: 'viewer' })
      .expect(409);
    expect(last.body.error.code).toBe('last_admin');
    await request(app)
      .patch(`/api/staff/0123456789abcdef01234567`)
      .set(auth())
      .send({ name: 'Nobody' })
      .expect(404);
  });

  it('a password reset signs the member out and the new password works', async () => {
    const member = await addStaff(database, 'viewer');
    const old = await login(app, member.email);
    await request(app)
      .patch(`/api/staff/${member.id}`)
      .set(auth())
      .send({ password: 'brand new password 2' })
      .expect(200);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${old}`).expect(401);
    await request(app).post('/api/auth/login').send({ email: member.email, password: PASSWORD }).expect(401);
    await login(app, member.email, 'brand new password 2');
  });

  it('audits logins, staff and token changes, with who, when and from where', async () => {
    const member = await addStaff(database, 'caseworker');
    await request(app)
      .post('/api/auth/login')
      .set('user-agent', 'jest-agent')
      .send({ email: member.email, password: 'bad' });
    await request(app)
      .patch(`/api/staff/${member.id}`)
      .set(auth())
      .set('x-request-id', 'req-audit-1')
      .set('user-agent', 'jest-agent')
      .send({ provinces: ['10'] })
      .expect(200);
    const created = await request(app)
      .post('/api/tokens')
      .set(auth())
      .send({ name: 'sheet sync' })
      .expect(201);
    await request(app).delete(`/api/tokens/${created.body.id}`).set(auth()).expect(204);

    const changes = await request(app)
      .get(`/api/audit?action=staff.update&targetId=${member.id}`)
      .set(auth())
      .expect(200);
    expect(changes.body.items).toEqual([
      expect.objectContaining({
        action: 'staff.update',
        actor: { id: admin.id, kind: 'session', credentialId: expect.any(String) },
        target: { type: 'staff', id: member.id },
        requestId: 'req-audit-1',
        userAgent: 'jest-agent',
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
        details: expect.objectContaining({ fields: ['provinces'], provinces: ['10'] }),
      }),
    ]);

    const all = await request(app).get('/api/audit?limit=200').set(auth()).expect(200);
    const actions = all.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'auth.login',
        'auth.login_failed',
        'staff.create',
        'staff.update',
        'token.create',
        'token.revoke',
      ]),
    );
    // No secrets or passwords end up in the log.
    expect(JSON.stringify(all.body)).not.toMatch(/nl[st]_|password 1|\$scrypt/);

    const failed = all.body.items.find((e: { action: string }) => e.action === 'auth.login_failed');
    expect(failed).toMatchObject({ target: { type: 'staff', id: member.id }, actor: { kind: 'anonymous' } });
  });

  it('pages through the audit log with a cursor, newest first, without gaps or repeats', async () => {
    const all = await request(app).get('/api/audit?limit=200').set(auth()).expect(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(app)
        .get('/api/audit')
        .query({ limit: 3, ...(cursor ? { cursor } : {}) })
        .set(auth())
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((e: { id: string }) => e.id));
    const times = all.body.items.map((e: { at: string }) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('records reads of personal data through the helper the case API uses', async () => {
    const audit = createAuditLog(database.connection);
    const cases = Router().get(
      '/api/test-cases/:reference',
      requireAuth({ connection: database.connection }),
      requirePermission('cases.readPersonal'),
      async (req, res) => {
        await audit.personalDataRead(req, { type: 'case', id: String(req.params.reference) }, [
          'name',
          'phone',
        ]);
        res.json({ ok: true });
      },
    );
    const withCases = createApp({
      logger: testLogger,
      reportError: createErrorSink(testLogger),
      isReady: async () => true,
      routers: [
        ...staffApiRouters(
          { connection: database.connection, logger: testLogger, api: new ApiRegistry() },
          (guess) => tellAdminsOfGuessing(database.connection, guess),
        ),
        cases,
      ],
    });
    const worker = await addStaff(database, 'caseworker');
    const workerToken = await login(withCases, worker.email);
    await request(withCases)
      .get('/api/test-cases/NL-0001')
      .set('authorization', `Bearer ${workerToken}`)
      .expect(200);
    const viewer = await addStaff(database, 'viewer');
    const viewerToken = await login(withCases, viewer.email);
    await request(withCases)
      .get('/api/test-cases/NL-0001')
      .set('authorization', `Bearer ${viewerToken}`)
      .expect(403);

    const reads = await request(app).get('/api/audit?action=personal_data.read').set(auth()).expect(200);
    expect(reads.body.items).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: worker.id }),
        target: { type: 'case', id: 'NL-0001' },
        details: { fields: ['name', 'phone'] },
      }),
    ]);
  });

  it('is append-only, and purges entries past the retention period', async () => {
    const Audit = auditModel(database.connection);
    await expect(Audit.updateOne({}, { $set: { action: 'forged' } })).rejects.toThrow(/append-only/);
    const entry = await Audit.findOne({});
    entry!.action = 'forged';
    await expect(entry!.save()).rejects.toThrow(/append-only/);

    const audit = createAuditLog(database.connection);
    const before = await Audit.countDocuments({});
    const inFuture = new Date(Date.now() + 400 * 86_400_000);
    await expect(audit.purgeOlderThan(0)).rejects.toThrow();
    expect(await audit.purgeOlderThan(1000, inFuture)).toBe(0);
    expect(await audit.purgeOlderThan(365, inFuture)).toBe(before);
  });

  it('publishes an OpenAPI 3.1 document built from the validating schemas', async () => {
    const res = await request(app).get('/api/openapi.json').expect(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/audit',
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/me',
      '/api/staff',
      '/api/staff/{id}',
      '/api/staff/{id}/revoke-sessions',
      '/api/tokens',
      '/api/tokens/{id}',
    ]);
    const createStaff = doc.paths['/api/staff'].post;
    expect(createStaff['x-roles']).toEqual(['admin']);
    expect(createStaff.security).toEqual([{ bearerAuth: [] }]);
    const body = createStaff.requestBody.content['application/json'].schema;
    expect(body.properties.email.format).toBe('email');
    expect(body.properties.role.enum).toEqual(['admin', 'coordinator', 'caseworker', 'viewer']);
    expect(body.required).toEqual(expect.arrayContaining(['email', 'name', 'role', 'password']));
    expect(body.additionalProperties).toBe(false);
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/staff/{id}'].patch.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    const auditParams = doc.paths['/api/audit'].get.parameters.map((p: { name: string }) => p.name);
    expect(auditParams).toEqual([
      'actor',
      'action',
      'targetType',
      'targetId',
      'from',
      'to',
      'cursor',
      'limit',
    ]);
    expect(doc.paths['/api/audit'].get['x-roles']).toEqual(['admin']);
    expect(doc.paths['/api/auth/me'].get['x-roles']).toEqual([
      'admin',
      'coordinator',
      'caseworker',
      'viewer',
    ]);
  });
});
