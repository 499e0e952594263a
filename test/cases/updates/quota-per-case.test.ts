import request from 'supertest';
import { forgetLineUserInRecords } from '../../../src/privacy/erasure';
import { caseModels } from '../../../src/cases/create-case';
import { connectDatabase, type Database } from '../../../src/db/connection';
import { ingestionModels } from '../../../src/ingestion/models';
import type { SentMessage } from '../../../src/line-emulator';
import { createUpdateDelivery } from '../../../src/cases/updates/delivery';
import { updateModels } from '../../../src/cases/updates/store';
import { createI18n } from '../../../src/i18n';
import { DEFAULT_COALESCE_MINUTES } from '../../../src/config';
import { dropTestDatabase, openTestDatabase, testDatabaseServer } from '../../helpers/db';
import { manualClock } from '../../staff/helpers';
import { addCase, bearer, buildCaseApiApp, lineUserId, type CaseApiHarness } from '../../case-api/helpers';

const WINDOW_MS = DEFAULT_COALESCE_MINUTES * 60_000;
const DAY_MS = 24 * 3600_000;

let database: Database;
let h: CaseApiHarness;
const clock = manualClock(new Date('2026-11-02T02:00:00Z'));

beforeAll(async () => {
  database = await openTestDatabase('quotapercase');
  h = await buildCaseApiApp(database, clock.now, { coalesceMs: WINDOW_MS, realStaffClock: true });
});
afterAll(async () => {
  await h.stop();
  await dropTestDatabase(database);
});

async function reporterWithCase(language = 'th') {
  const reporter = lineUserId();
  await ingestionModels(database.connection).LineUser.create({ _id: reporter, followed: true, language });
  const record = await addCase(database, { reporter: { lineUserId: reporter }, language });
  return { reporter, reference: record.reference };
}

/** A case under review (quiet by default), ready for its visit. */
async function reviewedCase(language = 'th') {
  const made = await reporterWithCase(language);
  await patch(made.reference, { status: 'reviewing' });
  return made;
}

const patch = (reference: string, body: object) =>
  request(h.app).patch(`/api/cases/${reference}`).set(bearer(h.tokens.coordinator)).send(body).expect(200);

/** Moves the clock on and runs the push job, as the scheduler would. */
async function later(ms: number) {
  clock.advance(ms);
  return h.updates.deliverDue(clock.now());
}

/** The requests LINE counted against the quota for this user: one per push, whatever it holds. */
function pushesTo(user: string): SentMessage[][] {
  const byRequest = new Map<string, SentMessage[]>();
  for (const sent of h.emulator.sentMessages(user).filter((m) => m.via === 'push'))
    byRequest.set(sent.requestId, [...(byRequest.get(sent.requestId) ?? []), sent]);
  return [...byRequest.values()];
}

const json = (messages: SentMessage[]) => JSON.stringify(messages.map((m) => m.message));

const WHOLE_LIFE = [
  { status: 'reviewing' },
  { status: 'visit_scheduled', visitDate: '2026-12-24' },
  { status: 'assessed' },
  { status: 'approved' },
  { status: 'in_progress' },
  { status: 'completed' },
];

describe('LINE quota per case with the default settings', () => {
  it('tells a case through its whole life in at most 3 quota messages: the visit, the decision, the completion', async () => {
    const { reporter, reference } = await reporterWithCase();
    const usedBefore = h.emulator.quotaConsumption();
    for (const step of WHOLE_LIFE) {
      await patch(reference, step);
      // Days pass between the steps of a real case: each window runs out on its own.
      await later(DAY_MS);
    }

    const pushes = pushesTo(reporter);
    expect(h.emulator.quotaConsumption() - usedBefore).toBe(pushes.length);
    expect(pushes.length).toBeLessThanOrEqual(3);
    const [visit, decision, completion] = pushes.map(json);
    expect(visit).toContain('นัดเยี่ยมบ้าน');
    expect(visit).toContain('24 ธันวาคม 2569');
    expect(decision).toContain('อนุมัติแล้ว');
    // The completion and its rating question are one message (one bubble), with the publication question.
    expect(pushes[2]![0]!.message).toMatchObject({ type: 'flex', contents: { type: 'bubble' } });
    for (const n of [1, 2, 3, 4, 5])
      expect(JSON.stringify(pushes[2]![0]!.message)).toContain(`rate:${reference}:${n}`);
    expect(completion).toContain(`publish:yes:${reference}`);

    // The quiet steps are on the case's timeline as not told; "My cases" shows them.
    const stored = (await caseModels(database.connection).cases.findOne({ reference }).lean())!;
    const quiet = stored.timeline.filter((entry) => entry.visibility === 'internal').map((entry) => entry.to);
    expect(quiet).toEqual(['reviewing', 'assessed', 'in_progress']);
  });

  it('costs 6 quota messages when staff tell every step (as every step was told before)', async () => {
    const { reporter, reference } = await reporterWithCase();
    const usedBefore = h.emulator.quotaConsumption();
    for (const step of WHOLE_LIFE) {
      await patch(reference, { ...step, notify: true });
      await later(DAY_MS);
    }
    expect(pushesTo(reporter)).toHaveLength(6);
    expect(h.emulator.quotaConsumption() - usedBefore).toBe(6);
  });

  it('tells a decline with its reason', async () => {
    const { reporter, reference } = await reporterWithCase('en');
    await patch(reference, { status: 'declined', reason: 'Outside our area' });
    await later(WINDOW_MS);
    const pushes = pushesTo(reporter);
    expect(pushes).toHaveLength(1);
    expect(json(pushes[0]!)).toContain('Reason: Outside our area');
  });
});

describe('coalescing within the window', () => {
  it('waits for the window, then sends one push with the latest state of the case', async () => {
    const { reporter, reference } = await reviewedCase('en');
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    await later(WINDOW_MS - 60_000);
    expect(pushesTo(reporter)).toHaveLength(0);
    await patch(reference, { visitDate: '2026-12-26' });
    await later(60_000);
    const pushes = pushesTo(reporter);
    expect(pushes).toHaveLength(1);
    // The reporter never knew the first date: a scheduled visit on the second, not a "moved" visit.
    const text = json(pushes[0]!);
    expect(text).toContain('Home visit scheduled');
    expect(text).toContain('26 December 2026');
    expect(text).not.toContain('24 December');
    await later(DAY_MS);
    expect(pushesTo(reporter)).toHaveLength(1);
  });

  it('sends the changes of two cases of one reporter as one push', async () => {
    const { reporter, reference } = await reviewedCase('en');
    const other = await addCase(database, { reporter: { lineUserId: reporter }, language: 'en' });
    await patch(other.reference, { status: 'reviewing' });
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    await patch(other.reference, { status: 'declined', reason: 'Already repaired by the district' });
    await later(WINDOW_MS);
    const pushes = pushesTo(reporter);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toHaveLength(2);
    expect(json(pushes[0]!)).toContain(reference);
    expect(json(pushes[0]!)).toContain(other.reference);
    // Each case's page lists the message.
    const outbound = await ingestionModels(database.connection)
      .OutboundMessage.findOne({ to: reporter })
      .lean();
    expect(outbound?.caseReferences).toEqual([reference, other.reference]);
  });

  it('sends nothing when a new visit date is put back within the window', async () => {
    const { reporter, reference } = await reviewedCase('en');
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    await later(WINDOW_MS);
    expect(pushesTo(reporter)).toHaveLength(1);
    await patch(reference, { visitDate: '2026-12-28' });
    await later(60_000);
    await patch(reference, { visitDate: '2026-12-24' });
    await later(WINDOW_MS);
    expect(pushesTo(reporter)).toHaveLength(1);
    expect(await updateModels(database.connection).Pending.findById(reporter).lean()).toBeNull();
  });

  it('tells a moved visit as moved', async () => {
    const { reporter, reference } = await reviewedCase('en');
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    await later(WINDOW_MS);
    await patch(reference, { visitDate: '2026-12-28' });
    await later(WINDOW_MS);
    const pushes = pushesTo(reporter);
    expect(pushes).toHaveLength(2);
    expect(json(pushes[1]!)).toContain('Home visit moved');
    expect(json(pushes[1]!)).toContain('28 December 2026');
  });

  it('tells the latest state when a quiet step follows news still waiting', async () => {
    const { reporter, reference } = await reviewedCase('en');
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    await patch(reference, { status: 'assessed' });
    await later(WINDOW_MS);
    const pushes = pushesTo(reporter);
    expect(pushes).toHaveLength(1);
    expect(json(pushes[0]!)).toContain('Assessed');
    expect(json(pushes[0]!)).not.toContain('Home visit scheduled');
  });

  it('pushes once when two instances run the job at the same moment', async () => {
    const { reporter, reference } = await reviewedCase('en');
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    clock.advance(WINDOW_MS);
    const other = await connectDatabase(testDatabaseServer().uri, database.connection.name);
    try {
      const i18n = await createI18n('th');
      const second = createUpdateDelivery({
        connection: other.connection,
        ingestion: ingestionModels(other.connection),
        sender: h.sender,
        i18n,
        clock: clock.now,
        coalesceMs: WINDOW_MS,
      });
      await Promise.all([
        h.updates.deliverDue(clock.now()),
        second.deliverDue(clock.now()),
        h.updates.deliverDue(clock.now()),
        second.deliverDue(clock.now()),
      ]);
    } finally {
      await other.close();
    }
    expect(pushesTo(reporter)).toHaveLength(1);
  });
});

describe('erasure', () => {
  it('takes the news waiting for a person who erases their data, and the record of what was delivered', async () => {
    const { reporter, reference } = await reviewedCase('en');
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    await later(WINDOW_MS);
    await patch(reference, { visitDate: '2026-12-28' });
    const updates = updateModels(database.connection);
    expect(await updates.Pending.findById(reporter).lean()).not.toBeNull();
    expect(await updates.Claim.countDocuments({ to: reporter })).toBe(1);
    await forgetLineUserInRecords(database.connection, reporter);
    expect(await updates.Pending.findById(reporter).lean()).toBeNull();
    expect(await updates.Claim.countDocuments({ to: reporter })).toBe(0);
  });
});
