import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedFerretDb, type DatabaseServer } from '../../src/db/server-resolver';
import type { EventHandler } from '../../src/ingestion/event-handler';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { buildEvent, newUserId, postWebhook } from '../../src/line-emulator/webhook-client';
import { eventually, isDone, startInstance, TEST_SECRET, type Instance } from '../helpers/ingestion';

const echo: EventHandler = async (context) => ({
  state: {},
  outbox: [
    {
      id: `${context.eventId}:reply`,
      to: context.event.source?.userId ?? '',
      purpose: 'test',
      eventId: context.eventId,
      messages: [{ type: 'text', text: 'echo' }],
      replyToken: context.replyToken,
      replyTokenExpiresAt: context.replyTokenExpiresAt,
    },
  ],
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The reply goes out before its record is stored (sender.sendAll): a database that goes away in
 * between must not make the answer go out twice once it is back.
 */
describe('the database goes away between a reply and its record', () => {
  const dataDir = '.data/test';
  const dir = mkdtempSync(path.join(path.resolve(dataDir), 'outage-reply-'));
  let server: DatabaseServer & { port: number };
  let emulator: LineEmulator;
  let instance: Instance | undefined;

  afterAll(async () => {
    await instance?.stop();
    await emulator?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the record once the database is back, and the person gets the answer once', async () => {
    server = await startEmbeddedFerretDb({ dataDir, persistent: true, dir });
    emulator = await startLineEmulator();
    instance = await startInstance({
      uri: server.uri,
      dbName: 'outage-reply',
      emulator,
      handler: echo,
      instanceId: 'i0',
      processor: { leaseMs: 3000, pollMs: 100 },
      lineTimeoutMs: 10_000,
    });
    const userId = newUserId();
    const event = buildEvent.text({ userId, text: 'hello', replyToken: emulator.issueReplyToken(userId) });
    // LINE takes a while with the reply: the database stops meanwhile.
    emulator.injectFault({ method: 'POST', path: '/v2/bot/message/reply', delayMs: 4000 });
    await postWebhook(instance.webhookUrl, TEST_SECRET, [event]);
    await eventually(
      async () => emulator.calls().some((call) => call.path === '/v2/bot/message/reply'),
      Boolean,
    );
    await server.stop();
    await emulator.waitForMessages({ userId, count: 1 });
    // Longer than the driver waits for a server (5 s) and retries a write: storing the record fails.
    await sleep(11_000);
    server = await startEmbeddedFerretDb({ dataDir, persistent: true, dir, port: server.port });

    expect(await eventually(() => isDone(instance!.models, event.webhookEventId), Boolean, 600)).toBe(true);
    await instance.processor.idle();
    expect(emulator.sentMessages(userId)).toMatchObject([{ via: 'reply', message: { text: 'echo' } }]);
    const record = await instance.models.OutboundMessage.findById(`${event.webhookEventId}:reply`).lean();
    expect(record).toMatchObject({ status: 'sent', chunks: [{ via: 'reply', status: 'sent' }] });
  }, 90_000);
});
