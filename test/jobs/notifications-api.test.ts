import request from 'supertest';
import { createApp } from '../../src/app';
import type { Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { ApiRegistry } from '../../src/http/openapi';
import {
  notifyStaff,
  staffNotificationModel,
  tellAdminsOfGuessing,
} from '../../src/notifications/staff-notifications';
import { staffNotificationsRouter } from '../../src/notifications/router';
import { staffApiRouters } from '../../src/staff/routers';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { testLogger } from '../helpers/logger';
import { addStaff, login } from '../staff/helpers';
import { T0, days } from './helpers';

describe('GET /api/notifications', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase('notifapi');
  });
  afterAll(() => dropTestDatabase(database));

  it('shows signed-in staff their own notifications only, and marks them read', async () => {
    const api = new ApiRegistry();
    const deps = { connection: database.connection, logger: testLogger, api };
    const app = createApp({
      logger: testLogger,
      reportError: createErrorSink(testLogger),
      isReady: async () => true,
      routers: [
        ...staffApiRouters(deps, (guess) => tellAdminsOfGuessing(deps.connection, guess)),
        staffNotificationsRouter(deps),
      ],
    });
    await database.ensureIndexes();
    const me = await addStaff(database, 'viewer');
    const other = await addStaff(database, 'coordinator');
    const Notification = staffNotificationModel(database.connection);
    const digest = (date: string) => ({
      kind: 'daily_digest' as const,
      date,
      provinces: [],
      newCases: 1,
      overdueCases: 0,
      visitWaiting: 0,
      handoffsOpen: 0,
      handoffsWaitingOverDay: 0,
    });
    await notifyStaff(Notification, { _id: 'n1', staffId: me.id, createdAt: T0, data: digest('2026-03-01') });
    await notifyStaff(Notification, {
      _id: 'n2',
      staffId: me.id,
      createdAt: days(1),
      data: digest('2026-03-02'),
    });
    await notifyStaff(Notification, {
      _id: 'n3',
      staffId: other.id,
      createdAt: days(1),
      data: digest('2026-03-02'),
    });
    expect(
      await notifyStaff(Notification, { _id: 'n1', staffId: me.id, createdAt: T0, data: digest('x') }),
    ).toBe(false);

    await request(app).get('/api/notifications').expect(401);
    const auth = { authorization: `Bearer ${await login(app, me.email)}` };
    const list = await request(app).get('/api/notifications').set(auth).expect(200);
    expect(list.body.unread).toBe(2);
    expect(list.body.items.map((n: { id: string }) => n.id)).toEqual(['n2', 'n1']);
    expect(list.body.items[0].data).toMatchObject({ kind: 'daily_digest', date: '2026-03-02' });

    await request(app).post('/api/notifications/n3/read').set(auth).expect(404);
    await request(app).post('/api/notifications/n2/read').set(auth).expect(204);
    const unread = await request(app).get('/api/notifications?unread=true').set(auth).expect(200);
    expect(unread.body).toMatchObject({ unread: 1, items: [{ id: 'n1', readAt: null }] });
    await request(app).get('/api/notifications?limit=0').set(auth).expect(400);
    expect(api.list().map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(['get /api/notifications', 'post /api/notifications/:id/read']),
    );
  });
});
