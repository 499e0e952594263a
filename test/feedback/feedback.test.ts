import request from 'supertest';
import { parseConfig } from '../../src/config';
import { caseModels, createCase } from '../../src/cases/create-case';
import { eraseFeedback } from '../../src/feedback/feedback';
import { caseFeedbackModel } from '../../src/feedback/model';
import { enqueueDueTimeouts } from '../../src/bot/timeouts';
import { ingestionModels } from '../../src/ingestion/models';
import { eventually } from '../helpers/ingestion';
import { staffNotificationModel } from '../../src/notifications/staff-notifications';
import { buildEvent, newUserId, postWebhook } from '../../src/line-emulator/webhook-client';
import { startService, type Service } from '../../src/service';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';
import { testLogger } from '../helpers/logger';

describe('rating a completed case', () => {
  let service: Service;
  beforeAll(async () => {
    const parsed = parseConfig({ ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'a long test password' });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    service = await startService({
      config: parsed.config,
      logger: testLogger,
      port: 0,
      jobs: false,
      databaseServer: testDatabaseServer(),
      dbName: uniqueDbName('feedback'),
    });
  });
  afterAll(async () => {
    await service.database.connection.dropDatabase();
    await service.stop();
  });

  it('takes a rating once, an optional comment, and a "not solved" that reaches staff', async () => {
    const { emulator, channelSecret } = service.sandbox!;
    const connection = service.database.connection;
    const userId = newUserId();
    const { case: created } = await createCase(caseModels(connection), {
      intakeId: `intake-${userId}`,
      consentId: `consent-${userId}`,
      language: 'en',
      reporter: { lineUserId: userId },
      reportedBy: 'self',
      household: { size: 3, vulnerable: [], tenure: 'own' },
      category: 'roof',
      description: { text: 'roof leaks' },
      location: { lat: 16.65, lng: 101.13 },
    });
    await caseModels(connection).cases.updateOne(
      { reference: created.reference },
      { $set: { status: 'completed' } },
    );

    let count = 0;
    const tap = async (event: Parameters<typeof postWebhook>[2][number]) => {
      expect((await postWebhook(`${service.url}/webhook`, channelSecret, [event])).status).toBe(200);
      count++;
      const sent = await emulator.waitForMessages({ userId, count });
      return sent.at(-1)!.message as { text: string; quickReply?: { items: { action: { data: string } }[] } };
    };
    const postback = (data: string) =>
      buildEvent.postback({ userId, data, replyToken: emulator.issueReplyToken(userId) });

    const thanks = await tap(postback(`rate:${created.reference}:4`));
    expect(thanks.quickReply?.items.map((i) => i.action.data)).toEqual([
      `rate-comment:${created.reference}`,
      `reopen:${created.reference}`,
      'cmd:menu',
    ]);
    expect((await tap(postback(`rate:${created.reference}:1`))).text).toMatch(/ได้รับคะแนน|already/);

    await tap(postback(`rate-comment:${created.reference}`));
    // A reminder tick of the conversation in between does not drop the awaited comment.
    const ingestion = ingestionModels(connection);
    await ingestion.Chat.updateOne({ _id: `user:${userId}` }, { $set: { wakeAt: new Date() } });
    const ticked = await enqueueDueTimeouts(ingestion, new Date());
    expect(ticked).toEqual([`user:${userId}`]);
    service.processor.kick(ticked);
    await eventually(
      () => ingestion.QueuedEvent.countDocuments({ chatKey: `user:${userId}` }),
      (n) => n === 0,
    );
    await service.processor.idle();
    count = emulator.sentMessages(userId).length;
    const saved = await tap(
      buildEvent.text({ userId, text: 'ช่างทำงานดีมาก', replyToken: emulator.issueReplyToken(userId) }),
    );
    expect(saved.text).toContain(created.reference);
    // Outside the conversation engine too, no answer ends without a way back to the menu.
    expect(saved.quickReply?.items.map((i) => i.action.data)).toEqual(['cmd:menu']);
    const feedback = await caseFeedbackModel(connection).findById(`${created.reference}:${userId}`).lean();
    expect(feedback).toMatchObject({ rating: 4, comment: 'ช่างทำงานดีมาก' });

    const reopened = await tap(postback(`reopen:${created.reference}`));
    expect(reopened.text).toContain(created.reference);
    const notes = await staffNotificationModel(connection).find({ 'data.kind': 'reopen_requested' }).lean();
    expect(notes.map((n) => (n.data as { reference: string }).reference)).toEqual([created.reference]);

    // The comment was taken once: a later text is an ordinary message for the conversation.
    await tap(buildEvent.text({ userId, text: 'อีกข้อความ', replyToken: emulator.issueReplyToken(userId) }));
    expect(
      (await caseFeedbackModel(connection).findById(`${created.reference}:${userId}`).lean())?.comment,
    ).toBe('ช่างทำงานดีมาก');

    // Staff see it all on the case.
    const login = await request(service.url)
      .post('/api/auth/login')
      .send({ email: 'admin@example.org', password: 'a long test password' })
      .expect(200);
    const detail = await request(service.url)
      .get(`/api/cases/${created.reference}`)
      .set('authorization', `Bearer ${login.body.token}`)
      .expect(200);
    expect(detail.body.feedback).toEqual([
      { rating: 4, comment: 'ช่างทำงานดีมาก', reopenRequestedAt: expect.any(String), at: expect.any(String) },
    ]);
    // A viewer sees the rating, not the words.
    await request(service.url)
      .post('/api/staff')
      .set('authorization', `Bearer ${login.body.token}`)
      .send({ email: 'viewer@example.org', name: 'Vee', role: 'viewer', password: 'another long password' })
      .expect(201);
    const viewer = await request(service.url)
      .post('/api/auth/login')
      .send({ email: 'viewer@example.org', password: 'another long password' })
      .expect(200);
    const masked = await request(service.url)
      .get(`/api/cases/${created.reference}`)
      .set('authorization', `Bearer ${viewer.body.token}`)
      .expect(200);
    expect(masked.body.feedback).toEqual([
      { rating: 4, comment: null, reopenRequestedAt: expect.any(String), at: expect.any(String) },
    ]);
  });

  it('refuses a rating from someone who is not the reporter', async () => {
    const { emulator, channelSecret } = service.sandbox!;
    const stranger = newUserId();
    await postWebhook(`${service.url}/webhook`, channelSecret, [
      buildEvent.postback({
        userId: stranger,
        data: 'rate:NL-2569-000001:5',
        replyToken: emulator.issueReplyToken(stranger),
      }),
    ]);
    const [answer] = await emulator.waitForMessages({ userId: stranger, count: 1 });
    expect((answer!.message as { text: string }).text).toMatch(/NL-2569-000001/);
    expect(
      await caseFeedbackModel(service.database.connection).countDocuments({ lineUserId: stranger }),
    ).toBe(0);
  });

  it("keeps an erased person's rating for the figures, without them or their comment", async () => {
    const connection = service.database.connection;
    const userId = newUserId();
    const feedback = caseFeedbackModel(connection);
    await feedback.create({
      _id: `NL-2569-000777:${userId}`,
      reference: 'NL-2569-000777',
      lineUserId: userId,
      rating: 2,
      comment: 'my name is in here',
      at: new Date(),
    });
    expect(await eraseFeedback(connection, userId)).toBe(1);
    expect(await feedback.countDocuments({ lineUserId: userId })).toBe(0);
    const kept = await feedback.find({ reference: 'NL-2569-000777' }).lean();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ lineUserId: 'erased', rating: 2 });
    expect(kept[0]!.comment).toBeUndefined();
    expect(kept[0]!._id).not.toContain(userId);
  });
});
