import { randomBytes, scryptSync } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Database } from '../../src/db/connection';
import { AUDIT_ACTIONS, createAuditLog } from '../../src/staff/audit-log';
import { auditModel } from '../../src/staff/audit-model';
import { staffNotificationModel } from '../../src/notifications/staff-notifications';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/staff/credentials';
import { ensureFirstAdmin } from '../../src/staff/first-admin';
import { staffModels } from '../../src/staff/models';
import { verifyPassword } from '../../src/staff/password';
import { purgeExpiredAuth } from '../../src/staff/purge';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addStaff, buildStaffApp, login, manualClock, PASSWORD } from './helpers';

describe('first admin', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('firstadmin');
    await buildStaffApp(database);
  });
  afterAll(() => dropTestDatabase(database));

  it('is created once from the environment and never overwritten', async () => {
    const models = staffModels(database.connection);
    const audit = createAuditLog(database.connection);
    const first = await ensureFirstAdmin(
      models,
      { email: ' Boss@Example.org ', password: 'first password 1' },
      audit,
    );
    expect(first).toBe('created');
    const again = await ensureFirstAdmin(
      models,
      { email: 'boss@example.org', password: 'another password 2' },
      audit,
    );
    expect(again).toBe('admin_exists');
    const other = await ensureFirstAdmin(models, {
      email: 'new@example.org',
      password: 'another password 2',
    });
    expect(other).toBe('admin_exists');

    const admins = await models.Staff.find({ role: 'admin' }).lean();
    expect(admins).toHaveLength(1);
    expect(admins[0]?.email).toBe('boss@example.org');
    expect(await verifyPassword('first password 1', admins[0]!.passwordHash)).toBe(true);
    expect(admins[0]?.passwordHash).not.toContain('first password');
    const entries = await audit.list({ action: 'staff.first_admin_created', limit: 10 });
    expect(entries.items).toHaveLength(1);
  });
});

describe('login, sessions and API tokens', () => {
  let database: Database;
  const clock = manualClock();
  let app: Awaited<ReturnType<typeof buildStaffApp>>['app'];
  let admin: { id: string; email: string };

  beforeAll(async () => {
    database = await openTestDatabase('auth');
    ({ app } = await buildStaffApp(database, { clock: clock.now, loginLimits: { perIp: 1000 } }));
    admin = await addStaff(database, 'admin', { email: 'admin@example.org' });
  });
  afterAll(() => dropTestDatabase(database));

  it('signs in with the right password, case-insensitively on the email, and answers /me', async () => {
    const res = await request(app)
      .post('/api/auth/login')
      .send({ email: 'ADMIN@example.org', password: PASSWORD })
      .expect(200);
    expect(res.body.token).toMatch(/^nls_/);
    expect(res.body.staff).toEqual({
      id: admin.id,
      email: 'admin@example.org',
      name: expect.any(String),
      role: 'admin',
    });
    expect(new Date(res.body.expiresAt).getTime()).toBe(clock.now().getTime() + SESSION_IDLE_MS);

    const me = await request(app)
      .get('/api/auth/me')
      .set('authorization', `Bearer ${res.body.token}`)
      .expect(200);
    expect(me.body.staff.id).toBe(admin.id);
    expect(me.body.permissions).toContain('staff.manage');

    // Only the hash is stored.
    const stored = await staffModels(database.connection).Credential.find({}).lean();
    expect(JSON.stringify(stored)).not.toContain(res.body.token);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrong = await request(app)
      .post('/api/auth/login')
      .send({ email: admin.email, password: 'nope nope nope' });
    const unknown = await request(app)
      .post('/api/auth/login')
      .send({ email: 'ghost@example.org', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('refuses a deactivated account with the same answer', async () => {
    const gone = await addStaff(database, 'viewer', { active: false });
    const res = await request(app)
      .post('/api/auth/login')
      .send({ email: gone.email, password: PASSWORD })
      .expect(401);
    expect(res.body.error.code).toBe('invalid_credentials');
  });

  it('locks an email from one address after 5 failures for 15 minutes, for the right password too, then lets it in', async () => {
    const victim = await addStaff(database, 'coordinator');
    for (let i = 0; i < 5; i++)
      await request(app).post('/api/auth/login').send({ email: victim.email, password: 'wrong' }).expect(401);
    const locked = await request(app)
      .post('/api/auth/login')
      .send({ email: victim.email, password: PASSWORD })
      .expect(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBe(15 * 60);
    // Unknown emails lock the same way, so a lock says nothing about who has an account.
    for (let i = 0; i < 5; i++)
      await request(app)
        .post('/api/auth/login')
        .send({ email: 'nobody@example.org', password: 'x' })
        .expect(401);
    await request(app)
      .post('/api/auth/login')
      .send({ email: 'nobody@example.org', password: 'x' })
      .expect(429);

    clock.advance(15 * 60 * 1000 + 1);
    await login(app, victim.email);
  });

  it('forgets failures older than the window', async () => {
    const person = await addStaff(database, 'viewer');
    for (let i = 0; i < 4; i++)
      await request(app).post('/api/auth/login').send({ email: person.email, password: 'wrong' }).expect(401);
    clock.advance(16 * 60 * 1000);
    for (let i = 0; i < 4; i++)
      await request(app).post('/api/auth/login').send({ email: person.email, password: 'wrong' }).expect(401);
    await login(app, person.email);
  });

  it('revokes the session on logout', async () => {
    const token = await login(app, admin.email);
    await request(app).post('/api/auth/logout').set('authorization', `Bearer ${token}`).expect(204);
    const res = await request(app).get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('refuses an expired session, slides an active one, and purges expired ones', async () => {
    const idle = await login(app, admin.email);
    const active = await login(app, admin.email);
    clock.advance(SESSION_IDLE_MS - 60_000);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${active}`).expect(200);
    clock.advance(2 * 60_000);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${idle}`).expect(401);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${active}`).expect(200);
    // Sliding stops at the hard limit.
    for (let used = SESSION_IDLE_MS + 60_000; used < SESSION_MAX_MS; used += SESSION_IDLE_MS / 2) {
      clock.advance(SESSION_IDLE_MS / 2);
      await request(app).get('/api/auth/me').set('authorization', `Bearer ${active}`);
    }
    clock.advance(SESSION_IDLE_MS / 2);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${active}`).expect(401);

    const stale = await login(app, admin.email);
    clock.advance(SESSION_IDLE_MS + 1);
    const purged = await purgeExpiredAuth(staffModels(database.connection), clock.now());
    expect(purged.credentials).toBeGreaterThanOrEqual(1);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${stale}`).expect(401);
  });

  it('accepts an API token until it is revoked, acting with its staff account role', async () => {
    const adminToken = await login(app, admin.email);
    const viewer = await addStaff(database, 'viewer');
    const created = await request(app)
      .post('/api/tokens')
      .set('authorization', `Bearer ${adminToken}`)
      .send({ name: 'maps dashboard', staffId: viewer.id })
      .expect(201);
    expect(created.body.token).toMatch(/^nlt_/);
    const apiToken = created.body.token as string;

    const me = await request(app).get('/api/auth/me').set('authorization', `Bearer ${apiToken}`).expect(200);
    expect(me.body.staff.role).toBe('viewer');
    // 90 days unless the admin chose another period.
    expect(me.body.credential).toEqual({
      kind: 'api',
      expiresAt: new Date(clock.now().getTime() + 90 * 86_400_000).toISOString(),
    });
    await request(app).get('/api/staff').set('authorization', `Bearer ${apiToken}`).expect(403);

    // Long-lived: a session would have expired by now.
    clock.advance(30 * 24 * 60 * 60 * 1000);
    const fresh = await login(app, admin.email);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${apiToken}`).expect(200);

    const list = await request(app).get('/api/tokens').set('authorization', `Bearer ${fresh}`).expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: created.body.id, name: 'maps dashboard' }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(apiToken);

    await request(app)
      .delete(`/api/tokens/${created.body.id}`)
      .set('authorization', `Bearer ${fresh}`)
      .expect(204);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${apiToken}`).expect(401);
    await request(app)
      .delete(`/api/tokens/${created.body.id}`)
      .set('authorization', `Bearer ${fresh}`)
      .expect(404);
  });

  it('expires API tokens after 90 days by default, or the period an admin chose, and never keeps API answers in caches', async () => {
    const adminToken = await login(app, admin.email);
    const login_ = await request(app)
      .post('/api/auth/login')
      .send({ email: admin.email, password: PASSWORD });
    expect(login_.headers['cache-control']).toBe('no-store');
    const short = await request(app)
      .post('/api/tokens')
      .set('authorization', `Bearer ${adminToken}`)
      .send({ name: 'default period' })
      .expect(201);
    expect(short.headers['cache-control']).toBe('no-store');
    const long = await request(app)
      .post('/api/tokens')
      .set('authorization', `Bearer ${adminToken}`)
      .send({ name: 'a year', expiresInDays: 365 })
      .expect(201);
    clock.advance(91 * 86_400_000);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${short.body.token}`).expect(401);
    const me = await request(app)
      .get('/api/auth/me')
      .set('authorization', `Bearer ${long.body.token}`)
      .expect(200);
    expect(me.headers['cache-control']).toBe('no-store');
  });

  it('signs a member out when an admin revokes their sessions or deactivates them', async () => {
    const adminToken = await login(app, admin.email);
    const worker = await addStaff(database, 'caseworker');
    const first = await login(app, worker.email);
    const second = await login(app, worker.email);
    const revoked = await request(app)
      .post(`/api/staff/${worker.id}/revoke-sessions`)
      .set('authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(revoked.body).toEqual({ revoked: 2 });
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${first}`).expect(401);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${second}`).expect(401);

    const third = await login(app, worker.email);
    await request(app)
      .patch(`/api/staff/${worker.id}`)
      .set('authorization', `Bearer ${adminToken}`)
      .send({ active: false })
      .expect(200);
    await request(app).get('/api/auth/me').set('authorization', `Bearer ${third}`).expect(401);
  });

  it('refuses malformed and made-up tokens', async () => {
    for (const header of ['Bearer', 'Bearer nls_short', `Bearer nls_${'a'.repeat(43)}`, 'Basic abc', 'nls_x'])
      await request(app).get('/api/auth/me').set('authorization', header).expect(401);
  });
});

describe('login throttling per address', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('throttleip');
  });
  afterAll(() => dropTestDatabase(database));

  it('locks an IP that fails on many emails, across app instances sharing the database', async () => {
    const limits = { perIp: 3, perClient: 100 };
    const one = (await buildStaffApp(database, { loginLimits: limits })).app;
    const two = (await buildStaffApp(database, { loginLimits: limits })).app;
    const person = await addStaff(database, 'viewer');
    await request(one).post('/api/auth/login').send({ email: 'a@example.org', password: 'x' }).expect(401);
    await request(two).post('/api/auth/login').send({ email: 'b@example.org', password: 'x' }).expect(401);
    await request(one).post('/api/auth/login').send({ email: 'c@example.org', password: 'x' }).expect(401);
    await request(two).post('/api/auth/login').send({ email: person.email, password: PASSWORD }).expect(429);
  });
});

describe('password guessing', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('guessing');
  });
  afterAll(() => dropTestDatabase(database));

  const from = (app: Express, address: string, email: string, password: string) =>
    request(app).post('/api/auth/login').set('x-forwarded-for', address).send({ email, password });

  it('refuses the guessing client, not the owner signing in from elsewhere, and tells admins once', async () => {
    const { app } = await buildStaffApp(database, { trustProxy: 'loopback' });
    const owner = await addStaff(database, 'caseworker');
    const admins = [await addStaff(database, 'admin'), await addStaff(database, 'admin')];
    for (let i = 0; i < 5; i++) await from(app, '203.0.113.9', owner.email, 'guess').expect(401);
    await from(app, '203.0.113.9', owner.email, PASSWORD).expect(429);
    // The owner, at the office: not locked out by someone else's guesses.
    await from(app, '198.51.100.7', owner.email, PASSWORD).expect(200);

    // The guesser moves on to other addresses: at 10 failures for the account, admins hear of it once.
    for (let i = 0; i < 8; i++) await from(app, `203.0.113.${20 + i}`, owner.email, 'guess').expect(401);
    const notifications = await staffNotificationModel(database.connection)
      .find({ 'data.kind': 'login_guessed' })
      .lean();
    expect(notifications.map((n) => n.staffId).sort()).toEqual(admins.map((a) => a.id).sort());
    expect(notifications[0]!.data).toMatchObject({ staffId: owner.id, email: owner.email, failures: 10 });
    const audit = await auditModel(database.connection).find({ action: AUDIT_ACTIONS.loginGuessed }).lean();
    expect(audit).toHaveLength(1);
  });

  it('slows an account down once it is guessed at from many addresses: a limit no header gets around', async () => {
    const { app } = await buildStaffApp(database, {
      trustProxy: 'loopback',
      loginLimits: { perAccount: 6, alertAt: 100 },
    });
    const owner = await addStaff(database, 'viewer');
    for (let i = 0; i < 6; i++) await from(app, `192.0.2.${i + 1}`, owner.email, 'guess').expect(401);
    const slowed = await from(app, '192.0.2.200', owner.email, PASSWORD).expect(429);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(10);
  });
});

describe('older password hashes', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('rehash');
  });
  afterAll(() => dropTestDatabase(database));

  it('are replaced with today’s parameters at the next sign-in, and the password still works', async () => {
    const { app } = await buildStaffApp(database);
    const person = await addStaff(database, 'viewer');
    // A hash of the same password with the parameters of an earlier version (N = 2^15).
    const salt = randomBytes(16);
    const key = scryptSync(PASSWORD.normalize('NFKC'), salt, 32, {
      N: 2 ** 15,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    const old = `$scrypt$ln=15,r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
    const { Staff } = staffModels(database.connection);
    await Staff.updateOne({ email: person.email }, { $set: { passwordHash: old } });
    await login(app, person.email);
    const stored = (await Staff.findOne({ email: person.email }).lean())!.passwordHash;
    expect(stored).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    await login(app, person.email);
  });
});
