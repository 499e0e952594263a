import request from 'supertest';
import { parseConfig } from '../../src/config';
import { startService, type Service } from '../../src/service';
import { buildEvent, newUserId, postWebhook } from '../../src/line/webhook-client';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';
import { eventually } from '../helpers/ingestion';
import { testLogger } from '../helpers/logger';

describe('talk to staff (hand-offs)', () => {
  let service: Service;
  let token: string;

  beforeAll(async () => {
    const parsed = parseConfig({ ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'a long test password' });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    service = await startService({
      config: parsed.config,
      logger: testLogger,
      port: 0,
      jobs: false,
      databaseServer: testDatabaseServer(),
      dbName: uniqueDbName('handoffs'),
    });
    const login = await request(service.url)
      .post('/api/auth/login')
      .send({ email: 'admin@example.org', password: 'a long test password' })
      .expect(200);
    token = login.body.token;
  });
  afterAll(async () => {
    await service.database.connection.dropDatabase();
    await service.stop();
  });

  it('lists a waiting user, shows the chat, answers with a free reply, and gives the chat back to the bot', async () => {
    const { emulator, channelSecret } = service.sandbox!;
    const webhook = `${service.url}/webhook`;
    const userId = newUserId();
    emulator.addUser({ userId, displayName: 'ทดสอบ', language: 'th' });
    const send = async (event: Parameters<typeof postWebhook>[2][number]) => {
      expect((await postWebhook(webhook, channelSecret, [event])).status).toBe(200);
    };
    await send(buildEvent.follow({ userId, replyToken: emulator.issueReplyToken(userId) }));
    await emulator.waitForMessages({ userId, count: 1 });
    await send(
      buildEvent.postback({ userId, data: 'cmd:staff', replyToken: emulator.issueReplyToken(userId) }),
    );
    await emulator.waitForMessages({ userId, count: 2 });
    const auth = { Authorization: `Bearer ${token}` };
    const waiting = await eventually(
      async () =>
        (await request(service.url).get('/api/handoffs').set(auth)).body.items as { userId: string }[],
      (items) => items.some((item) => item.userId === userId),
    );
    expect(waiting.map((item) => item.userId)).toContain(userId);

    // While staff have the conversation, the bot answers nothing.
    const before = emulator.sentMessages(userId).length;
    await send(
      buildEvent.text({ userId, text: 'หลังคารั่วค่ะ ช่วยด้วย', replyToken: emulator.issueReplyToken(userId) }),
    );
    const chat = await eventually(
      async () =>
        (await request(service.url).get(`/api/handoffs/${userId}/messages`).set(auth)).body.items as {
          text?: string;
        }[],
      (items) => items.some((item) => item.text === 'หลังคารั่วค่ะ ช่วยด้วย'),
    );
    expect(chat.some((item) => item.text === 'หลังคารั่วค่ะ ช่วยด้วย')).toBe(true);
    await service.processor.idle(); // the processor keeps the unused reply token once it has applied the event
    expect(emulator.sentMessages(userId)).toHaveLength(before);

    const answer = await request(service.url)
      .post(`/api/handoffs/${userId}/messages`)
      .set(auth)
      .send({ text: 'เจ้าหน้าที่รับเรื่องแล้วค่ะ' })
      .expect(202);
    expect(answer.body.status).toBe('sent');
    const staffMessage = emulator.sentMessages(userId).at(-1);
    expect(staffMessage).toMatchObject({
      via: 'reply',
      message: { type: 'text', text: 'เจ้าหน้าที่รับเรื่องแล้วค่ะ' },
    });

    await request(service.url).post(`/api/handoffs/${userId}/close`).set(auth).expect(202);
    await emulator.waitForMessages({ userId, count: before + 2 });
    const after = await request(service.url).get('/api/handoffs').set(auth).expect(200);
    expect(after.body.items.map((item: { userId: string }) => item.userId)).not.toContain(userId);
    await request(service.url).post(`/api/handoffs/${userId}/close`).set(auth).expect(404);
  });

  it('is only for case staff', async () => {
    await request(service.url).get('/api/handoffs').expect(401);
  });
});
