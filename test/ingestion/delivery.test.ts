import { randomUUID } from 'node:crypto';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { buildEvent, newUserId, postWebhook } from '../../src/line-emulator/webhook-client';
import type { EventHandler } from '../../src/ingestion/event-handler';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';
import { eventually, isDone, startInstance, TEST_SECRET, type Instance } from '../helpers/ingestion';

const textOf = (context: Parameters<EventHandler>[0]) =>
  (context.event as { message?: { text?: string } }).message?.text ?? context.event.type;

/** Replies "echo:<text>" and keeps what it saw in the chat state. */
const echo: EventHandler = async (context) => {
  const text = textOf(context);
  return {
    state: { seen: [...((context.state.seen as string[] | undefined) ?? []), text] },
    outbox: [
      {
        id: `${context.eventId}:reply`,
        to: context.event.source?.userId ?? '',
        purpose: 'test',
        eventId: context.eventId,
        messages: [{ type: 'text', text: `echo:${text}` }],
        replyToken: context.replyToken,
        replyTokenExpiresAt: context.replyTokenExpiresAt,
      },
    ],
  };
};

describe('processing and delivery', () => {
  let emulator: LineEmulator;
  const instances: Instance[] = [];
  const dbName = uniqueDbName('delivery');

  const start = async (options: Partial<Parameters<typeof startInstance>[0]> = {}) => {
    const instance = await startInstance({
      uri: testDatabaseServer().uri,
      dbName: options.dbName ?? dbName,
      emulator,
      handler: echo,
      instanceId: `i${instances.length}`,
      ...options,
    });
    instances.push(instance);
    return instance;
  };

  beforeAll(async () => {
    emulator = await startLineEmulator();
  });
  afterEach(() => emulator.reset());
  afterAll(async () => {
    for (const instance of instances)
      await instance.database.connection.dropDatabase().catch(() => undefined);
    for (const instance of instances) await instance.stop();
    await emulator.stop();
  });

  it('keeps one user in order and loses nothing when two instances race on the same database', async () => {
    const [a, b] = [await start(), await start()];
    const userId = newUserId();
    const t = Date.now();
    for (let n = 0; n < 12; n++) {
      const target = n % 2 === 0 ? a : b;
      const event = buildEvent.text({
        userId,
        text: `m${n}`,
        timestamp: t + n,
        replyToken: emulator.issueReplyToken(userId),
      });
      expect((await postWebhook(target.webhookUrl, TEST_SECRET, [event])).status).toBe(200);
    }
    const sent = await emulator.waitForMessages({ userId, count: 12, timeoutMs: 20_000 });
    const expected = Array.from({ length: 12 }, (_, n) => `echo:m${n}`);
    expect(sent.map((m) => (m.message as { text: string }).text)).toEqual(expected);
    // Answers go out just before their state is committed.
    const chat = await eventually(
      () => a.models.Chat.findById(`user:${userId}`).lean(),
      (doc) => ((doc?.state as { seen?: string[] })?.seen ?? []).length >= 12,
    );
    expect(chat?.state).toEqual({ seen: expected.map((text) => text.slice(5)) });
  });

  it('applies every event exactly once when batches hit both instances at the same moment', async () => {
    const [a, b] = [instances[0]!, instances[1]!];
    const userId = newUserId();
    const t = Date.now();
    const events = Array.from({ length: 16 }, (_, n) =>
      buildEvent.text({ userId, text: `c${n}`, timestamp: t + n }),
    );
    const results = await Promise.all(
      events.map((event, n) => postWebhook((n % 2 ? a : b).webhookUrl, TEST_SECRET, [event])),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    await emulator.waitForMessages({ userId, count: 16, timeoutMs: 20_000 });
    const chat = await eventually(
      () => a.models.Chat.findById(`user:${userId}`).lean(),
      (doc) => ((doc?.state as { seen?: string[] })?.seen ?? []).length >= 16,
    );
    const seen = (chat?.state as { seen: string[] }).seen;
    expect([...seen].sort()).toEqual(events.map((_, n) => `c${n}`).sort());
    expect(emulator.sentMessages(userId)).toHaveLength(16);
  });

  it('finishes an event whose instance died mid-way once its lease expires', async () => {
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    const crashDb = uniqueDbName('crash');
    const dying = await start({
      dbName: crashDb,
      handler: async (context) => {
        await blocked; // the process "dies" here: it never commits
        return echo(context);
      },
      processor: { leaseMs: 400, pollMs: 100 },
    });
    const userId = newUserId();
    const event = buildEvent.text({ userId, text: 'survive' });
    await postWebhook(dying.webhookUrl, TEST_SECRET, [event]);
    // The dying instance holds the chat and is stuck in the handler.
    const chat = await eventually(
      () => dying.models.Chat.findById(`user:${userId}`).lean(),
      (held) => Boolean(held?.leaseOwner),
    );
    expect(chat?.leaseOwner).toBeTruthy();

    await start({ dbName: crashDb, processor: { leaseMs: 400, pollMs: 100 } });
    const [sent] = await emulator.waitForMessages({ userId, count: 1, timeoutMs: 20_000 });
    expect(sent?.message).toEqual({ type: 'text', text: 'echo:survive' });
    unblock();
    await dying.processor.idle();
    // The new holder sends the answer, then marks the event done.
    expect(await eventually(() => isDone(dying.models, event.webhookEventId), Boolean)).toBe(true);
    expect(emulator.sentMessages(userId)).toHaveLength(1);
  });

  it('falls back to a push with a retry key when the reply token has expired', async () => {
    const instance = instances[0]!;
    const userId = newUserId();
    const token = emulator.issueReplyToken(userId);
    emulator.expireReplyToken(token);
    await postWebhook(instance.webhookUrl, TEST_SECRET, [
      buildEvent.text({ userId, text: 'late', replyToken: token }),
    ]);
    const [sent] = await emulator.waitForMessages({ userId, count: 1 });
    expect(sent).toMatchObject({ via: 'push', message: { type: 'text', text: 'echo:late' } });
    expect(sent?.retryKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replies first and stores the answer once, with its outcome; a failed reply falls back to a push in order', async () => {
    const instance = await start({ dbName: uniqueDbName('replyfirst') });
    const userId = newUserId();
    const [first, second] = [emulator.issueReplyToken(userId), emulator.issueReplyToken(userId)];
    emulator.injectFault({ method: 'POST', path: '/v2/bot/message/reply', status: 500 });
    const now = Date.now();
    const events = [
      buildEvent.text({ userId, text: 'one', replyToken: first, timestamp: now }),
      buildEvent.text({ userId, text: 'two', replyToken: second, timestamp: now + 1 }),
    ];
    await postWebhook(instance.webhookUrl, TEST_SECRET, events);
    const sent = await emulator.waitForMessages({ userId, count: 2 });
    // The first reply failed (its token may be spent): pushed with a retry key, before the second reply.
    expect(sent).toMatchObject([
      { via: 'push', message: { text: 'echo:one' } },
      { via: 'reply', message: { text: 'echo:two' } },
    ]);
    const stored = await eventually(
      () => instance.models.OutboundMessage.find({ to: userId }).sort({ _id: 1 }).lean(),
      (docs) => docs.length === 2 && docs.every((doc) => doc.status === 'sent'),
    );
    expect(stored.map((doc) => doc.chunks[0]?.via).sort()).toEqual(['push', 'reply']);
    expect(stored.every((doc) => !doc.claimOwner)).toBe(true);

    // A lone event with a fresh token: replied, then stored once as sent.
    const third = emulator.issueReplyToken(userId);
    await postWebhook(instance.webhookUrl, TEST_SECRET, [
      buildEvent.text({ userId, text: 'three', replyToken: third }),
    ]);
    await emulator.waitForMessages({ userId, count: 3 });
    const answer = await eventually(
      () => instance.models.OutboundMessage.findOne({ to: userId, 'messages.text': 'echo:three' }).lean(),
      Boolean,
    );
    expect(answer).toMatchObject({ status: 'sent', replyAttempted: true, attempts: 1 });
    expect(answer?.chunks).toMatchObject([{ status: 'sent', via: 'reply' }]);
  });

  it('answers an event of a known chat in seven database commands, its reply stored once after the call', async () => {
    const instance = await start({
      dbName: uniqueDbName('commands'),
      monitorCommands: true,
      processor: { pollMs: 600_000 },
    });
    const userId = newUserId();
    let answers = 0;
    const say = async (text: string) => {
      const event = buildEvent.text({ userId, text, replyToken: emulator.issueReplyToken(userId) });
      await postWebhook(instance.webhookUrl, TEST_SECRET, [event]);
      // Waiting without a query of our own: every command counted is the event path's.
      await emulator.waitForMessages({ userId, count: ++answers });
      await instance.processor.idle();
    };
    await say('first');
    const before = instance.database.commandCounts();
    await say('second');
    const after = instance.database.commandCounts();
    const used: Record<string, number> = {};
    for (const [name, n] of Object.entries(after))
      if (n > (before[name] ?? 0)) used[name] = n - (before[name] ?? 0);
    expect(used).toEqual({
      'insert event_queue': 1,
      'insert inbound_events': 1,
      'find event_queue': 1,
      'findAndModify chats': 1,
      'insert outbound_messages': 1,
      'update chats': 1,
      'delete event_queue': 1,
    });
  });

  it('does not reply again after its answer went out and the commit failed: the next run is not a first try', async () => {
    let runs = 0;
    const instance = await start({
      dbName: uniqueDbName('commitfails'),
      // The first run's state cannot be stored (over BSON's 16 MB): its commit fails after the answer went.
      handler: async (context) => {
        const result = await echo(context);
        return ++runs === 1 ? { ...result, state: { blob: 'x'.repeat(17 * 1024 * 1024) } } : result;
      },
    });
    const userId = newUserId();
    // The reply fails without spending the token: the answer is pushed instead.
    emulator.injectFault({ method: 'POST', path: '/v2/bot/message/reply', status: 500 });
    const event = buildEvent.text({ userId, text: 'once', replyToken: emulator.issueReplyToken(userId) });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [event]);
    expect(await eventually(() => isDone(instance.models, event.webhookEventId), Boolean)).toBe(true);
    await instance.processor.idle();
    expect(runs).toBe(2);
    // Only the push: a second run taken for a first try would have replied with the unspent token.
    expect(emulator.sentMessages(userId)).toMatchObject([{ via: 'push', message: { text: 'echo:once' } }]);
  });

  it('never replies twice with one token: a batch stored just before its instance died is pushed', async () => {
    const instance = await start({ dbName: uniqueDbName('crashedsend') });
    const userId = newUserId();
    const token = emulator.issueReplyToken(userId);
    // What sender.send leaves when the process dies between its insert and the reply call.
    await instance.models.OutboundMessage.create({
      _id: `crashed-${userId}`,
      to: userId,
      purpose: 'test',
      messages: [{ type: 'text', text: 'after a crash' }],
      replyToken: token,
      replyTokenExpiresAt: new Date(Date.now() + 40_000),
      replyAttempted: true,
      chunks: [{ index: 0, retryKey: randomUUID(), status: 'pending', attempts: 0 }],
      status: 'pending',
      attempts: 1,
      nextAttemptAt: new Date(),
      claimOwner: 'dead-instance',
      claimUntil: new Date(Date.now() - 1),
      createdAt: new Date(),
    });
    expect(await instance.sender.deliver(`crashed-${userId}`)).toBe('sent');
    expect(emulator.sentMessages(userId)).toMatchObject([
      { via: 'push', message: { type: 'text', text: 'after a crash' } },
    ]);
  });

  it('retries 5xx and timeouts with the same retry key and delivers once', async () => {
    const instance = await start({ lineTimeoutMs: 300 });
    const userId = newUserId();
    emulator.injectFault({ method: 'POST', path: '/v2/bot/message/push', hang: true });
    // LINE did the work but the answer was lost: the retry gets 409, which counts as delivered.
    emulator.injectFault({ method: 'POST', path: '/v2/bot/message/push', status: 502, when: 'after' });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [buildEvent.text({ userId, text: 'flaky' })]);
    await emulator.waitForMessages({ userId, count: 1 });
    const outbound = await eventually(
      () => instance.models.OutboundMessage.findOne({ to: userId }).lean(),
      (doc) => doc?.status === 'sent',
    );
    expect(outbound?.status).toBe('sent');
    const pushes = emulator.calls().filter((call) => call.path === '/v2/bot/message/push');
    expect(pushes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pushes.map((call) => call.retryKey)).size).toBe(1);
    expect(emulator.sentMessages(userId)).toHaveLength(1);
  });

  it('backs off on 429 and delivers later with the same key; other 4xx are recorded, not retried', async () => {
    const instance = await start({ dbName: uniqueDbName('ratelimit') });
    const userId = newUserId();
    emulator.injectFault({ method: 'POST', path: '/v2/bot/message/push', status: 429 });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [buildEvent.text({ userId, text: 'busy' })]);
    const waiting = await eventually(
      () => instance.models.OutboundMessage.findOne({ to: userId }).lean(),
      (doc) => doc !== null && (doc.chunks[0]?.attempts ?? 0) >= 1 && doc.claimOwner === null,
    );
    expect(waiting).toMatchObject({ status: 'pending' });
    expect(waiting!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    await instance.models.OutboundMessage.updateOne(
      { _id: waiting!._id },
      { $set: { nextAttemptAt: new Date() } },
    );
    expect(await instance.sender.deliverDue()).toBe(1);
    expect(emulator.sentMessages(userId)).toHaveLength(1);
    const keys = emulator
      .calls()
      .filter((c) => c.path === '/v2/bot/message/push')
      .map((c) => c.retryKey);
    expect(new Set(keys).size).toBe(1);

    const other = newUserId();
    emulator.injectFault({
      method: 'POST',
      path: '/v2/bot/message/push',
      status: 400,
      body: { message: 'bad' },
    });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [buildEvent.text({ userId: other, text: 'bad' })]);
    const failed = await eventually(
      () => instance.models.OutboundMessage.findOne({ to: other }).lean(),
      (doc) => doc?.status === 'failed',
    );
    expect(failed?.chunks[0]).toMatchObject({ status: 'failed', lastError: '400: bad', attempts: 1 });
  });

  it('sets aside an event that keeps failing, apologises, and goes on with the next one', async () => {
    const instance = await start({
      dbName: uniqueDbName('setaside'),
      handler: async (context) => {
        if (textOf(context) === 'boom') throw new Error('handler bug');
        return echo(context);
      },
      processor: {
        maxAttempts: 2,
        apology: (context) => ({
          id: `${context.eventId}:apology`,
          to: context.event.source?.userId ?? '',
          purpose: 'apology',
          messages: [{ type: 'text', text: 'sorry' }],
        }),
      },
    });
    const userId = newUserId();
    const t = Date.now();
    await postWebhook(instance.webhookUrl, TEST_SECRET, [
      buildEvent.text({ userId, text: 'boom', timestamp: t }),
      buildEvent.text({ userId, text: 'after', timestamp: t + 1 }),
    ]);
    const sent = await emulator.waitForMessages({ userId, count: 2, timeoutMs: 20_000 });
    expect(sent.map((m) => (m.message as { text: string }).text)).toEqual(['sorry', 'echo:after']);
    const failed = await instance.models.InboundEvent.findOne({ userId, status: 'failed' }).lean();
    expect(failed?.lastError).toContain('handler bug');
  });
});
