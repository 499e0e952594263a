import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import {
  OpenApiValidator,
  locateSpec,
  solidPng,
  startLineEmulator,
  type LineEmulator,
} from '../../src/line-emulator';
import {
  buildEvent,
  newWebhookEventId,
  postWebhook,
  signBody,
  webhookBody,
} from '../../src/line-emulator/webhook-client';

const USER = 'U1111111111111111111111111111111a';
const OTHER = 'U2222222222222222222222222222222b';

const text = (value: string): messagingApi.TextMessage => ({ type: 'text', text: value });

type ErrorBody = {
  message: string;
  details: { message: string; property: string }[];
  sentMessages?: unknown[];
};

/** The SDK's error for a non-2xx answer, with the body parsed. */
async function lineError(
  promise: Promise<unknown>,
): Promise<{ status: number; body: ErrorBody; headers: Headers }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HTTPFetchError) {
      return {
        status: error.status,
        body: error.body ? JSON.parse(error.body) : undefined,
        headers: error.headers,
      };
    }
    throw error;
  }
  throw new Error('expected LINE to refuse the request');
}

describe('LINE emulator through the real SDK clients', () => {
  let emulator: LineEmulator;
  let client: messagingApi.MessagingApiClient;
  let blob: messagingApi.MessagingApiBlobClient;

  beforeAll(async () => {
    emulator = await startLineEmulator();
    client = new messagingApi.MessagingApiClient({
      channelAccessToken: emulator.channelAccessToken,
      baseURL: emulator.url,
    });
    blob = new messagingApi.MessagingApiBlobClient({
      channelAccessToken: emulator.channelAccessToken,
      baseURL: emulator.url,
    });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(() => {
    emulator.reset();
  });

  describe('reply', () => {
    it('accepts a fresh token once and refuses it the second time', async () => {
      const replyToken = emulator.issueReplyToken(USER);
      const first = await client.replyMessageWithHttpInfo({ replyToken, messages: [text('hello')] });
      expect(first.httpResponse.status).toBe(200);
      expect(first.httpResponse.headers.get('x-line-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(first.body.sentMessages).toEqual([
        { id: expect.stringMatching(/^\d{18}$/), quoteToken: expect.any(String) },
      ]);

      const second = await lineError(client.replyMessage({ replyToken, messages: [text('again')] }));
      expect(second).toMatchObject({ status: 400, body: { message: 'Invalid reply token' } });

      const sent = emulator.sentMessages(USER);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        to: USER,
        via: 'reply',
        message: { type: 'text', text: 'hello' },
        replyToken,
      });
    });

    it('refuses an expired token, an unknown one, and one past its lifetime', async () => {
      const expired = emulator.issueReplyToken(USER);
      emulator.expireReplyToken(expired);
      expect(
        await lineError(client.replyMessage({ replyToken: expired, messages: [text('x')] })),
      ).toMatchObject({
        status: 400,
        body: { message: 'Invalid reply token' },
      });
      expect(
        await lineError(
          client.replyMessage({ replyToken: 'ffffffffffffffffffffffffffffffff', messages: [text('x')] }),
        ),
      ).toMatchObject({ status: 400, body: { message: 'Invalid reply token' } });

      const shortLived = await startLineEmulator({ replyTokenTtlMs: 30 });
      try {
        const shortClient = new messagingApi.MessagingApiClient({
          channelAccessToken: shortLived.channelAccessToken,
          baseURL: shortLived.url,
        });
        const token = shortLived.issueReplyToken(USER);
        await new Promise((resolve) => setTimeout(resolve, 60));
        expect(
          await lineError(shortClient.replyMessage({ replyToken: token, messages: [text('late')] })),
        ).toMatchObject({
          status: 400,
          body: { message: 'Invalid reply token' },
        });
        expect(shortLived.sentMessages()).toEqual([]);
      } finally {
        await shortLived.stop();
      }
      expect(emulator.sentMessages()).toEqual([]);
    });

    it('refuses six messages with LINE error details, and keeps the token usable', async () => {
      const replyToken = emulator.issueReplyToken(USER);
      const six = Array.from({ length: 6 }, (_, i) => text(`m${i}`));
      const refused = await lineError(client.replyMessage({ replyToken, messages: six }));
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        message: 'The request body has 1 error(s)',
        details: [{ message: 'Size must be between 1 and 5', property: 'messages' }],
      });
      await client.replyMessage({ replyToken, messages: six.slice(0, 5) });
      expect(emulator.sentMessages(USER).map((m) => m.message.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    });

    it('refuses a retry key on reply', async () => {
      const replyToken = emulator.issueReplyToken(USER);
      const res = await fetch(`${emulator.url}/v2/bot/message/reply`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${emulator.channelAccessToken}`,
          'content-type': 'application/json',
          'x-line-retry-key': randomUUID(),
        },
        body: JSON.stringify({ replyToken, messages: [text('hi')] }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).message).toMatch(/X-Line-Retry-Key/);
      expect(emulator.sentMessages()).toEqual([]);
    });
  });

  describe('message limits', () => {
    const push = (messages: messagingApi.Message[]) => lineError(client.pushMessage({ to: USER, messages }));

    it('refuses 14 quick reply items and a label over 20 characters', async () => {
      const item = (label: string): messagingApi.QuickReplyItem => ({
        type: 'action',
        action: { type: 'message', label, text: label },
      });
      const fourteen = Array.from({ length: 14 }, (_, i) => item(`option ${i}`));
      const tooMany = await push([{ type: 'text', text: 'choose', quickReply: { items: fourteen } }]);
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.details).toContainEqual({
        message: 'Size must be between 1 and 13',
        property: 'messages[0].quickReply.items',
      });

      const longLabel = await push([
        { type: 'text', text: 'choose', quickReply: { items: [item('x'.repeat(21))] } },
      ]);
      expect(longLabel.body.details).toContainEqual({
        message: 'Length must be between 1 and 20',
        property: 'messages[0].quickReply.items[0].action.label',
      });

      // Thai labels count characters, not bytes: 20 Thai characters pass.
      await client.pushMessage({
        to: USER,
        messages: [{ type: 'text', text: 'เลือก', quickReply: { items: [item('ก'.repeat(20))] } }],
      });
      expect(emulator.sentMessages(USER)).toHaveLength(1);
    });

    it('refuses text over 5000 UTF-16 units, postback data over 300, altText over 1500, a camera action outside quick replies', async () => {
      const refused = await push([
        text('x'.repeat(5001)),
        {
          type: 'template',
          altText: 'a'.repeat(1501),
          template: {
            type: 'buttons',
            text: 'pick',
            actions: [
              { type: 'postback', label: 'ok', data: 'd'.repeat(301) },
              { type: 'camera', label: 'photo' },
            ],
          },
        },
      ]);
      expect(refused.status).toBe(400);
      const properties = refused.body.details.map((d) => d.property);
      expect(properties).toEqual(
        expect.arrayContaining([
          'messages[0].text',
          'messages[1].altText',
          'messages[1].template.actions[0].data',
          'messages[1].template.actions[1].type',
        ]),
      );
      expect(refused.body.message).toBe(`The request body has ${refused.body.details.length} error(s)`);
      expect(emulator.sentMessages()).toEqual([]);
      // An emoji is two UTF-16 units: 2500 of them are exactly 5000.
      await client.pushMessage({ to: USER, messages: [text('😀'.repeat(2500))] });
    });

    it('refuses a Flex bubble over 30 KB and a carousel of 13 bubbles', async () => {
      const bubble = (size: number): messagingApi.FlexBubble => ({
        type: 'bubble',
        body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'x'.repeat(size) }] },
      });
      const big = await push([{ type: 'flex', altText: 'big', contents: bubble(31_000) }]);
      expect(big.body.details).toContainEqual({
        message: expect.stringMatching(/bubble/),
        property: 'messages[0].contents',
      });
      const carousel = await push([
        {
          type: 'flex',
          altText: 'many',
          contents: { type: 'carousel', contents: Array(13).fill(bubble(10)) },
        },
      ]);
      expect(carousel.body.details).toContainEqual({
        message: 'Size must be between 1 and 12',
        property: 'messages[0].contents.contents',
      });
    });

    it('catches a malformed Flex message through LINE’s OpenAPI description', async () => {
      const malformed = {
        type: 'flex',
        altText: 'card',
        contents: {
          type: 'bubble',
          body: {
            type: 'box',
            // `layout` missing, a component type LINE does not have, and a bad enum value:
            contents: [
              { type: 'paragraph', text: 'hello' },
              { type: 'text', text: 'hi', weight: 'heavy' },
            ],
          },
        },
      } as unknown as messagingApi.Message;
      const refused = await push([malformed]);
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual(
        expect.arrayContaining([
          { message: 'May not be empty', property: 'messages[0].contents.body.layout' },
          {
            message: expect.stringMatching(/^Must be one of the following values: \[box, button, image/),
            property: 'messages[0].contents.body.contents[0].type',
          },
          {
            message: 'Must be one of the following values: [regular, bold]',
            property: 'messages[0].contents.body.contents[1].weight',
          },
        ]),
      );

      // Without the OpenAPI check those problems pass: they were found by the document, not by hand.
      const lenient = await startLineEmulator({ validateWithOpenApi: false });
      try {
        const lenientClient = new messagingApi.MessagingApiClient({
          channelAccessToken: lenient.channelAccessToken,
          baseURL: lenient.url,
        });
        await lenientClient.pushMessage({ to: USER, messages: [malformed] });
        expect(lenient.sentMessages(USER)).toHaveLength(1);
      } finally {
        await lenient.stop();
      }
    });

    it('accepts a well-formed Flex bubble with postback buttons and a datetime picker', async () => {
      await client.pushMessage({
        to: USER,
        messages: [
          {
            type: 'flex',
            altText: 'Your report',
            contents: {
              type: 'bubble',
              body: {
                type: 'box',
                layout: 'vertical',
                contents: [
                  { type: 'text', text: 'Roof leaking', weight: 'bold', wrap: true },
                  {
                    type: 'button',
                    style: 'primary',
                    action: { type: 'postback', label: 'Confirm', data: 'confirm=1', displayText: 'Confirm' },
                  },
                  {
                    type: 'button',
                    action: { type: 'datetimepicker', label: 'Pick a date', data: 'visit', mode: 'date' },
                  },
                ],
              },
            },
          },
        ],
      });
      expect(emulator.sentMessages(USER)).toHaveLength(1);
    });

    it('refuses http media URLs (LINE wants https) and multicast to 501 users', async () => {
      const image = await push([
        {
          type: 'image',
          originalContentUrl: 'http://example.org/a.jpg',
          previewImageUrl: 'https://example.org/p.jpg',
        },
      ]);
      expect(image.body.details).toContainEqual({
        message: 'Must be an HTTPS URL',
        property: 'messages[0].originalContentUrl',
      });
      const to = Array.from({ length: 501 }, (_, i) => `U${String(i).padStart(32, '0')}`);
      const multicast = await lineError(client.multicast({ to, messages: [text('all')] }));
      expect(multicast.body.details).toContainEqual({
        message: 'Size must be between 1 and 500',
        property: 'to',
      });
    });
  });

  describe('retry keys and faults', () => {
    it('answers 409 to a retry key already accepted, with the accepted request id, and sends nothing again', async () => {
      const key = randomUUID();
      const first = await client.pushMessageWithHttpInfo({ to: USER, messages: [text('once')] }, key);
      const accepted = first.httpResponse.headers.get('x-line-request-id');
      const second = await lineError(client.pushMessage({ to: USER, messages: [text('once')] }, key));
      expect(second.status).toBe(409);
      expect(second.headers.get('x-line-accepted-request-id')).toBe(accepted);
      expect(second.body).toMatchObject({
        message: 'The retry key is already accepted',
        sentMessages: first.body.sentMessages,
      });
      expect(emulator.sentMessages(USER)).toHaveLength(1);
      expect(emulator.sentMessages(USER)[0]).toMatchObject({ retryKey: key, requestId: accepted });

      const multicastKey = randomUUID();
      await client.multicast({ to: [USER, OTHER], messages: [text('all')] }, multicastKey);
      expect(
        (await lineError(client.multicast({ to: [USER, OTHER], messages: [text('all')] }, multicastKey)))
          .status,
      ).toBe(409);
      expect(emulator.sentMessages().filter((m) => m.via === 'multicast')).toHaveLength(2);
    });

    it('refuses a retry key that is not a UUID', async () => {
      const refused = await lineError(client.pushMessage({ to: USER, messages: [text('x')] }, 'not-a-uuid'));
      expect(refused.status).toBe(400);
      expect(emulator.sentMessages()).toEqual([]);
    });

    it('injects a 500, then answers normally; the retry with the same key is accepted once', async () => {
      emulator.injectFault({ method: 'POST', path: '/v2/bot/message/push', status: 500 });
      const key = randomUUID();
      const failed = await lineError(client.pushMessage({ to: USER, messages: [text('retry me')] }, key));
      expect(failed).toMatchObject({ status: 500, body: { message: 'Internal server error' } });
      expect(emulator.sentMessages()).toEqual([]);
      await client.pushMessage({ to: USER, messages: [text('retry me')] }, key);
      expect(emulator.sentMessages(USER)).toHaveLength(1);
      expect(emulator.calls().map((c) => [c.path, c.status, c.retryKey, c.fault])).toEqual([
        ['/v2/bot/message/push', 500, key, 'status'],
        ['/v2/bot/message/push', 200, key, undefined],
      ]);
    });

    it('injects 429 with retry-after, a hang the client times out on, and an answer lost after LINE sent the message', async () => {
      emulator.injectFault({ path: /\/push$/, status: 429, headers: { 'retry-after': '1' }, times: 2 });
      for (let i = 0; i < 2; i += 1) {
        const limited = await lineError(client.pushMessage({ to: USER, messages: [text('x')] }));
        expect(limited.status).toBe(429);
        expect(limited.headers.get('retry-after')).toBe('1');
      }

      emulator.injectFault({ path: '/v2/bot/message/push', hang: true });
      const call = fetch(`${emulator.url}/v2/bot/message/push`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${emulator.channelAccessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ to: USER, messages: [text('hang')] }),
        signal: AbortSignal.timeout(150),
      });
      await expect(call).rejects.toThrow();
      expect(emulator.sentMessages()).toEqual([]);

      // LINE processed the push but the answer never came back: the retry with the same key gets 409.
      const key = randomUUID();
      emulator.injectFault({ path: '/v2/bot/message/push', hang: true, when: 'after' });
      const lost = client.pushMessage({ to: USER, messages: [text('lost answer')] }, key);
      const timedOut = Promise.race([
        lost,
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 150)),
      ]);
      await expect(timedOut).rejects.toThrow('timeout');
      expect(emulator.sentMessages(USER)).toHaveLength(1);
      expect(
        (await lineError(client.pushMessage({ to: USER, messages: [text('lost answer')] }, key))).status,
      ).toBe(409);
      expect(emulator.sentMessages(USER)).toHaveLength(1);
      lost.catch(() => undefined);
    });

    it('answers 401 without the channel access token and 404 on unknown endpoints', async () => {
      const stranger = new messagingApi.MessagingApiClient({
        channelAccessToken: 'wrong',
        baseURL: emulator.url,
      });
      const denied = await lineError(stranger.pushMessage({ to: USER, messages: [text('x')] }));
      expect(denied.status).toBe(401);
      expect(denied.body.message).toMatch(/Authentication failed/);
      const res = await fetch(`${emulator.url}/v2/bot/nothing/here`, {
        headers: { authorization: `Bearer ${emulator.channelAccessToken}` },
      });
      expect(res.status).toBe(404);
      expect(emulator.calls().map((c) => c.status)).toEqual([401, 404]);
    });
  });

  describe('profile, content, loading and quota', () => {
    it('returns a known profile and 404 for an unknown user', async () => {
      emulator.addUser({ userId: USER, displayName: 'Somchai', language: 'th' });
      expect(await client.getProfile(USER)).toEqual({ userId: USER, displayName: 'Somchai', language: 'th' });
      expect((await lineError(client.getProfile(OTHER))).status).toBe(404);
    });

    it('serves content 200, 202 while preparing, 404 and 410', async () => {
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
      emulator.addContent('100', { data: jpeg, contentType: 'image/jpeg' });
      emulator.addContent('200', { status: 202 });
      emulator.addContent('410', { status: 410 });

      const ok = await blob.getMessageContentWithHttpInfo('100');
      expect(ok.httpResponse.status).toBe(200);
      expect(ok.httpResponse.headers.get('content-type')).toBe('image/jpeg');
      const chunks: Buffer[] = [];
      for await (const chunk of ok.body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks)).toEqual(jpeg);

      const preparing = await blob.getMessageContentWithHttpInfo('200');
      expect(preparing.httpResponse.status).toBe(202);
      expect(await blob.getMessageContentTranscodingByMessageId('200')).toEqual({ status: 'processing' });
      expect(await blob.getMessageContentTranscodingByMessageId('100')).toEqual({ status: 'succeeded' });

      expect((await lineError(blob.getMessageContent('410'))).status).toBe(410);
      expect((await lineError(blob.getMessageContent('999'))).status).toBe(404);
    });

    it('shows the loading animation for 5..60 seconds in multiples of 5 only', async () => {
      const started = await client.showLoadingAnimationWithHttpInfo({ chatId: USER, loadingSeconds: 10 });
      expect(started.httpResponse.status).toBe(202);
      const refused = await lineError(client.showLoadingAnimation({ chatId: USER, loadingSeconds: 7 }));
      expect(refused.body.details).toContainEqual(expect.objectContaining({ property: 'loadingSeconds' }));
      expect(
        (await lineError(client.showLoadingAnimation({ chatId: USER, loadingSeconds: 65 }))).status,
      ).toBe(400);
      expect(emulator.loadingAnimations(USER)).toEqual([
        { chatId: USER, loadingSeconds: 10, at: expect.any(Number) },
      ]);
    });

    it('counts push and multicast recipients (not replies or blocked users) and refuses past a limited quota', async () => {
      expect(await client.getMessageQuota()).toEqual({ type: 'none' });
      emulator.setQuota({ type: 'limited', value: 5 });
      expect(await client.getMessageQuota()).toEqual({ type: 'limited', value: 5 });

      await client.replyMessage({ replyToken: emulator.issueReplyToken(USER), messages: [text('free')] });
      await client.pushMessage({ to: USER, messages: [text('one'), text('still one recipient')] });
      await client.multicast({ to: [USER, OTHER, 'U3'], messages: [text('three')] });
      expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 4 });

      emulator.setBlocked(OTHER, true);
      await client.pushMessage({ to: OTHER, messages: [text('blocked: accepted, not delivered')] });
      expect(emulator.sentMessages(OTHER).at(-1)).toMatchObject({ delivered: false });
      expect(emulator.quotaConsumption()).toBe(4);

      await client.pushMessage({ to: USER, messages: [text('fifth')] });
      const over = await lineError(client.pushMessage({ to: USER, messages: [text('sixth')] }));
      expect(over).toMatchObject({ status: 429, body: { message: 'You have reached your monthly limit.' } });
      expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 5 });
    });
  });

  describe('rich menus', () => {
    const menu = (overrides: Partial<messagingApi.RichMenuRequest> = {}): messagingApi.RichMenuRequest => ({
      size: { width: 2500, height: 843 },
      selected: true,
      name: 'main',
      chatBarText: 'Menu',
      areas: [
        { bounds: { x: 0, y: 0, width: 1250, height: 843 }, action: { type: 'postback', data: 'report' } },
        {
          bounds: { x: 1250, y: 0, width: 1250, height: 843 },
          action: { type: 'richmenuswitch', richMenuAliasId: 'page-2', data: 'switch' },
        },
      ],
      ...overrides,
    });
    const png = (width = 2500, height = 843) => new Blob([solidPng(width, height)], { type: 'image/png' });

    it('validates size, areas and chat bar text', async () => {
      const area = menu().areas![0]!;
      const refused = await lineError(
        client.createRichMenu(
          menu({
            size: { width: 2500, height: 2000 },
            chatBarText: 'fifteen chars!!',
            areas: Array(21).fill(area),
          }),
        ),
      );
      expect(refused.status).toBe(400);
      expect(refused.body.details.map((d) => d.property)).toEqual(
        expect.arrayContaining(['size', 'chatBarText', 'areas']),
      );
      const outside = await lineError(
        client.createRichMenu(
          menu({ areas: [{ bounds: { x: 2000, y: 0, width: 1000, height: 843 }, action: area.action }] }),
        ),
      );
      expect(outside.body.details).toContainEqual({
        property: 'areas[0].bounds',
        message: 'The area must lie within the rich menu size',
      });
    });

    it('creates, uploads once, links, sets the default, aliases, lists and deletes', async () => {
      const { richMenuId } = await client.createRichMenu(menu());
      expect(richMenuId).toMatch(/^richmenu-[0-9a-f]{32}$/);

      // Linking before the image is uploaded fails.
      expect((await lineError(client.linkRichMenuIdToUser(USER, richMenuId))).status).toBe(400);
      // The image must have the menu's size.
      expect((await lineError(blob.setRichMenuImage(richMenuId, png(2500, 1686)))).status).toBe(400);
      await blob.setRichMenuImage(richMenuId, png());
      expect((await lineError(blob.setRichMenuImage(richMenuId, png()))).body.message).toMatch(
        /already been uploaded/,
      );

      await client.linkRichMenuIdToUser(USER, richMenuId);
      expect(await client.getRichMenuIdOfUser(USER)).toEqual({ richMenuId });
      expect((await lineError(client.getRichMenuIdOfUser(OTHER))).status).toBe(404);

      await client.setDefaultRichMenu(richMenuId);
      expect(await client.getDefaultRichMenuId()).toEqual({ richMenuId });

      await client.createRichMenuAlias({ richMenuAliasId: 'page-2', richMenuId });
      expect(await client.getRichMenuAlias('page-2')).toEqual({ richMenuAliasId: 'page-2', richMenuId });
      expect(
        (await lineError(client.createRichMenuAlias({ richMenuAliasId: 'page-2', richMenuId }))).status,
      ).toBe(400);
      expect(
        (await lineError(client.createRichMenuAlias({ richMenuAliasId: 'Bad Alias', richMenuId }))).status,
      ).toBe(400);
      expect(await client.getRichMenuAliasList()).toEqual({
        aliases: [{ richMenuAliasId: 'page-2', richMenuId }],
      });

      const bulk = await client.linkRichMenuIdToUsersWithHttpInfo({ richMenuId, userIds: [OTHER, 'U3'] });
      expect(bulk.httpResponse.status).toBe(202);

      const list = await client.getRichMenuList();
      expect(list.richmenus.map((m) => m.richMenuId)).toEqual([richMenuId]);

      const state = emulator.richMenuState();
      expect(state).toMatchObject({
        defaultId: richMenuId,
        aliases: { 'page-2': richMenuId },
        userLinks: { [USER]: richMenuId, [OTHER]: richMenuId, U3: richMenuId },
      });
      expect(state.images[richMenuId]).toMatchObject({ contentType: 'image/png' });

      await client.unlinkRichMenuIdFromUser(USER);
      await client.deleteRichMenuAlias('page-2');
      await client.cancelDefaultRichMenu();
      expect((await lineError(client.getDefaultRichMenuId())).status).toBe(404);
      await client.deleteRichMenu(richMenuId);
      expect((await lineError(client.getRichMenu(richMenuId))).status).toBe(404);
      expect(emulator.richMenuState().menus).toEqual([]);
    });
  });

  describe('admin endpoints for the sandbox and other processes', () => {
    type Listed = { messages: { message: { text: string } }[] };
    const admin = <T = Record<string, unknown>>(path: string, body?: unknown) =>
      fetch(`${emulator.url}/__emulator${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as T }));

    it('adds users and content, issues reply tokens, injects faults, lists messages after a cursor, resets', async () => {
      await admin('/users', { userId: USER, displayName: 'Malee', language: 'th' });
      expect(await client.getProfile(USER)).toMatchObject({ displayName: 'Malee' });

      await admin('/content', {
        messageId: '42',
        data: Buffer.from('hello').toString('base64'),
        contentType: 'audio/m4a',
      });
      expect((await blob.getMessageContentWithHttpInfo('42')).httpResponse.headers.get('content-type')).toBe(
        'audio/m4a',
      );

      const { body: issued } = await admin<{ replyToken: string }>('/reply-tokens', { userId: USER });
      await client.replyMessage({ replyToken: issued.replyToken, messages: [text('first')] });
      await client.pushMessage({ to: OTHER, messages: [text('second')] });
      await client.pushMessage({ to: USER, messages: [text('third')] });

      const all = await admin<Listed>('/messages');
      expect(all.body.messages.map((m) => m.message.text)).toEqual(['first', 'second', 'third']);
      const mine = await admin<Listed>(`/messages?userId=${USER}&after=0`);
      expect(mine.body.messages.map((m) => m.message.text)).toEqual(['third']);

      const waiting = admin<Listed>(`/messages?userId=${USER}&after=2&waitMs=2000`);
      setTimeout(() => void client.pushMessage({ to: USER, messages: [text('fourth')] }), 50);
      expect((await waiting).body.messages.map((m) => m.message.text)).toEqual(['fourth']);

      await admin('/faults', { pathPattern: 'profile', status: 503 });
      expect((await lineError(client.getProfile(USER))).status).toBe(503);

      const calls = await admin<{ calls: unknown[] }>('/calls');
      expect(calls.body.calls.length).toBe(emulator.calls().length);

      await admin('/reset', {});
      expect(emulator.calls()).toEqual([]);
      expect(emulator.sentMessages()).toEqual([]);
    });

    it('waits for messages in-process', async () => {
      const waiting = emulator.waitForMessages({ userId: USER, count: 2, timeoutMs: 2000 });
      await client.pushMessage({ to: USER, messages: [text('a'), text('b')] });
      expect((await waiting).map((m) => m.message.text)).toEqual(['a', 'b']);
      await expect(emulator.waitForMessages({ userId: OTHER, count: 1, timeoutMs: 50 })).rejects.toThrow(
        /0 of 1/,
      );
    });
  });
});

describe('webhook client (acting as LINE)', () => {
  const SECRET = '0123456789abcdef0123456789abcdef';
  const webhookValidator = OpenApiValidator.load(locateSpec('webhook.json'));

  it('signs the exact bytes with HMAC-SHA256 in base64', () => {
    const body = '{"destination":"U0","events":[]}';
    expect(signBody(body, SECRET)).toBe(createHmac('sha256', SECRET).update(body).digest('base64'));
  });

  it('builds every event type shaped as LINE’s webhook description requires', () => {
    const userId = USER;
    const events = [
      buildEvent.text({ userId, text: 'หลังคารั่ว 😀' }),
      buildEvent.image({ userId, imageSet: { id: 'set1', index: 1, total: 2 } }),
      buildEvent.audio({ userId }),
      buildEvent.video({ userId }),
      buildEvent.file({ userId, fileName: 'plan.pdf', fileSize: 1234 }),
      buildEvent.location({ userId, latitude: 13.75, longitude: 100.5, title: 'Home', address: 'Bangkok' }),
      buildEvent.sticker({ userId }),
      buildEvent.postback({ userId, data: 'visit', params: { date: '2025-01-31' } }),
      buildEvent.follow({ userId, isUnblocked: true }),
      buildEvent.unfollow({ userId }),
      buildEvent.unsend({ userId, messageId: '123' }),
      buildEvent.join({ groupId: 'C0123456789abcdef0123456789abcdef' }),
      buildEvent.text({ userId, text: 'standby', mode: 'standby' }),
    ];
    expect(webhookValidator.validate('CallbackRequest', JSON.parse(webhookBody(events)))).toEqual([]);
    for (const event of events) {
      expect(event.webhookEventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(event.deliveryContext).toEqual({ isRedelivery: false });
    }
    expect('replyToken' in events[9]!).toBe(false); // unfollow
    expect('replyToken' in events[12]!).toBe(false); // standby
    expect(events[11]!.source).toEqual({ type: 'group', groupId: 'C0123456789abcdef0123456789abcdef' });
    expect(newWebhookEventId(0).slice(0, 10)).toBe('0000000000');
    // ULIDs sort by time.
    expect(newWebhookEventId(1_700_000_000_000) < newWebhookEventId(1_700_000_000_001)).toBe(true);
  });

  it('posts signed bytes as LINE does, escaping emoji, and can send a wrong signature', async () => {
    const received: { body: Buffer; headers: Record<string, string | string[] | undefined> }[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        received.push({ body, headers: req.headers });
        const valid = req.headers['x-line-signature'] === signBody(body, SECRET);
        res.writeHead(valid ? 200 : 401).end(valid ? 'ok' : 'bad');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
    try {
      const event = buildEvent.text({ userId: USER, text: 'ช่วยด้วย 😀' });
      const ok = await postWebhook(url, SECRET, [event]);
      expect(ok).toMatchObject({ status: 200, body: 'ok' });
      const raw = received[0]!.body.toString('utf8');
      expect(raw).toContain('\\ud83d\\ude00');
      expect(raw).toContain('ช่วยด้วย');
      expect(JSON.parse(raw).events[0].message.text).toBe('ช่วยด้วย 😀');
      expect(received[0]!.headers['content-type']).toBe('application/json; charset=utf-8');

      expect((await postWebhook(url, SECRET, [event], { signature: 'AAAA' })).status).toBe(401);
      expect((await postWebhook(url, SECRET, [], { signature: null })).status).toBe(401);
      expect(received[2]!.headers['x-line-signature']).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
