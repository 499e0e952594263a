import request from 'supertest';
import { parseConfig } from '../../src/config';
import { startService, type Service } from '../../src/service';
import { buildEvent, newUserId, postWebhook } from '../../src/line-emulator/webhook-client';
import { createAuditLog } from '../../src/staff/audit-log';
import { caseModels, createCase } from '../../src/cases/create-case';
import { handoffModel } from '../../src/handoffs/model';
import { outboundEntries } from '../../src/handoffs/chat';
import { ingestionModels } from '../../src/ingestion/models';
import { caseInput } from '../case-api/helpers';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';
import { addStaff, PASSWORD } from '../staff/helpers';
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

  describe('what staff see of a waiting user', () => {
    const auth = () => ({ Authorization: `Bearer ${token}` });
    const openHandoff = (userId: string, since = new Date()) =>
      handoffModel(service.database.connection).create({ _id: userId, status: 'open', since });
    let at = Date.parse('2026-03-01T02:00:00Z');
    const nextAt = () => new Date((at += 1000));
    const userSays = (userId: string, event: Record<string, unknown>, type = 'message') =>
      ingestionModels(service.database.connection).InboundEvent.create({
        _id: `ev-${userId}-${at}`,
        chatKey: `user:${userId}`,
        userId,
        type,
        timestamp: at,
        receivedAt: nextAt(),
        payload: JSON.stringify({ type, source: { type: 'user', userId }, ...event }),
      });
    const botSays = (userId: string, messages: unknown[]) =>
      ingestionModels(service.database.connection).OutboundMessage.create({
        _id: `out-${userId}-${at}`,
        to: userId,
        purpose: 'reply',
        messages,
        chunks: [{ index: 0, retryKey: `k-${at}`, status: 'sent' }],
        status: 'sent',
        nextAttemptAt: new Date(at),
        createdAt: nextAt(),
      });

    it('names the user when their display name is known and links their cases, audited', async () => {
      const named = newUserId();
      const anonymous = newUserId();
      await ingestionModels(service.database.connection).LineUser.create([
        { _id: named, displayName: 'สมศรี ใจดี', language: 'th' },
        { _id: anonymous, language: 'en' },
      ]);
      const models = caseModels(service.database.connection);
      const older = await createCase(models, caseInput({ reporter: { lineUserId: named } }));
      const newer = await createCase(
        models,
        caseInput({ reporter: { lineUserId: named }, location: { lat: 18.79, lng: 98.98 } }),
      );
      await createCase(models, caseInput());
      await openHandoff(named, new Date('2026-03-01T01:00:00Z'));
      await openHandoff(anonymous, new Date('2026-03-01T01:05:00Z'));

      const res = await request(service.url).get('/api/handoffs').set(auth()).expect(200);
      const byUser = new Map(
        (res.body.items as { userId: string }[]).map((item) => [item.userId, item] as const),
      );
      expect(byUser.get(named)).toMatchObject({
        displayName: 'สมศรี ใจดี',
        language: 'th',
        cases: [
          { reference: newer.case.reference, status: 'new' },
          { reference: older.case.reference, status: 'new' },
        ],
      });
      expect(byUser.get(anonymous)).toMatchObject({ displayName: null, cases: [] });
      const audit = createAuditLog(service.database.connection);
      const entries = (await audit.list({ action: 'personal_data.read', targetType: 'handoffs', limit: 5 }))
        .items;
      expect(entries[0]?.details).toMatchObject({ fields: ['line_user.displayName', named] });

      // A caseworker sees only the cases of their provinces (the second case is in Chiang Mai, 50).
      const caseworker = await addStaff(service.database, 'caseworker', { provinces: ['50'] });
      const cw = await request(service.url)
        .post('/api/auth/login')
        .send({ email: caseworker.email, password: PASSWORD })
        .expect(200);
      const scoped = await request(service.url)
        .get('/api/handoffs')
        .set({ Authorization: `Bearer ${cw.body.token}` })
        .expect(200);
      const scopedItems = scoped.body.items as { userId: string; cases: { reference: string }[] }[];
      expect(newer.case.location.resolved.provinceCode).toBe('50');
      expect(scopedItems.find((item) => item.userId === named)?.cases.map((c) => c.reference)).toEqual([
        newer.case.reference,
      ]);
      // Someone with no case is in nobody's province.
      expect(scopedItems.map((item) => item.userId)).not.toContain(anonymous);
      await handoffModel(service.database.connection).updateMany(
        { _id: { $in: [named, anonymous] } },
        { $set: { status: 'closed' } },
      );
    });

    it('keeps a Bangkok reporter’s chat from a caseworker of Chiang Mai: 404 as for nobody waiting', async () => {
      // The security review's case: a reporter of a Bangkok case waits for staff.
      const reporter = newUserId();
      const { case: bangkok } = await createCase(
        caseModels(service.database.connection),
        caseInput({ reporter: { lineUserId: reporter }, location: { lat: 13.75, lng: 100.5 } }),
      );
      expect(bangkok.location.resolved.provinceCode).toBe('10');
      await openHandoff(reporter);
      await userSays(reporter, { message: { type: 'text', id: 'bkk1', text: 'บ้านนางคำ โทร 0812345678' } });
      const signIn = async (provinces: string[]) => {
        const member = await addStaff(service.database, 'caseworker', { provinces });
        const res = await request(service.url)
          .post('/api/auth/login')
          .send({ email: member.email, password: PASSWORD })
          .expect(200);
        return { id: member.id, auth: { Authorization: `Bearer ${res.body.token}` } };
      };
      const chiangMai = await signIn(['50']);
      const audit = createAuditLog(service.database.connection);
      const chatReads = async (actor: string) =>
        (await audit.list({ actor, action: 'personal_data.read', limit: 10 })).items;

      const list = await request(service.url).get('/api/handoffs').set(chiangMai.auth).expect(200);
      expect(list.body.items.map((item: { userId: string }) => item.userId)).not.toContain(reporter);
      const read = await request(service.url)
        .get(`/api/handoffs/${reporter}/messages`)
        .set(chiangMai.auth)
        .expect(404);
      const nobody = await request(service.url)
        .get(`/api/handoffs/${newUserId()}/messages`)
        .set(chiangMai.auth)
        .expect(404);
      expect(read.body).toEqual(nobody.body);
      expect(read.body.error.code).toBe('handoff_not_found');
      expect(JSON.stringify(read.body)).not.toContain('0812345678');
      await request(service.url)
        .post(`/api/handoffs/${reporter}/messages`)
        .set(chiangMai.auth)
        .send({ text: 'สวัสดีค่ะ' })
        .expect(404);
      await request(service.url).post(`/api/handoffs/${reporter}/close`).set(chiangMai.auth).expect(404);
      expect(await chatReads(chiangMai.id)).toEqual([]);

      // The Bangkok caseworker reads it, audited.
      const bangkokWorker = await signIn(['10']);
      const listed = await request(service.url).get('/api/handoffs').set(bangkokWorker.auth).expect(200);
      expect(listed.body.items.find((item: { userId: string }) => item.userId === reporter)?.cases).toEqual([
        { reference: bangkok.reference, status: 'new' },
      ]);
      const chat = await request(service.url)
        .get(`/api/handoffs/${reporter}/messages`)
        .set(bangkokWorker.auth)
        .expect(200);
      expect(chat.body.items.map((item: { text?: string }) => item.text)).toContain(
        'บ้านนางคำ โทร 0812345678',
      );
      expect(await chatReads(bangkokWorker.id)).toEqual([
        expect.objectContaining({ target: { type: 'line_user', id: reporter } }),
      ]);

      // Once the hand-off is closed, nobody reads the chat, admins included.
      await handoffModel(service.database.connection).updateOne(
        { _id: reporter },
        { $set: { status: 'closed', closedAt: new Date() } },
      );
      for (const auth of [bangkokWorker.auth, { Authorization: `Bearer ${token}` }])
        await request(service.url).get(`/api/handoffs/${reporter}/messages`).set(auth).expect(404);
    });

    it('pages the chat from the latest messages back, with the label of each tapped button', async () => {
      const userId = newUserId();
      await openHandoff(userId);
      await botSays(userId, [
        {
          type: 'text',
          text: 'หลังคาเป็นอย่างไรบ้าง',
          quickReply: {
            items: [
              { type: 'action', action: { type: 'postback', label: '🏠 รั่วมาก', data: 'a:roof:bad' } },
              { type: 'action', action: { type: 'postback', label: 'นิดหน่อย', data: 'a:roof:ok' } },
            ],
          },
        },
      ]);
      await userSays(userId, { postback: { data: 'a:roof:bad' } }, 'postback');
      await userSays(userId, { postback: { data: 'cmd:unknown-menu' } }, 'postback');
      await userSays(userId, { postback: { data: 'cmd:x', displayText: 'คุยกับเจ้าหน้าที่' } }, 'postback');
      for (let i = 1; i <= 12; i++) {
        await userSays(userId, { message: { type: 'text', id: `m${i}`, text: `ข้อความ ${i}` } });
        if (i % 4 === 0) await botSays(userId, [{ type: 'text', text: `ตอบ ${i}` }]);
      }
      const page = (before?: string) =>
        request(service.url)
          .get(`/api/handoffs/${userId}/messages`)
          .query({ limit: 6, ...(before ? { before } : {}) })
          .set(auth())
          .expect(200);
      const texts = (body: { items: { text?: string }[] }) => body.items.map((item) => item.text);

      const latest = await page();
      expect(texts(latest.body)).toEqual([
        'ตอบ 8',
        'ข้อความ 9',
        'ข้อความ 10',
        'ข้อความ 11',
        'ข้อความ 12',
        'ตอบ 12',
      ]);
      const seen = [...latest.body.items];
      let cursor: string | null = latest.body.earlier;
      while (cursor) {
        const earlier = await page(cursor);
        seen.unshift(...earlier.body.items);
        cursor = earlier.body.earlier;
      }
      // 1 question, 3 taps, 12 messages, 3 answers: each once, in order.
      expect(seen).toHaveLength(19);
      expect(new Set(seen.map((item: { key: string }) => item.key)).size).toBe(19);
      expect(seen.slice(0, 4)).toEqual([
        expect.objectContaining({ from: 'bot', text: 'หลังคาเป็นอย่างไรบ้าง' }),
        expect.objectContaining({ from: 'user', kind: 'postback', text: '🏠 รั่วมาก' }),
        expect.objectContaining({ from: 'user', kind: 'postback' }),
        expect.objectContaining({ from: 'user', kind: 'postback', text: 'คุยกับเจ้าหน้าที่' }),
      ]);
      expect(seen[2].text).toBeUndefined();
      expect(JSON.stringify(seen)).not.toMatch(/a:roof|cmd:/);

      await request(service.url)
        .get(`/api/handoffs/${userId}/messages`)
        .query({ before: 'not-a-cursor' })
        .set(auth())
        .expect(400);
    });

    it('pages through a burst of photos stored in one millisecond without skipping anything', async () => {
      const userId = newUserId();
      await openHandoff(userId);
      const models = ingestionModels(service.database.connection);
      for (let i = 1; i <= 6; i++) {
        await userSays(userId, { message: { type: 'text', id: `t${i}`, text: `ก่อน ${i}` } });
        await botSays(userId, [{ type: 'text', text: `ตอบ ${i}` }]);
      }
      // Eight photos in one request share its receivedAt, as the webhook's group commit stores them.
      const burst = nextAt();
      for (let i = 1; i <= 8; i++)
        await models.InboundEvent.create({
          _id: `ev-${userId}-burst-${i}`,
          chatKey: `user:${userId}`,
          userId,
          type: 'message',
          timestamp: burst.getTime(),
          receivedAt: burst,
          payload: JSON.stringify({ type: 'message', message: { type: 'image', id: `p${i}` } }),
        });
      await userSays(userId, { message: { type: 'text', id: 'last', text: 'หลังรูป' } });

      const seen: { key: string }[] = [];
      let cursor: string | undefined;
      do {
        const res = await request(service.url)
          .get(`/api/handoffs/${userId}/messages`)
          .query({ limit: 4, ...(cursor ? { before: cursor } : {}) })
          .set(auth())
          .expect(200);
        seen.unshift(...res.body.items);
        cursor = res.body.earlier ?? undefined;
      } while (cursor);
      // 6 texts, 6 answers, 8 photos, 1 text: each once.
      expect(new Set(seen.map((item) => item.key)).size).toBe(21);
      expect(seen).toHaveLength(21);
    });
  });
});

describe('a message whose content was not kept', () => {
  it('shows as one line saying so, never as its old text', () => {
    const at = new Date('2026-03-01T02:00:00Z');
    expect(
      outboundEntries({
        _id: 'copy',
        messages: [],
        forgottenMessages: 3,
        createdAt: at,
        purpose: 'conversation',
      }),
    ).toEqual([{ key: 'o:copy:00', at: at.toISOString(), from: 'bot', kind: 'forgotten' }]);
  });
});
