import { consentModel } from '../../src/bot/consents';
import type { Case } from '../../src/cases/case-schema';
import { caseModel } from '../../src/cases/case-model';
import type { Database } from '../../src/db/connection';
import { ingestionModels } from '../../src/ingestion/models';
import { anonymousTimeline, closedAt, purgePersonalData } from '../../src/jobs/retention-purge';
import { mediaModels } from '../../src/media/models';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
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
});
