import request from 'supertest';
import { caseApiModels, type CaseChangeDoc } from '../../src/cases/case-records';
import { createNotifier } from '../../src/cases/reporter-notifications';
import { caseModels } from '../../src/cases/create-case';
import { connectDatabase, type Database } from '../../src/db/connection';
import { createI18n } from '../../src/i18n';
import { ingestionModels } from '../../src/ingestion/models';
import {
  claimUnusedReplyToken,
  purgeExpiredReplyTokens,
  rememberUnusedReplyToken,
  unusedReplyTokenModel,
} from '../../src/line/unused-reply-tokens';
import { dropTestDatabase, openTestDatabase, testDatabaseServer } from '../helpers/db';
import { addCase, bearer, buildCaseApiApp, lineUserId, type CaseApiHarness } from './helpers';

let database: Database;
let h: CaseApiHarness;

beforeAll(async () => {
  database = await openTestDatabase('replytoken');
  h = await buildCaseApiApp(database);
});
afterAll(async () => {
  await h.stop();
  await dropTestDatabase(database);
});

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** A followed reporter with a case, and a token the bot left unused (as after a message in a hand-off). */
async function reporterWithCase(tokenExpiresAt?: Date) {
  const reporter = lineUserId();
  await ingestionModels(database.connection).LineUser.create({
    _id: reporter,
    followed: true,
    language: 'en',
  });
  const record = await addCase(database, { reporter: { lineUserId: reporter } });
  const token = h.emulator.issueReplyToken(reporter);
  if (tokenExpiresAt)
    await rememberUnusedReplyToken(database.connection, {
      lineUserId: reporter,
      token,
      expiresAt: tokenExpiresAt,
    });
  return { reporter, record, token };
}

const changeStatus = (reference: string, body: object) =>
  request(h.app).patch(`/api/cases/${reference}`).set(bearer(h.tokens.coordinator)).send(body).expect(200);

/** The emulator's reply and push calls that carried a message to this user. */
function callsFor(user: string, token: string) {
  const calls = h.emulator.calls().filter((call) => call.status === 200);
  return {
    replies: calls.filter(
      (call) =>
        call.path === '/v2/bot/message/reply' && (call.body as { replyToken?: string }).replyToken === token,
    ),
    pushes: calls.filter(
      (call) => call.path === '/v2/bot/message/push' && (call.body as { to?: string }).to === user,
    ),
  };
}

describe('status cards through a reply token the bot left unused', () => {
  it('replies (free) with a fresh token, and the token is spent', async () => {
    const { reporter, record, token } = await reporterWithCase(inSeconds(45));
    await changeStatus(record.reference, { status: 'reviewing', notify: true });

    const sent = h.emulator.sentMessages(reporter);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ via: 'reply', replyToken: token });
    expect(JSON.stringify(sent[0]!.message)).toContain('Under review');
    const { replies, pushes } = callsFor(reporter, token);
    expect(replies).toHaveLength(1);
    expect(pushes).toHaveLength(0);
    expect(await claimUnusedReplyToken(database.connection, reporter, new Date())).toBeUndefined();
  });

  it('pushes when the remembered token has expired, and drops it', async () => {
    const { reporter, record, token } = await reporterWithCase(inSeconds(-1));
    await changeStatus(record.reference, { status: 'reviewing', notify: true });

    const sent = h.emulator.sentMessages(reporter);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.via).toBe('push');
    expect(sent[0]!.retryKey).toEqual(expect.any(String));
    expect(callsFor(reporter, token).replies).toHaveLength(0);
    expect(await unusedReplyTokenModel(database.connection).findById(reporter).lean()).toBeNull();
  });

  it('falls back to a push with a retry key when LINE refuses the reply', async () => {
    const { reporter, record, token } = await reporterWithCase(inSeconds(45));
    h.emulator.expireReplyToken(token);
    await changeStatus(record.reference, { status: 'reviewing', notify: true });

    const sent = h.emulator.sentMessages(reporter);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.via).toBe('push');
    expect(sent[0]!.retryKey).toEqual(expect.any(String));
  });

  it('uses a token once: the first of two changes replies, the second pushes', async () => {
    const { reporter, record, token } = await reporterWithCase(inSeconds(45));
    await changeStatus(record.reference, { status: 'reviewing', notify: true });
    await changeStatus(record.reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });

    const sent = h.emulator.sentMessages(reporter);
    expect(sent.map((m) => m.via)).toEqual(['reply', 'push']);
    expect(JSON.stringify(sent[1]!.message)).toContain('Home visit scheduled');
    const { replies, pushes } = callsFor(reporter, token);
    expect(replies).toHaveLength(1);
    expect(pushes).toHaveLength(1);
  });

  it('sends a completed card with its rating, and the publication question, in the one reply', async () => {
    const { reporter, record } = await reporterWithCase();
    for (const step of [
      { status: 'reviewing' },
      { status: 'visit_scheduled', visitDate: '2026-12-24' },
      { status: 'assessed' },
      { status: 'approved' },
      { status: 'in_progress' },
    ])
      await changeStatus(record.reference, step);
    const token = h.emulator.issueReplyToken(reporter);
    await rememberUnusedReplyToken(database.connection, {
      lineUserId: reporter,
      token,
      expiresAt: inSeconds(45),
    });
    await changeStatus(record.reference, { status: 'completed' });

    // The card with its rating buttons, and the question about publishing the story: one reply.
    const last = h.emulator.sentMessages(reporter).slice(-2);
    expect(last.map((m) => [m.via, m.replyToken])).toEqual([
      ['reply', token],
      ['reply', token],
    ]);
    expect(JSON.stringify(last[0]!.message)).toContain(`rate:${record.reference}:5`);
    expect(JSON.stringify(last[1]!.message)).toContain(`publish:yes:${record.reference}`);
  });

  it('does not spend a token on a change that was already sent', async () => {
    const { reporter, record } = await reporterWithCase();
    await changeStatus(record.reference, { status: 'reviewing', notify: true });
    const token = h.emulator.issueReplyToken(reporter);
    await rememberUnusedReplyToken(database.connection, {
      lineUserId: reporter,
      token,
      expiresAt: inSeconds(45),
    });

    const models = caseApiModels(database.connection);
    const notifier = createNotifier({
      models,
      ingestion: ingestionModels(database.connection),
      sender: h.sender,
      i18n: createI18n('th'),
      clock: () => new Date(),
    });
    const change = (await models.CaseChange.findById(`${record.reference}:1`).lean<CaseChangeDoc>())!;
    const stored = (await caseModels(database.connection)
      .cases.findOne({ reference: record.reference })
      .lean())!;
    expect(await notifier.notifyChange(stored, change)).toBe(0);

    expect(h.emulator.sentMessages(reporter)).toHaveLength(1);
    expect(await claimUnusedReplyToken(database.connection, reporter, new Date())).toEqual({
      token,
      expiresAt: expect.any(Date),
    });
  });
});

describe('unused reply tokens', () => {
  it('keeps the newer of two tokens for a user', async () => {
    const user = lineUserId();
    await rememberUnusedReplyToken(database.connection, {
      lineUserId: user,
      token: 'older',
      expiresAt: inSeconds(10),
    });
    const newer = { lineUserId: user, token: 'newer', expiresAt: inSeconds(50) };
    await rememberUnusedReplyToken(database.connection, newer);
    expect(await claimUnusedReplyToken(database.connection, user, new Date())).toEqual({
      token: 'newer',
      expiresAt: newer.expiresAt,
    });
    expect(await claimUnusedReplyToken(database.connection, user, new Date())).toBeUndefined();
  });

  it('hands a token to exactly one of two instances claiming at the same moment', async () => {
    // A second connection pool, as a second instance of the service would have.
    const other = await connectDatabase(testDatabaseServer().uri, database.connection.name);
    try {
      for (let round = 0; round < 10; round++) {
        const user = lineUserId();
        await rememberUnusedReplyToken(database.connection, {
          lineUserId: user,
          token: `token-${round}`,
          expiresAt: inSeconds(45),
        });
        const now = new Date();
        const claims = await Promise.all([
          claimUnusedReplyToken(database.connection, user, now),
          claimUnusedReplyToken(other.connection, user, now),
          claimUnusedReplyToken(database.connection, user, now),
          claimUnusedReplyToken(other.connection, user, now),
        ]);
        expect(claims.filter((claim) => claim !== undefined)).toEqual([
          { token: `token-${round}`, expiresAt: expect.any(Date) },
        ]);
      }
    } finally {
      await other.close();
    }
  });

  it('purges expired tokens and keeps fresh ones', async () => {
    const [stale, fresh] = [lineUserId(), lineUserId()];
    await rememberUnusedReplyToken(database.connection, {
      lineUserId: stale,
      token: 'stale',
      expiresAt: inSeconds(-5),
    });
    await rememberUnusedReplyToken(database.connection, {
      lineUserId: fresh,
      token: 'fresh',
      expiresAt: inSeconds(45),
    });
    expect(await purgeExpiredReplyTokens(database.connection, new Date())).toBeGreaterThanOrEqual(1);
    const model = unusedReplyTokenModel(database.connection);
    expect(await model.findById(stale).lean()).toBeNull();
    expect(await model.findById(fresh).lean()).toMatchObject({ token: 'fresh' });
  });
});
