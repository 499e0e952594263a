import type { Database } from '../../src/db/connection';
import { handoffModel } from '../../src/handoffs/model';
import { bangkokDate, sendCoordinatorDigests, sumFor } from '../../src/notifications/coordinator-digest';
import { staffNotificationModel } from '../../src/notifications/staff-notifications';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addStaff } from '../staff/helpers';
import { CHIANG_MAI, DAY, T0, days, seedCase } from './helpers';

describe('digest arithmetic (pure)', () => {
  it('dates digests by the Bangkok day and sums a coordinator their provinces only', () => {
    expect(bangkokDate(new Date('2026-03-01T16:59:00Z'))).toBe('2026-03-01');
    expect(bangkokDate(new Date('2026-03-01T17:00:00Z'))).toBe('2026-03-02');
    const counts = new Map([
      ['67', 2],
      ['50', 1],
      ['', 4],
    ]);
    expect(sumFor(counts, ['67'])).toBe(2);
    expect(sumFor(counts, ['67', '50'])).toBe(3);
    expect(sumFor(counts, [])).toBe(7);
  });
});

describe('sendCoordinatorDigests', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase('digest');
    staffNotificationModel(database.connection);
    await database.ensureIndexes();
  });
  afterAll(() => dropTestDatabase(database));

  it('sends each coordinator one digest a day with the counts of their provinces', async () => {
    const now = days(30);
    const local = await addStaff(database, 'coordinator', { provinces: ['67'] });
    const national = await addStaff(database, 'coordinator');
    await addStaff(database, 'coordinator', { provinces: ['10'], active: false });
    await addStaff(database, 'caseworker', { provinces: ['67'] });

    // Phetchabun: two new since yesterday, one idle for 10 days, one waiting for its visit.
    await seedCase(database, new Date(now.getTime() - 2 * 3600_000));
    await seedCase(database, new Date(now.getTime() - 20 * 3600_000));
    await seedCase(database, days(20));
    await seedCase(database, days(25), { status: 'visit_scheduled', set: { visitDate: '2026-04-05' } });
    // Chiang Mai: one new since yesterday; one created two days ago (not new, not overdue).
    await seedCase(database, new Date(now.getTime() - 3600_000), { input: { location: CHIANG_MAI } });
    await seedCase(database, days(28), { input: { location: { lat: 18.8, lng: 99.0 } } });

    const Handoff = handoffModel(database.connection);
    await Handoff.create([
      { _id: 'U1', status: 'open', since: new Date(now.getTime() - 2 * DAY) },
      { _id: 'U2', status: 'open', since: new Date(now.getTime() - 3600_000) },
      { _id: 'U3', status: 'closed', since: days(1), closedAt: days(2) },
    ]);

    const summary = await sendCoordinatorDigests({ connection: database.connection }, now);
    expect(summary).toEqual({
      date: '2026-03-31',
      coordinators: 2,
      notifications: 2,
      newCases: 3,
      overdueCases: 1,
      visitWaiting: 1,
      handoffsOpen: 2,
    });

    const Notification = staffNotificationModel(database.connection);
    const [toLocal] = await Notification.find({ staffId: local.id }).lean();
    expect(toLocal?._id).toBe(`digest:2026-03-31:${local.id}`);
    expect(toLocal?.data).toEqual({
      kind: 'daily_digest',
      date: '2026-03-31',
      provinces: ['67'],
      newCases: 2,
      overdueCases: 1,
      visitWaiting: 1,
      handoffsOpen: 2,
      handoffsWaitingOverDay: 1,
    });
    const [toNational] = await Notification.find({ staffId: national.id }).lean();
    expect(toNational?.data).toMatchObject({ provinces: [], newCases: 3, overdueCases: 1, visitWaiting: 1 });

    // A second run the same Bangkok day tells nobody again; the next day does.
    const again = await sendCoordinatorDigests(
      { connection: database.connection },
      new Date(now.getTime() + 3600_000),
    );
    expect(again.notifications).toBe(0);
    expect(await Notification.countDocuments()).toBe(2);
    const tomorrow = await sendCoordinatorDigests({ connection: database.connection }, days(31));
    expect(tomorrow).toMatchObject({ date: '2026-04-01', notifications: 2 });
  });

  it('counts nothing and tells nobody when there are no coordinators', async () => {
    const empty = await openTestDatabase('digestempty');
    try {
      const summary = await sendCoordinatorDigests({ connection: empty.connection }, T0);
      expect(summary).toMatchObject({ coordinators: 0, notifications: 0, newCases: 0 });
    } finally {
      await dropTestDatabase(empty);
    }
  });
});
