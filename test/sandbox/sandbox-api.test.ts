import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createErrorSink } from '../../src/errors';
import { solidPng, startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { signBody } from '../../src/line-emulator/webhook-client';
import { sandboxRouter, SANDBOX_BOT_USER_ID } from '../../src/sandbox/router';
import { SANDBOX_USERS } from '../../src/sandbox/users';
import { testLogger } from '../helpers/logger';

// Parsed LINE event JSON, inspected field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventJson = any;

const SECRET = '0123456789abcdef0123456789abcdef';
const [thai, hmong] = SANDBOX_USERS;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

type Received = {
  body: string;
  signature: string | undefined;
  parsed: { destination: string; events: EventJson[] };
};

/** Stands in for NeedLine's webhook: records the exact bytes and answers with `status`. */
async function startWebhookStandIn() {
  const received: Received[] = [];
  let status = 200;
  const app = express();
  app.post('/webhook', express.raw({ type: '*/*' }), (req, res) => {
    const body = (req.body as Buffer).toString('utf8');
    received.push({ body, signature: req.header('x-line-signature'), parsed: JSON.parse(body) });
    res.status(status).json({});
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    received,
    answerWith(next: number) {
      status = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('sandbox API', () => {
  let emulator: LineEmulator;
  let webhook: Awaited<ReturnType<typeof startWebhookStandIn>>;
  let app: express.Express;

  beforeAll(async () => {
    emulator = await startLineEmulator();
    webhook = await startWebhookStandIn();
    app = createApp({
      logger: testLogger,
      reportError: createErrorSink(testLogger),
      isReady: async () => true,
      routers: [
        sandboxRouter({ emulator, channelSecret: SECRET, webhookUrl: () => webhook.url, logger: testLogger }),
      ],
    });
  });
  afterAll(async () => {
    await webhook.close();
    await emulator.stop();
  });
  beforeEach(() => {
    webhook.received.length = 0;
    webhook.answerWith(200);
  });

  const post = (userId: string, action: Record<string, unknown>) =>
    request(app).post('/sandbox/api/events').send({ userId, action });

  it('delivers a text as a LINE event signed over the exact bytes, with a reply token the emulator honours', async () => {
    const res = await post(thai!.userId, { type: 'text', text: 'สวัสดีค่ะ 🏠' }).expect(200);
    expect(res.body).toMatchObject({ delivered: true, webhookStatus: 200 });

    expect(webhook.received).toHaveLength(1);
    const [call] = webhook.received;
    expect(call!.signature).toBe(signBody(call!.body, SECRET));
    expect(call!.signature).not.toBe(signBody(call!.body, 'f'.repeat(32)));
    // LINE escapes emoji as surrogate pairs; the signature covers those bytes.
    expect(call!.body).toContain('\\ud83c\\udfe0');
    expect(call!.parsed.destination).toBe(SANDBOX_BOT_USER_ID);
    const [event] = call!.parsed.events;
    expect(event).toMatchObject({
      type: 'message',
      mode: 'active',
      source: { type: 'user', userId: thai!.userId },
      deliveryContext: { isRedelivery: false },
      message: { type: 'text', text: 'สวัสดีค่ะ 🏠' },
    });
    expect(event.webhookEventId).toMatch(ULID);
    expect(event.webhookEventId).toBe(res.body.webhookEventId);
    expect(typeof event.timestamp).toBe('number');
    expect(event.message.id).toMatch(/^\d+$/);

    const reply = await fetch(`${emulator.url}/v2/bot/message/reply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.channelAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ replyToken: event.replyToken, messages: [{ type: 'text', text: 'hello' }] }),
    });
    expect(reply.status).toBe(200);
  });

  it('gives every event a fresh reply token and event id', async () => {
    await post(thai!.userId, { type: 'text', text: 'one' }).expect(200);
    await post(thai!.userId, { type: 'text', text: 'two' }).expect(200);
    const [a, b] = webhook.received.map((call) => call.parsed.events[0]);
    expect(a.replyToken).not.toBe(b.replyToken);
    expect(a.webhookEventId).not.toBe(b.webhookEventId);
  });

  it('stores uploaded photos in the emulator and sends one image event each, sharing an imageSet', async () => {
    const photos = [solidPng(4, 4, [255, 0, 0]), solidPng(5, 5, [0, 255, 0]), solidPng(6, 6, [0, 0, 255])];
    let upload = request(app).post('/sandbox/api/photos').field('userId', hmong!.userId);
    for (const [i, photo] of photos.entries())
      upload = upload.attach('photos', photo, { filename: `p${i}.png`, contentType: 'image/png' });
    const res = await upload.expect(200);
    expect(res.body.delivered).toBe(true);

    const events = webhook.received.map((call) => call.parsed.events[0]);
    expect(events).toHaveLength(3);
    const setId = events[0].message.imageSet.id;
    for (const [i, event] of events.entries()) {
      expect(event).toMatchObject({
        type: 'message',
        source: { userId: hmong!.userId },
        message: {
          type: 'image',
          contentProvider: { type: 'line' },
          imageSet: { id: setId, index: i + 1, total: 3 },
        },
      });
      expect(webhook.received[i]!.signature).toBe(signBody(webhook.received[i]!.body, SECRET));
      const content = await fetch(`${emulator.url}/v2/bot/message/${event.message.id}/content`, {
        headers: { authorization: `Bearer ${emulator.channelAccessToken}` },
      });
      expect(content.status).toBe(200);
      expect(content.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await content.arrayBuffer()).equals(photos[i]!)).toBe(true);
    }
    // The page shows the person's own photo from the same store.
    const shown = await request(app).get(`/sandbox/api/content/${events[1].message.id}`).expect(200);
    expect(Buffer.from(shown.body).equals(photos[1]!)).toBe(true);
  });

  it('sends a single photo without an imageSet and refuses what is not a photo', async () => {
    await request(app)
      .post('/sandbox/api/photos')
      .field('userId', hmong!.userId)
      .attach('photos', solidPng(3, 3), { filename: 'one.png', contentType: 'image/png' })
      .expect(200);
    expect(webhook.received[0]!.parsed.events[0].message.imageSet).toBeUndefined();

    webhook.received.length = 0;
    await request(app)
      .post('/sandbox/api/photos')
      .field('userId', hmong!.userId)
      .attach('photos', Buffer.from('MZ'), { filename: 'x.exe', contentType: 'application/octet-stream' })
      .expect(400);
    expect(webhook.received).toHaveLength(0);
  });

  it('delivers a shared location', async () => {
    await post(hmong!.userId, {
      type: 'location',
      latitude: 16.6436,
      longitude: 101.1307,
      title: 'Khao Kho',
      address: 'Phetchabun',
    }).expect(200);
    const [event] = webhook.received[0]!.parsed.events;
    expect(event.message).toMatchObject({
      type: 'location',
      latitude: 16.6436,
      longitude: 101.1307,
      title: 'Khao Kho',
      address: 'Phetchabun',
    });
    await post(hmong!.userId, { type: 'location', latitude: 91, longitude: 0 }).expect(400);
  });

  it('delivers postbacks with datetime-picker params, and stickers', async () => {
    await post(thai!.userId, { type: 'postback', data: 'visit=pick', params: { date: '2026-12-05' } }).expect(
      200,
    );
    await post(thai!.userId, { type: 'sticker', packageId: '446', stickerId: '1988' }).expect(200);
    const [postback, sticker] = webhook.received.map((call) => call.parsed.events[0]);
    expect(postback).toMatchObject({
      type: 'postback',
      postback: { data: 'visit=pick', params: { date: '2026-12-05' } },
    });
    expect(postback.replyToken).toBeDefined();
    expect(sticker.message).toMatchObject({ type: 'sticker', packageId: '446', stickerId: '1988' });
  });

  it('follows, blocks (no reply token; the emulator stops delivering) and unblocks', async () => {
    const user = SANDBOX_USERS[2]!;
    await post(user.userId, { type: 'follow' }).expect(200);
    const blocked = await post(user.userId, { type: 'unfollow' }).expect(200);
    expect(blocked.body.friendship).toBe('blocked');
    const push = await fetch(`${emulator.url}/v2/bot/message/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.channelAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: user.userId, messages: [{ type: 'text', text: 'while blocked' }] }),
    });
    expect(push.status).toBe(200);
    const log = await request(app).get('/sandbox/api/messages').query({ userId: user.userId }).expect(200);
    expect(JSON.stringify(log.body.items)).not.toContain('while blocked');
    await post(user.userId, { type: 'follow' }).expect(200);
    const [follow, unfollow, refollow] = webhook.received.map((call) => call.parsed.events[0]);
    expect(follow).toMatchObject({ type: 'follow', follow: { isUnblocked: false } });
    expect(unfollow.type).toBe('unfollow');
    expect(unfollow.replyToken).toBeUndefined();
    expect(refollow).toMatchObject({ type: 'follow', follow: { isUnblocked: true } });
    const users = await request(app).get('/sandbox/api/users').expect(200);
    expect(users.body.users.find((u: { userId: string }) => u.userId === user.userId).friendship).toBe(
      'friend',
    );
  });

  it('returns the conversation: what the person sent and what the emulator accepted, after a cursor', async () => {
    const user = SANDBOX_USERS[3]!;
    await post(user.userId, { type: 'text', text: 'hello' }).expect(200);
    const [event] = webhook.received[0]!.parsed.events;
    const reply = await fetch(`${emulator.url}/v2/bot/message/reply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.channelAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        replyToken: event.replyToken,
        messages: [
          {
            type: 'text',
            text: 'How can we help?',
            quickReply: {
              items: [{ type: 'action', action: { type: 'message', label: 'Repair', text: 'Repair' } }],
            },
          },
        ],
      }),
    });
    expect(reply.status).toBe(200);

    const first = await request(app).get('/sandbox/api/messages').query({ userId: user.userId }).expect(200);
    expect(first.body.items.map((item: { from: string }) => item.from)).toEqual(['user', 'bot']);
    expect(first.body.items[0]).toMatchObject({
      kind: 'message',
      message: { type: 'text', text: 'hello' },
      webhookStatus: 200,
    });
    expect(first.body.items[1]).toMatchObject({
      via: 'reply',
      message: emulator.sentMessages(user.userId)[0]!.message,
    });

    const again = await request(app)
      .get('/sandbox/api/messages')
      .query({ userId: user.userId, after: first.body.cursor })
      .expect(200);
    expect(again.body.items).toEqual([]);
    // Another user's conversation is separate.
    const other = await request(app).get('/sandbox/api/messages').query({ userId: thai!.userId }).expect(200);
    expect(JSON.stringify(other.body.items)).not.toContain('How can we help?');
  });

  it('says when the webhook refuses an event', async () => {
    webhook.answerWith(401);
    const res = await post(thai!.userId, { type: 'text', text: 'anyone?' }).expect(200);
    expect(res.body).toMatchObject({ delivered: false, webhookStatus: 401 });
    const log = await request(app).get('/sandbox/api/messages').query({ userId: thai!.userId }).expect(200);
    expect(log.body.items.at(-1)).toMatchObject({ from: 'user', webhookStatus: 401 });
  });

  it('refuses malformed actions and unknown users', async () => {
    await post(thai!.userId, { type: 'text', text: '   ' }).expect(400);
    await post(thai!.userId, { type: 'teleport' }).expect(400);
    await post('U' + 'f'.repeat(32), { type: 'text', text: 'hi' }).expect(404);
    expect(webhook.received).toHaveLength(0);
  });

  it('lists the simulated users and registers their profiles with the emulator', async () => {
    const res = await request(app).get('/sandbox/api/users').expect(200);
    expect(res.body.users.map((u: { language: string }) => u.language)).toEqual(
      expect.arrayContaining(['th', 'hmn', 'en']),
    );
    const profile = await fetch(`${emulator.url}/v2/bot/profile/${hmong!.userId}`, {
      headers: { authorization: `Bearer ${emulator.channelAccessToken}` },
    });
    expect(await profile.json()).toMatchObject({ displayName: hmong!.displayName, language: 'hmn' });
  });

  it('serves the page in Thai by default and in English on request, with its scripts and Leaflet', async () => {
    const th = await request(app).get('/sandbox').expect(200);
    expect(th.headers['content-type']).toMatch(/text\/html/);
    expect(th.text).toContain('<html lang="th">');
    expect(th.text).toContain('แซนด์บ็อกซ์ NeedLine');
    expect(th.text).not.toMatch(/\{\{[\w.@]+\}\}(?![^<]*<\/script>)/);
    expect(th.headers['content-security-policy']).toContain("script-src 'self'");

    const en = await request(app).get('/sandbox?lang=en').expect(200);
    expect(en.text).toContain('<title>NeedLine sandbox</title>');
    const strings = JSON.parse(
      /<script type="application\/json" id="sandbox-strings">(.*?)<\/script>/s.exec(en.text)![1]!,
    );
    // The page's own placeholders reach its script untouched.
    expect(strings.notDelivered).toBe('Not delivered: the webhook answered {{status}}.');

    await request(app)
      .get('/sandbox/assets/sandbox.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await request(app).get('/sandbox/assets/render.js').expect(200);
    await request(app).get('/sandbox/vendor/leaflet/leaflet.js').expect(200);
    await request(app).get('/sandbox/vendor/leaflet/images/marker-icon.png').expect(200);
  });
});
