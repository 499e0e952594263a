import { caseModel } from '../../src/cases/case-model';
import type { Database } from '../../src/db/connection';
import {
  caseEscalationModel,
  escalateOverdueCases,
  lastStaffActionAt,
  overdueDays,
} from '../../src/notifications/sla-escalation';
import { staffNotificationModel } from '../../src/notifications/staff-notifications';
import { staffModels } from '../../src/staff/models';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addStaff } from '../staff/helpers';
import { CHIANG_MAI, T0, days, seedCase, staffNote } from './helpers';

describe('SLA rule (pure)', () => {
  const record = {
    status: 'new' as const,
    createdAt: T0,
    timeline: [
      { at: days(2), actor: 'staff' as const },
      { at: days(4), actor: 'reporter' as const },
    ],
  };

  it('counts from the last staff action, not from what the reporter did', () => {
    expect(lastStaffActionAt(record)).toEqual(days(2));
    expect(lastStaffActionAt({ ...record, timeline: [] })).toEqual(T0);
  });

  it('is overdue from the configured number of days on, only in the statuses configured', () => {
    expect(overdueDays(record, days(8.9), { new: 7 })).toBeNull();
    expect(overdueDays(record, days(9), { new: 7 })).toBe(7);
    expect(overdueDays({ ...record, status: 'in_progress' }, days(90), { new: 7, reviewing: 7 })).toBeNull();
  });
});

describe('escalateOverdueCases', () => {
  let database: Database;
  let local: string;
  let national: string;
  let admin: string;

  beforeAll(async () => {
    database = await openTestDatabase('sla');
    staffNotificationModel(database.connection);
    caseEscalationModel(database.connection);
    await database.ensureIndexes();
    local = (await addStaff(database, 'coordinator', { provinces: ['67'] })).id;
    national = (await addStaff(database, 'coordinator')).id;
    admin = (await addStaff(database, 'admin')).id;
  });
  afterAll(() => dropTestDatabase(database));

  const notificationsOf = (staffId: string) =>
    staffNotificationModel(database.connection).find({ staffId }).sort({ createdAt: 1 }).lean();

  it('flags each idle case once and tells the coordinators of its province, else the national ones', async () => {
    const idle = await seedCase(database, T0);
    const acted = await seedCase(database, T0, { timeline: [staffNote(days(5))] });
    const visiting = await seedCase(database, T0, { status: 'visit_scheduled' });
    const chiangMai = await seedCase(database, T0, { input: { location: CHIANG_MAI }, status: 'reviewing' });
    expect(idle.location.resolved.provinceCode).toBe('67');
    expect(chiangMai.location.resolved.provinceCode).toBe('50');

    const first = await escalateOverdueCases({ connection: database.connection }, days(8));
    expect(first).toEqual({ checked: 3, overdue: 2, escalated: 2, notifications: 2, unrouted: 0 });

    const toLocal = await notificationsOf(local);
    expect(toLocal.map((n) => n.data)).toEqual([
      expect.objectContaining({
        kind: 'sla_escalated',
        reference: idle.reference,
        provinceCode: '67',
        idleDays: 8,
      }),
    ]);
    const toNational = await notificationsOf(national);
    expect(toNational.map((n) => n.data)).toEqual([
      expect.objectContaining({ reference: chiangMai.reference, status: 'reviewing', provinceCode: '50' }),
    ]);
    const escalated = await caseEscalationModel(database.connection).find().lean();
    expect(escalated.map((e) => e.reference).sort()).toEqual([idle.reference, chiangMai.reference].sort());
    expect(escalated.every((e) => e.notifiedAt)).toBe(true);
    for (const reference of [acted.reference, visiting.reference])
      expect(escalated.some((e) => e.reference === reference)).toBe(false);

    // Safe to run twice: nothing new is flagged, nobody is told again.
    const second = await escalateOverdueCases({ connection: database.connection }, days(8, days(0.5)));
    expect(second).toMatchObject({ overdue: 2, escalated: 0, notifications: 0 });
    expect(await notificationsOf(local)).toHaveLength(1);
  });

  it('escalates again after a staff action once the case goes idle a second time', async () => {
    const record = await seedCase(database, T0, { input: { location: { lat: 16.9, lng: 101.2 } } });
    await escalateOverdueCases({ connection: database.connection }, days(8));
    await caseModel(database.connection).updateOne(
      { reference: record.reference },
      { $push: { timeline: staffNote(days(9)) } },
    );
    const spellsOf = () =>
      caseEscalationModel(database.connection).find({ reference: record.reference }).lean();
    await escalateOverdueCases({ connection: database.connection }, days(15));
    expect(await spellsOf()).toHaveLength(1);
    await escalateOverdueCases({ connection: database.connection }, days(16));
    const spells = await spellsOf();
    expect(spells.map((s) => s.idleSince.toISOString()).sort()).toEqual([
      T0.toISOString(),
      days(9).toISOString(),
    ]);
  });

  it('finishes telling people when a run stopped after flagging', async () => {
    const record = await seedCase(database, days(20), { input: { location: { lat: 16.95, lng: 101.25 } } });
    const Escalation = caseEscalationModel(database.connection);
    // As a crash between the flag and the notifications leaves it.
    await Escalation.create({
      _id: `${record.reference}:${days(20).toISOString()}`,
      reference: record.reference,
      status: 'new',
      provinceCode: '67',
      idleSince: days(20),
      at: days(27),
    });
    await escalateOverdueCases({ connection: database.connection }, days(28));
    expect(await Escalation.find({ reference: record.reference }).lean()).toEqual([
      expect.objectContaining({ notifiedAt: days(28), recipients: 1 }),
    ]);
    expect(
      (await notificationsOf(local)).some(
        (n) => n.data.kind === 'sla_escalated' && n.data.reference === record.reference,
      ),
    ).toBe(true);
  });

  it('tells the admins when no coordinator is active', async () => {
    await staffModels(database.connection).Staff.updateMany(
      { role: 'coordinator' },
      { $set: { active: false } },
    );
    const record = await seedCase(database, days(40), { input: { location: { lat: 16.7, lng: 101.3 } } });
    const run = await escalateOverdueCases({ connection: database.connection }, days(48));
    expect(run.escalated).toBe(1);
    const toAdmin = await notificationsOf(admin);
    expect(toAdmin.map((n) => n.data)).toEqual([expect.objectContaining({ reference: record.reference })]);
  });
});
