import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { MongoClient } from 'mongodb';
import { solidPng } from '../../src/line-emulator';
import {
  buildEvent,
  newMessageId,
  newUserId,
  postWebhook,
  type WebhookEvent,
} from '../../src/line-emulator/webhook-client';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';

const ROOT = path.join(__dirname, '..', '..');
const SECRET = '0123456789abcdef0123456789abcdef';
const TOKEN = 'two-processes-channel-access-token';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

type Running = { child: ChildProcess; base: string; output: () => string; exited: Promise<unknown> };

async function startService(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  let gone = false;
  const exited = new Promise((resolve) => child.on('exit', resolve)).finally(() => (gone = true));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240 && !gone; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200)
      return { child, base, output: () => output, exited };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`service did not become ready:\n${output}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two real service processes on one database, as behind a load balancer: each user's follow goes
 * to one instance and their first message, 50 ms later, to the other. The welcome must come first.
 */
describe('two instances on one database', () => {
  let emulator: LineEmulator;
  let services: Running[] = [];
  let databaseUri = '';

  beforeAll(async () => {
    emulator = await startLineEmulator({ channelAccessToken: TOKEN });
    const uri = new URL(testDatabaseServer().uri);
    uri.pathname = `/${uniqueDbName('twoproc')}`;
    databaseUri = uri.toString();
    const env = {
      MONGODB_URI: uri.toString(),
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      LINE_API_BASE_URL: emulator.url,
      LINE_DATA_API_BASE_URL: emulator.url,
      PUBLIC_BASE_URL: 'https://needline.example.org',
      FOUNDATION_PHONE: '02 000 0000',
      PRIVACY_EMAIL: 'privacy@example.org',
      LOG_LEVEL: 'warn',
    };
    // One after the other: both would otherwise build the same indexes at once.
    services.push(
      await startService({ ...env, NEEDLINE_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'nl-a-')) }),
    );
    services.push(
      await startService({ ...env, NEEDLINE_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'nl-b-')) }),
    );
  }, 120_000);

  afterAll(async () => {
    for (const service of services) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    services = [];
    await emulator.stop();
  });

  it.each([50, 5])(
    'answers each chat in the order LINE sent its events: 300 users, follow and first message on different instances %i ms apart',
    async (gapMs) => {
      const [a, b] = services as [Running, Running];
      const users = Array.from({ length: 300 }, () => newUserId());
      const tokens = new Map<string, { follow: string; text: string }>();
      const sends: Promise<unknown>[] = [];
      for (const [i, userId] of users.entries()) {
        emulator.addUser({ userId, displayName: `User ${i}`, language: 'en' });
        const follow = emulator.issueReplyToken(userId);
        const text = emulator.issueReplyToken(userId);
        tokens.set(userId, { follow, text });
        const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
        sends.push(
          (async () => {
            const followed = postWebhook(`${first.base}/webhook`, SECRET, [
              buildEvent.follow({ userId, replyToken: follow }),
            ]);
            await sleep(gapMs);
            const wrote = postWebhook(`${second.base}/webhook`, SECRET, [
              buildEvent.text({ userId, text: 'my roof leaks', replyToken: text }),
            ]);
            const results = await Promise.all([followed, wrote]);
            if (results.some((result) => result.status !== 200))
              throw new Error(`webhook answered ${results.map((r) => r.status).join(', ')}`);
          })(),
        );
        await sleep(20);
      }
      await Promise.all(sends);

      const outcome = { lost: 0, doubled: 0, outOfOrder: 0 };
      for (const userId of users) {
        const { follow, text } = tokens.get(userId)!;
        // The follow is answered with two messages (welcome, consent question), the text with one or more.
        const sent = await emulator.waitForMessages({ userId, count: 3, timeoutMs: 60_000 }).catch(() => []);
        const firstFollow = sent.findIndex((message) => message.replyToken === follow);
        const firstText = sent.findIndex((message) => message.replyToken === text);
        if (firstFollow < 0 || firstText < 0) outcome.lost++;
        else if (firstText < firstFollow) outcome.outOfOrder++;
        if (sent.some((message) => message.via === 'push')) outcome.doubled++;
      }
      expect(outcome).toEqual({ lost: 0, doubled: 0, outOfOrder: 0 });
    },
    300_000,
  );

  it('keeps an image set of 5 photos in its index order when its events are spread over both instances', async () => {
    const [a, b] = services as [Running, Running];
    const userId = newUserId();
    emulator.addUser({ userId, displayName: 'Photo sender', language: 'en' });
    let clock = Date.now();
    const options = () => {
      clock = Math.max(Date.now(), clock + 5);
      return { userId, replyToken: emulator.issueReplyToken(userId), timestamp: clock };
    };
    // One step of the conversation on instance A; the step is over when the bot has answered.
    const step = async (event: WebhookEvent) => {
      const before = emulator.sentMessages(userId).length;
      expect((await postWebhook(`${a.base}/webhook`, SECRET, [event])).status).toBe(200);
      await emulator.waitForMessages({ userId, count: before + 1, timeoutMs: 20_000 });
    };
    await step(buildEvent.follow(options()));
    for (const data of [
      'a:language:en',
      'a:consent:agree',
      'a:sensitive:agree',
      'a:full:report',
      'a:category:roof',
    ])
      await step(buildEvent.postback({ ...options(), data }));
    await step(buildEvent.text({ ...options(), text: 'The roof leaks over the bedroom' }));

    // Five photos chosen together: LINE sends one event each, here with their timestamps in reverse
    // of their index and each to the other instance than the one before.
    const setId = `set-${newMessageId()}`;
    const sentAt = Date.now();
    const photos = [1, 2, 3, 4, 5].map((index) => {
      const messageId = newMessageId();
      emulator.addContent(messageId, {
        data: solidPng(40, 30, [index * 40, 80, 40]),
        contentType: 'image/png',
      });
      return {
        messageId,
        event: buildEvent.image({
          userId,
          replyToken: emulator.issueReplyToken(userId),
          timestamp: sentAt + (5 - index),
          messageId,
          imageSet: { id: setId, index, total: 5 },
        }),
      };
    });
    const results = await Promise.all(
      [...photos]
        .reverse()
        .map(({ event }, i) => postWebhook(`${(i % 2 === 0 ? a : b).base}/webhook`, SECRET, [event])),
    );
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200]);

    const client = await MongoClient.connect(databaseUri);
    try {
      const chats = client
        .db()
        .collection<{ _id: string; state?: { run?: { draft?: { photos?: string[] } } } }>('chats');
      let kept: string[] = [];
      for (let i = 0; i < 200 && kept.length < 5; i++) {
        kept = (await chats.findOne({ _id: `user:${userId}` }))?.state?.run?.draft?.photos ?? [];
        if (kept.length < 5) await sleep(100);
      }
      expect(kept).toEqual(photos.map(({ messageId }) => expect.stringContaining(messageId)));
    } finally {
      await client.close();
    }
  }, 120_000);
});
