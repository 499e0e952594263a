import { setTimeout } from 'node:timers/promises';
import request from 'supertest';
import { withdrawCase } from '../../src/cases/case-actions';
import { caseChanges, createCaseService } from '../../src/cases/case-service';
import { REPORTER_ACTOR } from '../../src/cases/lifecycle';
import { caseApiModels, type CaseChangeDoc } from '../../src/cases/case-records';
import { createNotifier } from '../../src/cases/reporter-notifications';
import type { Case } from '../../src/cases/case-schema';
import { caseModels } from '../../src/cases/create-case';
import type { Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { createI18n } from '../../src/i18n';
import { ingestionModels } from '../../src/ingestion/models';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { testLogger } from '../helpers/logger';
import { addCase, bearer, buildCaseApiApp, lineUserId, type CaseApiHarness } from './helpers';

let database: Database;
let h: CaseApiHarness;

beforeAll(async () => {
  database = await openTestDatabase('reporterwithdrawal');
  h = await buildCaseApiApp(database);
});
afterAll(async () => {
  await h.stop();
  await dropTestDatabase(database);
});

const cases = () => caseModels(database.connection);
const changesOf = (reference: string) =>
  caseApiModels(database.connection).CaseChange.find({ reference }).sort({ seq: 1 }).lean<CaseChangeDoc[]>();
const stored = async (reference: string) => (await cases().cases.findOne({ reference }).lean<Case>())!;
const withdrawal = (reference: string, at = new Date()) => ({
  type: 'withdrawCase' as const,
  reference,
  at: at.toISOString(),
  language: 'th',
});
/** The sweep as the scheduler runs it, two minutes on, when anything left un-notified is due. */
const sweep = async () => {
  const service = createCaseService({
    connection: database.connection,
    notifier: createNotifier({
      models: caseApiModels(database.connection),
      ingestion: ingestionModels(database.connection),
      sender: h.sender,
      i18n: createI18n('th'),
      clock: () => new Date(),
    }),
    reportError: createErrorSink(testLogger),
    clock: () => new Date(Date.now() + 120_000),
  });
  return service.resendPending();
};
const statusEntries = (record: Case) =>
  record.timeline.filter((entry) => entry.kind === 'status_changed' || entry.kind === 'withdrawn');

describe("the reporter's withdrawal is a numbered lifecycle change", () => {
  it('records change 1 by the reporter, with the timeline entry the console shows', async () => {
    const reporter = lineUserId();
    const record = await addCase(database, { reporter: { lineUserId: reporter } });
    const at = new Date('2026-03-01T03:04:05.678Z');

    expect(await withdrawCase(cases(), reporter, withdrawal(record.reference, at))).toEqual({
      kind: 'withdrawn',
    });

    const [change, ...more] = await changesOf(record.reference);
    expect(more).toEqual([]);
    expect(change).toMatchObject({
      _id: `${record.reference}:1`,
      seq: 1,
      from: 'new',
      to: 'withdrawn',
      actorId: REPORTER_ACTOR,
      appliedAt: expect.any(Date),
    });
    expect(JSON.stringify(change)).not.toContain(reporter);
    const after = await stored(record.reference);
    expect(after).toMatchObject({ status: 'withdrawn', changeSeq: 1 });
    expect(after.firstActionAt).toBeUndefined();
    expect(after.timeline.at(-1)).toEqual({
      at,
      kind: 'withdrawn',
      actor: 'reporter',
      actorId: reporter,
      from: 'new',
      to: 'withdrawn',
    });

    // Staff see a final status; a later tap on an old button is told the case is closed.
    const patch = await request(h.app)
      .patch(`/api/cases/${record.reference}`)
      .set(bearer(h.tokens.coordinator))
      .send({ status: 'reviewing' });
    expect([patch.status, patch.body.error?.code]).toEqual([409, 'illegal_transition']);
    expect(await withdrawCase(cases(), reporter, withdrawal(record.reference))).toEqual({
      kind: 'closed',
      status: 'withdrawn',
    });
    expect(await changesOf(record.reference)).toHaveLength(1);
  });

  it('follows the lifecycle: after staff changes it takes the next number; a completed case stays', async () => {
    const reporter = lineUserId();
    const record = await addCase(database, { reporter: { lineUserId: reporter } });
    await request(h.app)
      .patch(`/api/cases/${record.reference}`)
      .set(bearer(h.tokens.coordinator))
      .send({ status: 'reviewing' })
      .expect(200);
    expect(await withdrawCase(cases(), reporter, withdrawal(record.reference))).toEqual({
      kind: 'withdrawn',
    });
    expect((await changesOf(record.reference)).map((c) => [c.seq, c.from, c.to, c.actorId])).toEqual([
      [1, 'new', 'reviewing', h.staffIds.coordinator],
      [2, 'reviewing', 'withdrawn', REPORTER_ACTOR],
    ]);

    const done = await addCase(database, { reporter: { lineUserId: reporter } });
    const path = [
      { status: 'reviewing' },
      { status: 'visit_scheduled', visitDate: '2026-12-24' },
      { status: 'assessed' },
      { status: 'approved' },
      { status: 'in_progress' },
      { status: 'completed' },
    ];
    for (const step of path)
      await request(h.app)
        .patch(`/api/cases/${done.reference}`)
        .set(bearer(h.tokens.coordinator))
        .send(step)
        .expect(200);
    expect(await withdrawCase(cases(), reporter, withdrawal(done.reference))).toEqual({
      kind: 'closed',
      status: 'completed',
    });
    expect(await changesOf(done.reference)).toHaveLength(path.length);
  });

  it('records one change for a retried withdraw effect, also after an attempt that died after claiming', async () => {
    const reporter = lineUserId();
    const record = await addCase(database, { reporter: { lineUserId: reporter } });
    const effect = withdrawal(record.reference);
    expect(await withdrawCase(cases(), reporter, effect)).toEqual({ kind: 'withdrawn' });
    expect(await withdrawCase(cases(), reporter, effect)).toEqual({ kind: 'withdrawn' });
    expect(await changesOf(record.reference)).toHaveLength(1);
    expect(statusEntries(await stored(record.reference))).toHaveLength(1);

    // The first attempt claimed change 1 and died before writing the case; the retry finishes it.
    const crashed = await addCase(database, { reporter: { lineUserId: reporter } });
    const claimed = await caseChanges(database.connection, () => new Date()).claim(
      crashed,
      { from: 'new', to: 'withdrawn' },
      REPORTER_ACTOR,
    );
    expect(claimed.won).toBe(true);
    expect((await stored(crashed.reference)).status).toBe('new');
    const retried = withdrawal(crashed.reference);
    expect(await withdrawCase(cases(), reporter, retried)).toEqual({ kind: 'withdrawn' });
    expect(await withdrawCase(cases(), reporter, retried)).toEqual({ kind: 'withdrawn' });
    const [change, ...more] = await changesOf(crashed.reference);
    expect(more).toEqual([]);
    expect(change!.appliedAt).toBeInstanceOf(Date);
    const after = await stored(crashed.reference);
    expect(after).toMatchObject({ status: 'withdrawn', changeSeq: 1 });
    expect(statusEntries(after)).toEqual([
      expect.objectContaining({ kind: 'withdrawn', actor: 'reporter', actorId: reporter, to: 'withdrawn' }),
    ]);
  });

  it('leaves one consistent winner when a staff change races the withdrawal', async () => {
    const staffMoves = [
      { status: 'reviewing' },
      { status: 'declined', reason: 'นอกพื้นที่' },
      { status: 'reviewing' },
      { status: 'duplicate', duplicateOf: 'NL-2569-000001' },
      { status: 'declined', reason: 'นอกพื้นที่' },
      { status: 'reviewing' },
    ];
    const original = await addCase(database, {});
    // The withdrawal starts a little later each round, so either side may take the number first.
    for (const [round, move] of staffMoves.entries()) {
      const reporter = lineUserId();
      const record = await addCase(database, { reporter: { lineUserId: reporter } });
      const body = move.duplicateOf ? { ...move, duplicateOf: original.reference } : move;
      const [patch, outcome] = await Promise.all([
        request(h.app).patch(`/api/cases/${record.reference}`).set(bearer(h.tokens.coordinator)).send(body),
        setTimeout(round * 8).then(() => withdrawCase(cases(), reporter, withdrawal(record.reference))),
      ]);

      const changes = await changesOf(record.reference);
      const after = await stored(record.reference);
      // One change per number, each on the case, in order, and the status is the last one's.
      expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1));
      expect(changes.every((c) => c.appliedAt instanceof Date)).toBe(true);
      expect(after.changeSeq).toBe(changes.length);
      expect(after.status).toBe(changes.at(-1)!.to);
      expect(statusEntries(after).map((e) => [e.from, e.to, e.actor])).toEqual(
        changes.map((c) => [c.from, c.to, c.actorId === REPORTER_ACTOR ? 'reporter' : 'staff']),
      );
      // What each side was told matches what stands.
      const reporterWon = changes.some((c) => c.actorId === REPORTER_ACTOR);
      expect(outcome).toEqual(reporterWon ? { kind: 'withdrawn' } : { kind: 'closed', status: after.status });
      const staffWon = changes.some((c) => c.actorId === h.staffIds.coordinator);
      expect([patch.status, patch.body.error?.code]).toEqual(
        staffWon
          ? [200, undefined]
          : [409, expect.stringMatching(/^(concurrent_change|illegal_transition)$/)],
      );
      // A staff move to an open status does not stop the withdrawal, which comes after it.
      if (move.status === 'reviewing') expect(after.status).toBe('withdrawn');
    }
  });
});

describe('who hears about a withdrawal from the chat', () => {
  it('gives the volunteer one status card, not the household who withdrew; a self-report tells nobody', async () => {
    const household = lineUserId();
    const volunteer = lineUserId();
    const users = ingestionModels(database.connection).LineUser;
    await users.create({ _id: household, followed: true, language: 'en' });
    await users.create({ _id: volunteer, followed: true, language: 'en' });
    const record = await addCase(database, {
      reporter: { lineUserId: household },
      reportedBy: 'volunteer',
      volunteer: { lineUserId: volunteer, relation: 'อสม.', householdInformed: true },
    });
    const alone = lineUserId();
    const selfReported = await addCase(database, { reporter: { lineUserId: alone } });

    expect(await withdrawCase(cases(), household, withdrawal(record.reference))).toEqual({
      kind: 'withdrawn',
    });
    expect(await withdrawCase(cases(), alone, withdrawal(selfReported.reference))).toEqual({
      kind: 'withdrawn',
    });
    expect(h.emulator.sentMessages(volunteer)).toHaveLength(0);

    expect(await sweep()).toBeGreaterThanOrEqual(2);
    expect(await sweep()).toBe(0);
    const sent = h.emulator.sentMessages(volunteer);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message.type).toBe('flex');
    expect(JSON.stringify(sent[0]!.message)).toContain('This case has been withdrawn.');
    expect(JSON.stringify(sent[0]!.message)).toContain(record.reference);
    expect(h.emulator.sentMessages(household)).toHaveLength(0);
    expect(h.emulator.sentMessages(alone)).toHaveLength(0);
    for (const reference of [record.reference, selfReported.reference])
      expect((await changesOf(reference))[0]!.notifiedAt).toBeInstanceOf(Date);
  });

  it('tells the household when the volunteer who reported withdraws', async () => {
    const household = lineUserId();
    const volunteer = lineUserId();
    const record = await addCase(database, {
      reporter: { lineUserId: household },
      reportedBy: 'volunteer',
      volunteer: { lineUserId: volunteer, relation: 'อสม.', householdInformed: true },
    });
    expect(await withdrawCase(cases(), volunteer, withdrawal(record.reference))).toEqual({
      kind: 'withdrawn',
    });
    await sweep();
    expect(h.emulator.sentMessages(household)).toHaveLength(1);
    expect(h.emulator.sentMessages(volunteer)).toHaveLength(0);
  });
});
