import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createErrorSink } from '../../src/errors';
import { createI18n } from '../../src/i18n';
import { solidPng, startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { createLineApi, type LineApi } from '../../src/line/line-api';
import { signBody } from '../../src/line-emulator/webhook-client';
import {
  ALIAS,
  buildRichMenuDefinitions,
  deployRichMenus,
  linkVolunteerMenu,
  loadRichMenuImages,
  unlinkVolunteerMenu,
} from '../../src/richmenus';
import { imagePath } from '../../src/richmenus/definitions';
import { sandboxRouter } from '../../src/sandbox/router';
import { SANDBOX_USERS } from '../../src/sandbox/users';
import { testLogger } from '../helpers/logger';

// Parsed LINE event JSON, inspected field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventJson = any;

const SECRET = '0123456789abcdef0123456789abcdef';
const [thai, hmong, volunteer] = SANDBOX_USERS;

async function startWebhookStandIn() {
  const received: { body: string; signature: string | undefined; events: EventJson[] }[] = [];
  const app = express();
  app.post('/webhook', express.raw({ type: '*/*' }), (req, res) => {
    const body = (req.body as Buffer).toString('utf8');
    received.push({ body, signature: req.header('x-line-signature'), events: JSON.parse(body).events });
    res.status(200).json({});
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('sandbox rich menu API', () => {
  let emulator: LineEmulator;
  let api: LineApi;
  let webhook: Awaited<ReturnType<typeof startWebhookStandIn>>;
  let app: express.Express;
  let menuIds: Record<string, string>;

  beforeAll(async () => {
    emulator = await startLineEmulator();
    api = createLineApi({
      channelAccessToken: emulator.channelAccessToken,
      apiBaseUrl: emulator.url,
      dataApiBaseUrl: emulator.url,
    });
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

  const menuOf = (userId: string, lang = 'en') =>
    request(app).get(`/sandbox/api/users/${userId}/richmenu`).query({ lang }).expect(200);
  const polledMenuId = async (userId: string) =>
    (await request(app).get('/sandbox/api/messages').query({ userId }).expect(200)).body.richMenuId;

  it('shows no menu before any is deployed', async () => {
    expect((await menuOf(thai!.userId)).body).toEqual({ richMenu: null });
    expect(await polledMenuId(thai!.userId)).toBeNull();
    await request(app)
      .get(`/sandbox/api/users/U${'f'.repeat(32)}/richmenu`)
      .expect(404);
    await request(app).get('/sandbox/api/users/nobody/richmenu').expect(400);
  });

  it('gives everyone the default menu: its size, areas, chat bar and the image the emulator stores', async () => {
    const definitions = buildRichMenuDefinitions(createI18n('th').getFixedT('th'));
    const summary = await deployRichMenus(api, definitions, loadRichMenuImages(definitions));
    menuIds = Object.fromEntries(summary.menus.map((menu) => [menu.key, menu.richMenuId]));
    const resident = definitions.find((definition) => definition.key === 'resident')!;

    const { richMenu } = (await menuOf(hmong!.userId)).body;
    expect(richMenu).toMatchObject({
      richMenuId: menuIds.resident,
      size: { width: 2500, height: 1686 },
      chatBarText: resident.menu.chatBarText,
      selected: true,
      imageUrl: `/sandbox/api/richmenus/${menuIds.resident}/image`,
    });
    expect(richMenu.areas.map((area: { bounds: unknown }) => area.bounds)).toEqual(
      resident.menu.areas.map((area) => area.bounds),
    );
    expect(richMenu.areas[0]).toMatchObject({
      action: { type: 'postback', data: 'flow:report-need' },
      // The action has no label: the words drawn on the tile, in the page's language.
      label: 'Report a need',
    });
    expect((await menuOf(hmong!.userId, 'th')).body.richMenu.areas[0].label).toBe('แจ้งความต้องการ');
    expect(await polledMenuId(hmong!.userId)).toBe(menuIds.resident);

    const image = await request(app).get(richMenu.imageUrl).expect(200).expect('content-type', 'image/png');
    expect(Buffer.from(image.body).equals(readFileSync(imagePath('resident')))).toBe(true);
    await request(app)
      .get(`/sandbox/api/richmenus/richmenu-${'0'.repeat(32)}/image`)
      .expect(404);
    await request(app).get('/sandbox/api/richmenus/../../etc/image').expect(404);
  });

  it('follows the per-user link: approving a volunteer shows the volunteer menu at the next poll', async () => {
    expect(await polledMenuId(volunteer!.userId)).toBe(menuIds.resident);
    await linkVolunteerMenu(api, volunteer!.userId);
    expect(await polledMenuId(volunteer!.userId)).toBe(menuIds.volunteer);
    const { richMenu } = (await menuOf(volunteer!.userId)).body;
    expect(richMenu.richMenuId).toBe(menuIds.volunteer);
    expect(richMenu.areas.map((area: { label: string }) => area.label)).toEqual([
      'Report for a household',
      'Cases in my area',
      'My reports',
      'Talk to staff',
      'Language',
      'Resident menu',
    ]);
    expect(richMenu.areas[5].action).toMatchObject({
      type: 'richmenuswitch',
      richMenuAliasId: ALIAS.resident,
      data: 'richmenu:switch:resident',
    });
    // Others keep the default.
    expect(await polledMenuId(thai!.userId)).toBe(menuIds.resident);
  });

  it('switches by alias as LINE does: the link changes, then a signed postback reports SUCCESS', async () => {
    webhook.received.length = 0;
    const res = await request(app)
      .post('/sandbox/api/events')
      .send({
        userId: volunteer!.userId,
        action: { type: 'richmenuswitch', richMenuAliasId: ALIAS.resident, data: 'richmenu:switch:resident' },
      })
      .expect(200);
    expect(res.body.delivered).toBe(true);
    expect(emulator.richMenuState().userLinks[volunteer!.userId]).toBe(menuIds.resident);
    expect(await polledMenuId(volunteer!.userId)).toBe(menuIds.resident);

    const [call] = webhook.received;
    expect(call!.signature).toBe(signBody(call!.body, SECRET));
    expect(call!.events[0]).toMatchObject({
      type: 'postback',
      source: { type: 'user', userId: volunteer!.userId },
      postback: {
        data: 'richmenu:switch:resident',
        params: { newRichMenuAliasId: ALIAS.resident, status: 'SUCCESS' },
      },
    });
    expect(call!.events[0].replyToken).toEqual(expect.any(String));

    await request(app)
      .post('/sandbox/api/events')
      .send({
        userId: volunteer!.userId,
        action: { type: 'richmenuswitch', richMenuAliasId: ALIAS.volunteer, data: 'back' },
      })
      .expect(200);
    expect(await polledMenuId(volunteer!.userId)).toBe(menuIds.volunteer);
  });

  it('reports an unknown alias and leaves the menu alone', async () => {
    webhook.received.length = 0;
    await request(app)
      .post('/sandbox/api/events')
      .send({ userId: thai!.userId, action: { type: 'richmenuswitch', richMenuAliasId: 'nope', data: 'x' } })
      .expect(200);
    expect(webhook.received[0]!.events[0].postback.params).toEqual({
      newRichMenuAliasId: 'nope',
      status: 'RICHMENU_ALIAS_ID_NOTFOUND',
    });
    expect(await polledMenuId(thai!.userId)).toBe(menuIds.resident);
    await request(app)
      .post('/sandbox/api/events')
      .send({ userId: thai!.userId, action: { type: 'richmenuswitch', richMenuAliasId: '', data: 'x' } })
      .expect(400);
  });

  it("speaks an action's own label first, and numbers areas nobody labelled", async () => {
    const created = await api.call(({ client }) =>
      client.createRichMenu({
        size: { width: 2500, height: 843 },
        selected: false,
        name: 'someone-else',
        chatBarText: 'Other',
        areas: [
          {
            bounds: { x: 0, y: 0, width: 1250, height: 843 },
            action: { type: 'uri', label: 'Foundation site', uri: 'https://example.org/' },
          },
          {
            bounds: { x: 1250, y: 0, width: 1250, height: 843 },
            action: { type: 'message', text: 'hello' },
          },
        ],
      }),
    );
    await api.call(({ blob }) =>
      blob.setRichMenuImage(
        created.richMenuId,
        new Blob([solidPng(2500, 843, [10, 90, 40])], { type: 'image/png' }),
      ),
    );
    await api.call(({ client }) => client.linkRichMenuIdToUser(thai!.userId, created.richMenuId));
    const { richMenu } = (await menuOf(thai!.userId)).body;
    expect(richMenu).toMatchObject({ selected: false, chatBarText: 'Other' });
    expect(richMenu.areas.map((area: { label: string }) => area.label)).toEqual([
      'Foundation site',
      'Menu item 2',
    ]);
    await unlinkVolunteerMenu(api, thai!.userId);
    expect(await polledMenuId(thai!.userId)).toBe(menuIds.resident);
  });
});
