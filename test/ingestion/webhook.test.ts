import request from 'supertest';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import {
  buildEvent,
  newUserId,
  postWebhook,
  signBody,
  webhookBody,
} from '../../src/line-emulator/webhook-client';
import { createEventAcceptor } from '../../src/ingestion/inbox';
import { purgeProcessedEvents } from '../../src/ingestion/inbox';
import { type EventHandler } from '../../src/ingestion/event-handler';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';
import { eventually, isDone, startInstance, TEST_SECRET, type Instance } from '../helpers/ingestion';

/** Replies "echo:<text>" and keeps the texts it saw, in order, in the chat state. */
const echo: EventHandler = async (context) => {
  const event = context.event as { message?: { text?: string }; source?: { userId?: string } };
  const text = event.message?.text ?? context.event.type;
  const seen = [...((context.state.seen as string[] | undefined) ?? []), text];
  const to = event.source?.userId ?? '';
  return {
    state: { seen },
    outbox: [
      {
        id: `${context.eventId}:reply`,
        to,
        purpose: 'test',
        eventId: context.eventId,
        messages: [{ type: 'text', text: `echo:${text}` }],
        replyToken: context.replyToken,
        replyTokenExpiresAt: context.replyTokenExpiresAt,
      },
    ],
  };
};

describe('POST /webhook', () => {
  let emulator: LineEmulator;
  let instance: Instance;

  beforeAll(async () => {
    emulator = await startLineEmulator();
    instance = await startInstance({
      uri: testDatabaseServer().uri,
      dbName: uniqueDbName('webhook'),
      emulator,
      handler: echo,
      instanceId: 'one',
    });
  });
  afterAll(async () => {
    await instance.database.connection.dropDatabase();
    await instance.stop();
    await emulator.stop();
  });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const userId = newUserId();
    const events = [buildEvent.text({ userId, text: 'hello' })];
    expect((await postWebhook(instance.webhookUrl, TEST_SECRET, events, { signature: null })).status).toBe(
      401,
    );
    expect(
      (await postWebhook(instance.webhookUrl, TEST_SECRET, events, { signature: signBody('x', TEST_SECRET) }))
        .status,
    ).toBe(401);
    expect((await postWebhook(instance.webhookUrl, 'f'.repeat(32), events)).status).toBe(401);
    expect(await instance.models.InboundEvent.countDocuments({ userId })).toBe(0);
  });

  it('verifies the exact bytes, emoji escaped as LINE escapes them', async () => {
    const userId = newUserId();
    const result = await postWebhook(instance.webhookUrl, TEST_SECRET, [
      buildEvent.text({ userId, text: 'หลังคารั่ว 🏠' }),
    ]);
    expect(result.status).toBe(200);
    const [sent] = await emulator.waitForMessages({ userId, count: 1 });
    expect(sent?.message).toEqual({ type: 'text', text: 'echo:หลังคารั่ว 🏠' });
  });

  it('answers 413 to an oversized body, 400 to malformed JSON, and 200 to the console verify call', async () => {
    const big = 'x'.repeat(1_100_000);
    await request(instance.url)
      .post('/webhook')
      .set('x-line-signature', signBody(big, TEST_SECRET))
      .send(big)
      .expect(413);
    const bad = '{"events": [';
    const res = await request(instance.url)
      .post('/webhook')
      .set('content-type', 'application/json')
      .set('x-line-signature', signBody(bad, TEST_SECRET))
      .send(bad)
      .expect(400);
    expect(res.body.error.code).toBe('malformed_json');
    const verify = webhookBody([]);
    await request(instance.url)
      .post('/webhook')
      .set('content-type', 'application/json')
      .set('x-line-signature', signBody(verify, TEST_SECRET))
      .send(verify)
      .expect(200);
  });

  it('stores the event before answering, and answers while processing is still slow', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = await startInstance({
      uri: testDatabaseServer().uri,
      dbName: uniqueDbName('slow'),
      emulator,
      handler: async (context) => {
        await gate;
        return echo(context);
      },
      instanceId: 'slow',
    });
    try {
      const userId = newUserId();
      const event = buildEvent.text({ userId, text: 'slow' });
      expect((await postWebhook(slow.webhookUrl, TEST_SECRET, [event])).status).toBe(200);
      const stored = await slow.models.InboundEvent.findById(event.webhookEventId).lean();
      expect(stored).toMatchObject({ chatKey: `user:${userId}` });
      expect(await isDone(slow.models, event.webhookEventId)).toBe(false);
      release();
      expect(await eventually(() => isDone(slow.models, event.webhookEventId), Boolean)).toBe(true);
    } finally {
      release();
      await slow.database.connection.dropDatabase();
      await slow.stop();
    }
  });

  it('applies a redelivered or duplicated event once and answers it once', async () => {
    const userId = newUserId();
    const event = buildEvent.text({ userId, text: 'once', replyToken: emulator.issueReplyToken(userId) });
    const redelivered = { ...event, deliveryContext: { isRedelivery: true } };
    const results = await Promise.all([
      postWebhook(instance.webhookUrl, TEST_SECRET, [event]),
      postWebhook(instance.webhookUrl, TEST_SECRET, [event]),
      postWebhook(instance.webhookUrl, TEST_SECRET, [redelivered]),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await emulator.waitForMessages({ userId, count: 1 });
    await instance.processor.idle();
    expect(emulator.sentMessages(userId).map((m) => [m.via, m.message])).toEqual([
      ['reply', { type: 'text', text: 'echo:once' }],
    ]);
    expect(await instance.models.InboundEvent.countDocuments({ userId })).toBe(1);
    const chat = await instance.models.Chat.findById(`user:${userId}`).lean();
    expect(chat?.state).toEqual({ seen: ['once'] });
    // Its answer was stored and sent before the commit; the chat keeps no outbox.
    expect(chat).not.toHaveProperty('outbox');
    expect(await instance.models.OutboundMessage.countDocuments({ to: userId, status: 'sent' })).toBe(1);
    expect(chat?.appliedEventIds).toEqual([event.webhookEventId]);
  });

  it('processes a chat in timestamp order even when events arrive out of order', async () => {
    const userId = newUserId();
    const t = Date.now();
    const events = [3, 1, 2].map((n) => buildEvent.text({ userId, text: `m${n}`, timestamp: t + n }));
    expect((await postWebhook(instance.webhookUrl, TEST_SECRET, events)).status).toBe(200);
    const chat = await eventually(
      () => instance.models.Chat.findById(`user:${userId}`).lean(),
      (doc) => ((doc?.state as { seen?: string[] })?.seen ?? []).length === 3,
    );
    expect(chat?.state).toEqual({ seen: ['m1', 'm2', 'm3'] });
  });

  it('ignores an event of a type it does not know without failing', async () => {
    const userId = newUserId();
    const future = {
      type: 'somethingNew',
      timestamp: Date.now(),
      mode: 'active',
      webhookEventId: `future-${userId}`,
      source: { type: 'user', userId },
      deliveryContext: { isRedelivery: false },
    };
    expect((await postWebhook(instance.webhookUrl, TEST_SECRET, [future])).status).toBe(200);
    expect(await eventually(() => isDone(instance.models, `future-${userId}`), Boolean)).toBe(true);
    expect(await instance.models.InboundEvent.findById(`future-${userId}`).lean()).not.toHaveProperty(
      'status',
    );
  });

  it('keeps and answers the readable events of a batch that also carries unreadable ones', async () => {
    const userId = newUserId();
    const text = buildEvent.text({ userId, text: 'still here' });
    const observer = { ...buildEvent.text({ userId, text: 'new mode' }), mode: 'observer' };
    const stringTime = { ...buildEvent.text({ userId, text: 'odd' }), timestamp: String(Date.now()) };
    const before = (await request(instance.url).get('/healthz')).body.webhook.unreadableEvents as number;
    const result = await postWebhook(instance.webhookUrl, TEST_SECRET, [text, observer, stringTime]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ accepted: 2, unreadable: 1 });
    const textId = (text as { webhookEventId: string }).webhookEventId;
    expect(await eventually(() => isDone(instance.models, textId), Boolean)).toBe(true);
    await emulator.waitForMessages({ userId, count: 2 });
    expect(emulator.sentMessages(userId).map((m) => m.message)).toContainEqual({
      type: 'text',
      text: 'echo:still here',
    });
    const health = (await request(instance.url).get('/healthz')).body;
    expect(health.webhook.unreadableEvents).toBe(before + 1);
    const notAWebhook = '{"destination":"x"}';
    const refused = await request(instance.url)
      .post('/webhook')
      .set('content-type', 'application/json')
      .set('x-line-signature', signBody(notAWebhook, TEST_SECRET))
      .send(notAWebhook);
    expect(refused.status).toBe(400);
  });

  it('carries the events of concurrent requests in shared writes, each answered for its own events', async () => {
    const users = Array.from({ length: 20 }, () => newUserId());
    const events = users.map((userId) => buildEvent.text({ userId, text: 'together' }));
    const results = await Promise.all(
      events.map((event) => postWebhook(instance.webhookUrl, TEST_SECRET, [event])),
    );
    expect(results.map((r) => [r.status, JSON.parse(r.body) as unknown])).toEqual(
      users.map(() => [200, { accepted: 1, duplicates: 0 }]),
    );
    await eventually(
      async () =>
        (await Promise.all(events.map((event) => isDone(instance.models, event.webhookEventId)))).every(
          Boolean,
        ),
      Boolean,
    );
    // The queue holds only work still to do.
    expect(
      await instance.models.QueuedEvent.countDocuments({ chatKey: { $in: users.map((u) => `user:${u}`) } }),
    ).toBe(0);
  });

  it('takes a redelivered event whose first request died between queueing it and storing it', async () => {
    const userId = newUserId();
    const event = buildEvent.text({ userId, text: 'after crash' });
    // What a crash between the two writes of an acceptance leaves: a queue entry, no record, no 200.
    await instance.models.QueuedEvent.create({
      _id: event.webhookEventId,
      chatKey: `user:${userId}`,
      timestamp: event.timestamp,
      attempts: 0,
      nextAttemptAt: new Date(),
    });
    const redelivered = { ...event, deliveryContext: { isRedelivery: true } };
    const answer = await postWebhook(instance.webhookUrl, TEST_SECRET, [redelivered]);
    expect(JSON.parse(answer.body)).toEqual({ accepted: 1, duplicates: 0 });
    const chat = await eventually(
      () => instance.models.Chat.findById(`user:${userId}`).lean(),
      (doc) => ((doc?.state as { seen?: string[] })?.seen ?? []).length === 1,
    );
    expect(chat?.state).toEqual({ seen: ['after crash'] });
  });

  it('drops a queue entry whose record never came, after a minute, and goes on with the chat', async () => {
    const userId = newUserId();
    const t = Date.now();
    await instance.models.QueuedEvent.create({
      _id: `orphan-${userId}`,
      chatKey: `user:${userId}`,
      timestamp: t - 1,
      attempts: 0,
      nextAttemptAt: new Date(t - 61_000),
    });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [
      buildEvent.text({ userId, text: 'next', timestamp: t }),
    ]);
    const chat = await eventually(
      () => instance.models.Chat.findById(`user:${userId}`).lean(),
      (doc) => ((doc?.state as { seen?: string[] })?.seen ?? []).length === 1,
    );
    expect(chat?.state).toEqual({ seen: ['next'] });
    expect(await instance.models.QueuedEvent.findById(`orphan-${userId}`).lean()).toBeNull();
  });

  it('does not requeue a duplicate of an event already processed', async () => {
    const userId = newUserId();
    const event = buildEvent.text({ userId, text: 'once only' });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [event]);
    await eventually(() => isDone(instance.models, event.webhookEventId), Boolean);
    const again = await postWebhook(instance.webhookUrl, TEST_SECRET, [event]);
    expect(JSON.parse(again.body)).toEqual({ accepted: 0, duplicates: 1 });
    expect(await instance.models.QueuedEvent.findById(event.webhookEventId).lean()).toBeNull();
  });

  it("drops a redelivery's queue entry for an event already done, even past the chat's recent ids", async () => {
    const userId = newUserId();
    const event = buildEvent.text({ userId, text: 'only once' });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [event]);
    expect(await eventually(() => isDone(instance.models, event.webhookEventId), Boolean)).toBe(true);
    await instance.processor.idle();
    const answered = emulator.sentMessages(userId).length;
    // As if a hundred later events had pushed it out of the chat's recent ids, and another
    // instance took a redelivery's entry before the request that queued it could remove it.
    await instance.models.Chat.updateOne({ _id: `user:${userId}` }, { $set: { appliedEventIds: [] } });
    await instance.models.QueuedEvent.create({
      _id: event.webhookEventId,
      chatKey: `user:${userId}`,
      timestamp: event.timestamp,
      attempts: 0,
      nextAttemptAt: new Date(),
      receivedAt: new Date(Date.now() + 1000),
    });
    instance.processor.kick([`user:${userId}`]);
    await eventually(
      () => instance.models.QueuedEvent.exists({ _id: event.webhookEventId }),
      (x) => x === null,
    );
    await instance.processor.idle();
    expect(emulator.sentMessages(userId)).toHaveLength(answered);
    const chat = await instance.models.Chat.findById(`user:${userId}`).lean();
    expect((chat?.state as { seen?: string[] }).seen).toEqual(['only once']);
  });

  it('purges the records of events received more than the retention period ago, and only those', async () => {
    const userId = newUserId();
    const event = buildEvent.text({ userId, text: 'kept for a week' });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [event]);
    expect(await eventually(() => isDone(instance.models, event.webhookEventId), Boolean)).toBe(true);
    const receivedAt = (await instance.models.InboundEvent.findById(event.webhookEventId).lean())!.receivedAt;
    await purgeProcessedEvents(instance.models, new Date(receivedAt.getTime() - 1));
    expect(await instance.models.InboundEvent.exists({ _id: event.webhookEventId })).not.toBeNull();
    await purgeProcessedEvents(instance.models, new Date(receivedAt.getTime() + 1));
    expect(await instance.models.InboundEvent.exists({ _id: event.webhookEventId })).toBeNull();
  });

  it('never sends an answer again after its record was purged (retention, erasure)', async () => {
    const userId = newUserId();
    await postWebhook(instance.webhookUrl, TEST_SECRET, [
      buildEvent.text({ userId, text: 'old', replyToken: emulator.issueReplyToken(userId) }),
    ]);
    await emulator.waitForMessages({ userId, count: 1 });
    await instance.processor.idle();
    await instance.models.OutboundMessage.deleteMany({ to: userId });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [
      buildEvent.text({ userId, text: 'new', replyToken: emulator.issueReplyToken(userId) }),
    ]);
    await emulator.waitForMessages({ userId, count: 2 });
    await instance.processor.idle();
    expect(emulator.sentMessages(userId).map((m) => [m.via, m.message])).toEqual([
      ['reply', { type: 'text', text: 'echo:old' }],
      ['reply', { type: 'text', text: 'echo:new' }],
    ]);
  });

  it('answers other users while one chat with a thousand queued events is leased elsewhere', async () => {
    const busy = `user:${newUserId()}`;
    const t0 = Date.now() - 60_000;
    const at = new Date();
    const entries = Array.from({ length: 1000 }, (_, n) => ({
      _id: `busy-${busy}-${n}`,
      chatKey: busy,
      timestamp: t0 + n,
      attempts: 0,
      nextAttemptAt: at,
    }));
    // The lease goes in before the entries: otherwise this instance's processor may lease the chat first.
    await instance.models.Chat.create({
      _id: busy,
      leaseOwner: 'other-instance',
      leaseUntil: new Date(Date.now() + 60_000),
    });
    await instance.models.QueuedEvent.collection.insertMany(entries as never);
    try {
      const userId = newUserId();
      await postWebhook(instance.webhookUrl, TEST_SECRET, [
        buildEvent.text({ userId, text: 'hello', replyToken: emulator.issueReplyToken(userId) }),
      ]);
      const [answer] = await emulator.waitForMessages({ userId, count: 1 });
      expect(answer?.message).toEqual({ type: 'text', text: 'echo:hello' });
    } finally {
      await instance.models.QueuedEvent.deleteMany({ chatKey: busy });
      await instance.models.Chat.deleteOne({ _id: busy });
    }
  });

  it('answers "overloaded" instead of queueing without bound while the database is slow', async () => {
    const accept = createEventAcceptor(instance.models, () => new Date(), { maxWaiting: 1 });
    const one = () => [buildEvent.text({ userId: newUserId(), text: 'x' })];
    // The first is being written, the second waits for the next write, the third finds no room.
    const results = await Promise.all([accept(one()), accept(one()), accept(one())]);
    expect(results.map((r) => (r === 'overloaded' ? r : r.accepted))).toEqual([1, 1, 'overloaded']);
  });
});
