import { auditModel } from '../../src/staff/audit-model';
import { createHash } from 'node:crypto';
import { consentModel } from '../../src/privacy/consents';
import { broadcastContext } from '../../src/broadcasts/context';
import { broadcastModels, type BroadcastStatus, type ChunkStatus } from '../../src/broadcasts/models';
import { chunkId } from '../../src/broadcasts/prepare';
import { broadcastDetail } from '../../src/broadcasts/service';
import type { Case } from '../../src/cases/case-schema';
import { caseModel } from '../../src/cases/case-model';
import type { Database } from '../../src/db/connection';
import { caseFeedbackModel } from '../../src/feedback/model';
import { ingestionModels } from '../../src/ingestion/models';
import { createLineApi } from '../../src/line/line-api';
import { domainJobs } from '../../src/jobs';
import { broadcastEndedBy, broadcastOfChunk, broadcastOfClaim } from '../../src/broadcasts/purge';
import { escalationSettled } from '../../src/notifications/purge';
import {
  anonymousTimeline,
  closedAt,
  purgeOperationalRecords,
  purgePersonalData,
} from '../../src/privacy/retention-purge';
import { caseEscalationModel, escalateOverdueCases } from '../../src/notifications/sla-escalation';
import { staffNotificationModel } from '../../src/notifications/staff-notifications';
import { mediaModels } from '../../src/media/models';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { testLogger } from '../helpers/logger';
import { T0, days, seedCase, staffNote } from './helpers';

const closing = (at: Date, to: Case['status'] = 'completed') => ({
  at,
  kind: 'status_changed' as const,
  actor: 'staff' as const,
  actorId: 'staff-1',
  from: 'in_progress' as const,
  to,
});

describe('retention rules (pure)', () => {
  it('dates a closure by the entry into the final status', () => {
    const timeline = [staffNote(days(3)), closing(days(10), 'declined'), staffNote(days(40))];
    expect(closedAt({ status: 'declined', updatedAt: days(40), timeline })).toEqual(days(10));
    expect(
      closedAt({ status: 'completed', updatedAt: days(40), completedAt: days(12), timeline: [] }),
    ).toEqual(days(12));
  });

  it('keeps what happened and when, drops notes and LINE ids', () => {
    const kept = anonymousTimeline([
      { at: T0, kind: 'created', actor: 'reporter', actorId: 'U123', to: 'new' },
      staffNote(days(1), 'นางคำ โทร 0812345678'),
    ]);
    expect(kept).toEqual([
      { at: T0, kind: 'created', actor: 'reporter', to: 'new' },
      { at: days(1), kind: 'note', actor: 'staff', actorId: 'staff-1', visibility: 'internal' },
    ]);
  });
});

describe('purgePersonalData', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase('retention');
    await database.ensureIndexes();
  });
  afterAll(() => dropTestDatabase(database));

  async function addMedia(id: string, caseReference?: string) {
    const media = mediaModels(database.connection);
    await media.Media.create({
      _id: id,
      source: 'line',
      kind: 'image',
      status: 'stored',
      attempts: 1,
      createdAt: T0,
      ...(caseReference ? { caseReference } : {}),
    });
    await media.MediaChunk.create({ _id: `${id}:0`, mediaId: id, n: 0, data: Buffer.from('jpeg bytes') });
  }

  const stored = (reference: string) =>
    caseModel(database.connection)
      .findOne({ reference })
      .lean<Case & { erasedAt?: Date; erasureReason?: string }>();

  it('erases a closed case after the retention period, keeping anonymous statistics, once', async () => {
    const record = await seedCase(database, T0, {
      input: {
        mediaIds: ['m-photo'],
        description: { text: 'หลังคารั่ว บ้านนางคำ', voiceMediaId: 'm-voice' },
        location: {
          lat: 16.71,
          lng: 101.14,
          typedAddress: { village: 'บ้านเข็กน้อย', subdistrict: 'เข็กน้อย', district: 'เขาค้อ' },
          shared: { title: 'บ้านนางคำ', address: 'ตำบลเข็กน้อย อำเภอเขาค้อ เพชรบูรณ์' },
        },
      },
      status: 'completed',
      set: { completedAt: days(10), updatedAt: days(40) },
      timeline: [
        staffNote(days(2), 'นางคำ ขอให้โทรหลัง 6 โมงเย็น'),
        { at: days(9), kind: 'media_added', actor: 'staff', actorId: 'staff-1', mediaIds: ['m-after'] },
        closing(days(10)),
      ],
    });
    for (const id of ['m-photo', 'm-voice', 'm-after']) await addMedia(id);
    await addMedia('m-linked', record.reference);
    await ingestionModels(database.connection).OutboundMessage.create({
      _id: `status:${record.reference}`,
      to: record.reporter.lineUserId,
      purpose: 'case_status',
      caseReference: record.reference,
      messages: [{ type: 'text', text: 'เสร็จแล้ว' }],
      chunks: [],
      status: 'sent',
      nextAttemptAt: days(10),
      createdAt: days(10),
    });
    await caseFeedbackModel(database.connection).create({
      _id: `${record.reference}:${record.reporter.lineUserId}`,
      reference: record.reference,
      lineUserId: record.reporter.lineUserId,
      rating: 3,
      comment: 'นางคำ ขอบคุณค่ะ',
      at: days(11),
    });
    const open = await seedCase(database, T0, { status: 'in_progress' });

    const early = await purgePersonalData({ connection: database.connection }, days(10 + 364));
    expect(early).toMatchObject({ erasedClosed: 0, erasedWithdrawnConsent: 0 });
    expect((await stored(record.reference))?.household.headName).toBeDefined();

    const due = await purgePersonalData({ connection: database.connection }, days(10 + 366));
    expect(due).toEqual({
      erasedClosed: 1,
      erasedWithdrawnConsent: 0,
      openWithWithdrawnConsent: 0,
      media: 4,
      skipped: 0,
      surveys: 0,
      surveyMedia: 0,
    });
    const erased = await stored(record.reference);
    expect(erased).toMatchObject({
      reporter: { lineUserId: 'erased' },
      description: { text: '[erased]' },
      mediaIds: [],
      keywords: [],
      erasureReason: 'retention',
      // What statistics need stays.
      reference: record.reference,
      category: record.category,
      status: 'completed',
      priority: record.priority,
      createdAt: record.createdAt,
      household: { size: record.household.size, tenure: record.household.tenure },
      location: { resolved: { provinceCode: '67' } },
    });
    expect(record.location.resolved).toMatchObject({ districtCode: '6711', subdistrictCode: '671107' });
    const place = Object.fromEntries(
      Object.entries(record.location.resolved).filter(([key]) => !key.startsWith('subdistrict')),
    );
    expect(erased?.location.resolved).toEqual(place);
    expect(erased?.household.headName).toBeUndefined();
    expect(erased?.household.phone).toBeUndefined();
    expect(erased?.description.voiceMediaId).toBeUndefined();
    expect(erased?.location.lat).toBeUndefined();
    expect(erased?.location.typedAddress).toBeUndefined();
    expect(erased?.location.shared).toBeUndefined();
    // The reporter's rating stays for the figures, without them or what they wrote.
    const feedback = await caseFeedbackModel(database.connection)
      .find({ reference: record.reference })
      .lean();
    expect(feedback).toHaveLength(1);
    expect(feedback[0]).toMatchObject({ lineUserId: 'erased', rating: 3 });
    expect(feedback[0]!.comment).toBeUndefined();
    expect(erased?.location.resolved.subdistrictCode).toBeUndefined();
    expect(JSON.stringify(erased?.timeline)).not.toMatch(/นางคำ|m-after|U[0-9a-f]{32}/);
    expect(erased?.timeline).toHaveLength(record.timeline.length + 3);

    const media = mediaModels(database.connection);
    expect(await media.Media.countDocuments()).toBe(0);
    expect(await media.MediaChunk.countDocuments()).toBe(0);
    expect(await ingestionModels(database.connection).OutboundMessage.countDocuments()).toBe(0);
    expect((await stored(open.reference))?.household.headName).toBe(open.household.headName);

    const again = await purgePersonalData({ connection: database.connection }, days(10 + 367));
    expect(again).toMatchObject({ erasedClosed: 0, media: 0, skipped: 0 });
  });

  it('purges a closed case resting on a consent withdrawn past the grace period, not an open one', async () => {
    const consents = consentModel(database.connection);
    await consents.create({
      _id: 'consent-withdrawn',
      lineUserId: 'U-withdrawn',
      noticeVersion: '1',
      sensitive: true,
      language: 'th',
      givenAt: days(100),
      withdrawnAt: days(120),
    });
    const closed = await seedCase(database, days(100), {
      input: { consentId: 'consent-withdrawn' },
      status: 'withdrawn',
      timeline: [closing(days(110), 'withdrawn')],
    });
    const open = await seedCase(database, days(100), {
      input: { consentId: 'consent-withdrawn' },
      status: 'reviewing',
    });

    const inGrace = await purgePersonalData({ connection: database.connection }, days(120 + 29));
    expect(inGrace).toMatchObject({ erasedWithdrawnConsent: 0, openWithWithdrawnConsent: 0 });

    const after = await purgePersonalData({ connection: database.connection }, days(120 + 31));
    expect(after).toMatchObject({ erasedWithdrawnConsent: 1, openWithWithdrawnConsent: 1, erasedClosed: 0 });
    expect(await stored(closed.reference)).toMatchObject({ erasureReason: 'consent_withdrawn' });
    expect((await stored(closed.reference))?.household.phone).toBeUndefined();
    expect((await stored(open.reference))?.household.phone).toBe(open.household.phone);

    const grace = { withdrawnConsentGraceDays: 60 };
    const configured = await purgePersonalData(
      { connection: database.connection, retention: grace },
      days(200),
    );
    expect(configured).toMatchObject({ erasedWithdrawnConsent: 0, openWithWithdrawnConsent: 1 });
  });

  it("leaves cases already erased at the user's request alone", async () => {
    const record = await seedCase(database, T0, {
      status: 'declined',
      set: { declineReason: 'kept for the test' },
      timeline: [closing(days(4), 'declined')],
    });
    await caseModel(database.connection).updateOne(
      { reference: record.reference },
      { $set: { erasedAt: days(5) } },
      { strict: false },
    );
    const run = await purgePersonalData({ connection: database.connection }, days(1000));
    expect(run.erasedClosed).toBe(0);
    expect((await stored(record.reference))?.declineReason).toBe('kept for the test');
  });

  it('takes the person out of feedback left on a case erased before', async () => {
    const record = await seedCase(database, T0, { status: 'completed', timeline: [closing(days(4))] });
    await caseModel(database.connection).updateOne(
      { reference: record.reference },
      { $set: { erasedAt: days(5) } },
      { strict: false },
    );
    const feedback = caseFeedbackModel(database.connection);
    await feedback.create({
      _id: `${record.reference}:U-late`,
      reference: record.reference,
      lineUserId: 'U-late',
      rating: 5,
      comment: 'ขอบคุณค่ะ ป้าคำ',
      at: days(6),
    });
    const other = await seedCase(database, T0, { status: 'in_progress' });
    await feedback.create({
      _id: `${other.reference}:U-open`,
      reference: other.reference,
      lineUserId: 'U-open',
      rating: 4,
      at: days(6),
    });
    await purgePersonalData({ connection: database.connection }, days(7));
    const left = await feedback.find({ reference: record.reference }).lean();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ lineUserId: 'erased', rating: 5 });
    expect(left[0]!.comment).toBeUndefined();
    expect(await feedback.findById(`${other.reference}:U-open`).lean()).toMatchObject({
      lineUserId: 'U-open',
    });
  });
});

describe('operational record rules (pure)', () => {
  it('finds the broadcast of each kind of claim, and nothing in other keys', () => {
    const id = '0b6c2f0e-1111-4222-8333-944445555666';
    expect(broadcastOfClaim(`${id}:gate`)).toBe(id);
    expect(broadcastOfClaim(`run:${id}`)).toBe(id);
    expect(broadcastOfClaim(`chunk:${id}:000003`)).toBe(id);
    expect(broadcastOfClaim('quota:2026-03')).toBeNull();
    expect(broadcastOfClaim('run:')).toBeNull();
  });

  it('finds the broadcast of a chunk id, colons in the broadcast id included', () => {
    expect(broadcastOfChunk(chunkId('b-1', 3))).toBe('b-1');
    expect(broadcastOfChunk(chunkId('b:2', 12))).toBe('b:2');
    expect(broadcastOfChunk('b-1')).toBeNull();
    expect(broadcastOfChunk(':000001')).toBeNull();
  });

  it('counts a broadcast as ended only in a final status, from when it ended', () => {
    const base = { finishedAt: null, cancelledAt: null, scheduledAt: T0 };
    expect(broadcastEndedBy({ ...base, status: 'completed', finishedAt: days(1) }, days(1))).toBe(true);
    expect(broadcastEndedBy({ ...base, status: 'completed', finishedAt: days(2) }, days(1))).toBe(false);
    expect(broadcastEndedBy({ ...base, status: 'cancelled', cancelledAt: days(1) }, days(3))).toBe(true);
    expect(broadcastEndedBy({ ...base, status: 'cancelled' }, days(3))).toBe(true);
    for (const status of ['scheduled', 'preparing', 'sending', 'waiting_quota'] as BroadcastStatus[])
      expect(broadcastEndedBy({ ...base, status }, days(100))).toBe(false);
    expect(broadcastEndedBy(undefined, days(1))).toBe(true);
  });

  it('keeps the escalation of an open case while its idle spell lasts', () => {
    const open = { status: 'new' as const, createdAt: T0, timeline: [] };
    expect(escalationSettled({ idleSince: T0 }, open)).toBe(false);
    expect(escalationSettled({ idleSince: T0 }, { ...open, status: 'completed' })).toBe(true);
    expect(
      escalationSettled({ idleSince: T0 }, { ...open, timeline: [staffNote(days(3))] as Case['timeline'] }),
    ).toBe(true);
    expect(escalationSettled({ idleSince: T0 }, undefined)).toBe(true);
  });
});

describe('purgeOperationalRecords', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase('records');
    broadcastModels(database.connection);
    domainJobs({ connection: database.connection });
    await database.ensureIndexes();
  });
  afterAll(() => dropTestDatabase(database));

  const purge = (now: Date) => purgeOperationalRecords({ connection: database.connection }, now);

  it("deletes a finished broadcast's claims a week after it ended, never those of one still running", async () => {
    const { Broadcast, Claim } = broadcastModels(database.connection);
    const broadcast = async (id: string, status: BroadcastStatus, ended: Record<string, Date> = {}) => {
      await Broadcast.create({
        _id: id,
        status,
        audience: { kind: 'all' },
        content: { th: { text: 'ประกาศ' } },
        scheduledAt: T0,
        createdAt: T0,
        createdBy: { id: 'staff-1', role: 'admin' },
        ...ended,
      });
      for (const key of [`${id}:gate`, `run:${id}`, `chunk:${id}:000000`])
        await Claim.create({ _id: `${key}#1`, key, seq: 1, owner: 'i-1', at: T0, released: true });
    };
    await broadcast('b-done', 'completed', { finishedAt: days(0) });
    await broadcast('b-cancelled', 'cancelled', { cancelledAt: days(0) });
    await broadcast('b-waiting', 'waiting_quota');
    await broadcast('b-recent', 'completed_with_failures', { finishedAt: days(5) });
    await Claim.create({ _id: 'other#1', key: 'other', seq: 1, owner: 'i-1', at: T0, released: true });
    const left = async () => (await Claim.find({}, { _id: 1 }).lean()).map((c) => c._id).sort();

    expect((await purge(days(6))).broadcastClaims).toBe(0);

    expect((await purge(days(8))).broadcastClaims).toBe(6);
    expect(await left()).toEqual(
      [
        'b-recent:gate#1',
        'chunk:b-recent:000000#1',
        'run:b-recent#1',
        'b-waiting:gate#1',
        'chunk:b-waiting:000000#1',
        'run:b-waiting#1',
        'other#1',
      ].sort(),
    );

    expect((await purge(days(13))).broadcastClaims).toBe(3);
    expect(await left()).toEqual([
      'b-waiting:gate#1',
      'chunk:b-waiting:000000#1',
      'other#1',
      'run:b-waiting#1',
    ]);
  });

  it("deletes a finished broadcast's recipient lists a week after it ended, keeping its per-chunk report", async () => {
    const { Broadcast, Chunk, ChunkRecipients } = broadcastModels(database.connection);
    // LINE user ids: U and 32 hex digits.
    const users = (seed: string, n: number) =>
      Array.from({ length: n }, (_, i) => `U${createHash('md5').update(`${seed}-${i}`).digest('hex')}`);
    const chunks: Record<string, ChunkStatus[]> = {
      'r-done': ['sent', 'failed', 'skipped'],
      'r-cancelled': ['queued'],
      'r-recent': ['sent'],
      'r-running': ['sent', 'queued'],
    };
    const broadcast = async (id: string, status: BroadcastStatus, ended: Record<string, Date> = {}) => {
      await Broadcast.create({
        _id: id,
        status,
        audience: { type: 'all' },
        content: { th: { text: 'ประกาศ' } },
        scheduledAt: T0,
        createdAt: T0,
        createdBy: { id: 'staff-1', role: 'admin' },
        ...ended,
      });
      for (const [index, chunkStatus] of chunks[id]!.entries()) {
        const recipients = users(`${id}:${index}`, 3);
        await ChunkRecipients.create({ _id: chunkId(id, index), recipients });
        await Chunk.create({
          _id: chunkId(id, index),
          broadcastId: id,
          index,
          language: 'th',
          recipientCount: recipients.length,
          lastRecipient: recipients.at(-1)!,
          retryKey: `key-${id}-${index}`,
          status: chunkStatus,
          attempts: chunkStatus === 'queued' ? 0 : 1,
          sentAt: chunkStatus === 'sent' ? T0 : null,
          error: chunkStatus === 'failed' ? { status: 400, message: 'bad request' } : null,
        });
      }
    };
    await broadcast('r-done', 'completed_with_failures', { finishedAt: days(0) });
    await broadcast('r-cancelled', 'cancelled', { cancelledAt: days(0) });
    await broadcast('r-recent', 'completed', { finishedAt: days(5) });
    await broadcast('r-running', 'sending');
    // Stored by a preparation cut short before its chunk document: the ended broadcast's list all the same.
    await ChunkRecipients.create({ _id: chunkId('r-cancelled', 1), recipients: users('orphan', 2) });

    const ctx = broadcastContext({
      connection: database.connection,
      // Never called: the report is read from the database only.
      lineApi: createLineApi({
        channelAccessToken: 'unused',
        apiBaseUrl: 'http://127.0.0.1:9',
        dataApiBaseUrl: 'http://127.0.0.1:9',
      }),
      logger: testLogger,
    });
    const reports = async () => Promise.all(Object.keys(chunks).map((id) => broadcastDetail(ctx, id)));
    const before = await reports();
    const listsLeft = async () =>
      (await ChunkRecipients.find({}, { _id: 1 }).lean()).map((l) => l._id).sort();
    const idsIn = async (broadcastId: string) =>
      JSON.stringify(await Chunk.find({ broadcastId }).lean()).match(/U[0-9a-f]{32}/g) ?? [];

    expect((await purge(days(6))).broadcastRecipientLists).toBe(0);
    expect(await listsLeft()).toHaveLength(8);

    expect((await purge(days(8))).broadcastRecipientLists).toBe(5);
    expect(await listsLeft()).toEqual(
      [chunkId('r-recent', 0), chunkId('r-running', 0), chunkId('r-running', 1)].sort(),
    );
    expect(await idsIn('r-done')).toEqual([]);
    expect(await idsIn('r-cancelled')).toEqual([]);
    expect(await idsIn('r-recent')).toHaveLength(1);
    expect(await reports()).toEqual(before);
    expect(before[0]).toMatchObject({
      progress: { sent: 1, failed: 1, skipped: 1, recipientsSent: 3 },
      chunks: [{ status: 'sent', recipients: 3 }, { status: 'failed', recipients: 3 }, { status: 'skipped' }],
    });

    expect((await purge(days(13))).broadcastRecipientLists).toBe(1);
    expect(await listsLeft()).toEqual([chunkId('r-running', 0), chunkId('r-running', 1)]);
    expect(await idsIn('r-running')).toHaveLength(2);
    expect(await reports()).toEqual(before);
  });

  it('deletes notifications a month after they were read, unread ones after half a year', async () => {
    const Notification = staffNotificationModel(database.connection);
    const data = { kind: 'reopen_requested' as const, reference: 'NL-0001', at: T0 };
    await Notification.create([
      { _id: 'read-early', staffId: 's1', data, createdAt: T0, readAt: days(1) },
      { _id: 'read-late', staffId: 's1', data, createdAt: T0, readAt: days(20) },
      { _id: 'unread', staffId: 's1', data, createdAt: T0 },
    ]);
    const left = async () => (await Notification.find({}, { _id: 1 }).lean()).map((n) => n._id).sort();

    expect(await purge(days(30))).toMatchObject({ readNotifications: 0, unreadNotifications: 0 });
    expect(await purge(days(32))).toMatchObject({ readNotifications: 1, unreadNotifications: 0 });
    expect(await left()).toEqual(['read-late', 'unread']);

    expect(await purge(days(179))).toMatchObject({ readNotifications: 1, unreadNotifications: 0 });
    expect(await left()).toEqual(['unread']);
    expect(await purge(days(181))).toMatchObject({ unreadNotifications: 1 });
    expect(await left()).toEqual([]);
  });

  it('deletes escalations of closed cases and ended idle spells; an open idle case is not escalated twice', async () => {
    const idle = await seedCase(database, T0);
    const acted = await seedCase(database, T0);
    const closed = await seedCase(database, T0);
    const sla = { connection: database.connection };
    expect(await escalateOverdueCases(sla, days(8))).toMatchObject({ escalated: 3 });
    const Case = caseModel(database.connection);
    await Case.updateOne({ reference: acted.reference }, { $push: { timeline: staffNote(days(9)) } });
    await Case.updateOne({ reference: closed.reference }, { $set: { status: 'completed' } });
    const Escalation = caseEscalationModel(database.connection);
    const referencesLeft = async () =>
      (await Escalation.find({}, { reference: 1 }).lean()).map((e) => e.reference).sort();

    expect((await purge(days(14))).escalations).toBe(0);
    expect((await purge(days(1000))).escalations).toBe(2);
    expect(await referencesLeft()).toEqual([idle.reference]);

    // The idle case keeps its flag, so the hourly job does not escalate it again.
    const again = await escalateOverdueCases(sla, days(1000));
    expect(again).toMatchObject({ overdue: 2, escalated: 1 });
    expect(await referencesLeft()).toEqual([acted.reference, idle.reference].sort());
  });

  it('deletes audit entries older than the stated period (365 days by default), and only those', async () => {
    const Audit = auditModel(database.connection);
    const entry = (at: Date, targetId: string) =>
      Audit.create({ at, actorKind: 'session', action: 'personal_data.read', targetType: 'case', targetId });
    await entry(days(-400), 'old');
    await entry(days(-300), 'recent');
    const summary = await purge(T0);
    expect(summary.auditEntries).toBe(1);
    expect((await Audit.find({}, { targetId: 1 }).lean()).map((e) => e.targetId)).toEqual(['recent']);
    // A stated shorter period, as RETENTION_AUDIT_DAYS sets it.
    const shorter = await purgeOperationalRecords(
      { connection: database.connection, retention: { auditDays: 200 } },
      T0,
    );
    expect(shorter.auditEntries).toBe(1);
  });

  it('runs as the daily purge job, returning counts only', async () => {
    const job = domainJobs({ connection: database.connection }).find(
      (j) => j.name === 'purge-operational-records',
    );
    expect(job?.schedule).toBe('53 3 * * *');
    expect(await job!.run(days(2000))).toEqual({
      auditEntries: expect.any(Number),
      broadcastClaims: 0,
      broadcastRecipientLists: 0,
      readNotifications: 0,
      unreadNotifications: 0,
      escalations: 0,
    });
  });
});
