import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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
  type RichMenuDefinition,
} from '../../src/richmenus';
import { sandboxRouter } from '../../src/sandbox/router';
import { SANDBOX_USERS } from '../../src/sandbox/users';
import { testLogger } from '../helpers/logger';

const CHROMIUM = '/usr/bin/chromium';
// Parsed LINE event JSON, inspected field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventJson = any;

const SECRET = '0123456789abcdef0123456789abcdef';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const [thai, hmong, volunteer, staff] = SANDBOX_USERS;

/** The rich menu in a real browser; needs Debian's chromium (`apt-get install -y chromium`). */
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

const listen = (app: express.Express): Promise<Server> =>
  new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 10_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A bot behind the webhook that checks the signature and says what it received. */
function botStandIn(emulator: LineEmulator) {
  const events: EventJson[] = [];
  const app = express();
  app.post('/webhook', express.raw({ type: '*/*' }), async (req, res) => {
    const body = (req.body as Buffer).toString('utf8');
    if (req.header('x-line-signature') !== signBody(body, SECRET)) {
      res.status(401).end();
      return;
    }
    for (const event of (JSON.parse(body) as { events: EventJson[] }).events) {
      events.push(event);
      if (!event.replyToken) continue;
      const got = event.type === 'postback' ? `postback ${event.postback.data}` : event.message?.text;
      await fetch(`${emulator.url}/v2/bot/message/reply`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${emulator.channelAccessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          replyToken: event.replyToken,
          messages: [{ type: 'text', text: `Bot got: ${got}` }],
        }),
      });
    }
    res.status(200).json({});
  });
  return { app, events };
}

describeWithBrowser('sandbox rich menu in a browser', () => {
  let emulator: LineEmulator;
  let api: LineApi;
  let definitions: RichMenuDefinition[];
  let bot: ReturnType<typeof botStandIn>;
  let botServer: Server;
  let appServer: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    emulator = await startLineEmulator();
    api = createLineApi({
      channelAccessToken: emulator.channelAccessToken,
      apiBaseUrl: emulator.url,
      dataApiBaseUrl: emulator.url,
    });
    // As the sandbox does at start: NeedLine's menus, in Thai, with their committed images.
    definitions = buildRichMenuDefinitions(createI18n('th').getFixedT('th'));
    await deployRichMenus(api, definitions, loadRichMenuImages(definitions));
    await linkVolunteerMenu(api, volunteer!.userId);

    bot = botStandIn(emulator);
    botServer = await listen(bot.app);
    appServer = await listen(
      createApp({
        logger: testLogger,
        reportError: createErrorSink(testLogger),
        isReady: async () => true,
        routers: [
          sandboxRouter({
            emulator,
            channelSecret: SECRET,
            webhookUrl: () => `${urlOf(botServer)}/webhook`,
            logger: testLogger,
            // Friends of the account: LINE shows a rich menu to friends only.
            friendship: new Map([thai, volunteer, staff].map((user) => [user!.userId, 'friend' as const])),
          }),
        ],
      }),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 390, height: 780 } });
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => appServer?.close(resolve));
    await new Promise((resolve) => botServer?.close(resolve));
    await emulator?.stop();
  });

  const chatBar = (key: string) => definitions.find((definition) => definition.key === key)!.menu.chatBarText;
  const menu = () => page.getByRole('region', { name: 'LINE rich menu' });
  const eventCount = (n: number) => until(() => bot.events.length === n, `${n} events reached the webhook`);

  it("shows a volunteer's menu at phone width, taps an area by its place, and switches menus by alias", async () => {
    await page.goto(`${urlOf(appServer)}/sandbox?lang=en`);
    await page.getByRole('combobox', { name: 'Chat as' }).selectOption(volunteer!.userId);
    const toggle = menu().getByRole('button', { name: chatBar('volunteer') });
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const areaCases = menu().getByRole('button', { name: 'Cases in my area', exact: true });
    await areaCases.waitFor();
    // The image the emulator stores, really drawn (no DOM types here: the expression is the page's).
    await page.waitForFunction("document.getElementById('rich-menu-image').naturalWidth === 2500");

    // The button lies exactly over the area's bounds (833, 0, 834 x 843 of 2500 x 1686), scaled.
    const image = (await page.locator('#rich-menu-image').boundingBox())!;
    const box = (await areaCases.boundingBox())!;
    const scale = image.width / 2500;
    expect(image.width).toBeLessThanOrEqual(390);
    expect(image.height).toBeCloseTo(1686 * scale, 0);
    expect(box.x - image.x).toBeCloseTo(833 * scale, 0);
    expect(box.y - image.y).toBeCloseTo(0, 0);
    expect(box.width).toBeCloseTo(834 * scale, 0);
    expect(box.height).toBeCloseTo(843 * scale, 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-richmenu-phone.png') });

    // A tap in the middle of the tile, as a finger would.
    await page.mouse.click(image.x + 1250 * scale, image.y + 400 * scale);
    await eventCount(1);
    expect(bot.events[0]).toMatchObject({
      type: 'postback',
      source: { userId: volunteer!.userId },
      postback: { data: 'flow:area-cases' },
    });
    await page.getByText('Bot got: postback flow:area-cases').waitFor();

    // From the keyboard: Tab reaches the next area, Enter taps it.
    await areaCases.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventCount(2);
    expect(bot.events[1].postback.data).toBe('flow:my-cases');

    await menu().getByRole('button', { name: 'Resident menu' }).click();
    await eventCount(3);
    expect(bot.events[2]).toMatchObject({
      type: 'postback',
      postback: {
        data: 'richmenu:switch:resident',
        params: { newRichMenuAliasId: ALIAS.resident, status: 'SUCCESS' },
      },
    });
    await menu().getByRole('button', { name: 'Report a need' }).waitFor();
    await areaCases.waitFor({ state: 'detached' });
    await menu()
      .getByRole('button', { name: chatBar('resident') })
      .waitFor();
    expect(emulator.richMenuState().userLinks[volunteer!.userId]).toBe(
      emulator.richMenuState().aliases[ALIAS.resident],
    );

    // The chat bar closes and opens the menu.
    await menu()
      .getByRole('button', { name: chatBar('resident') })
      .click();
    await menu().getByRole('button', { name: 'Report a need' }).waitFor({ state: 'hidden' });
    await menu()
      .getByRole('button', { name: chatBar('resident') })
      .click();
    await menu().getByRole('button', { name: 'Report a need' }).click();
    await eventCount(4);
    expect(bot.events[3].postback.data).toBe('flow:report-need');
  });

  it('shows no menu before "Add friend", as LINE shows menus to friends only', async () => {
    await page.getByRole('combobox', { name: 'Chat as' }).selectOption(hmong!.userId);
    // The resident menu is loaded (its chat bar is written), yet not shown.
    await page.waitForFunction(
      `document.getElementById('rich-menu-chat-bar').textContent === ${JSON.stringify(chatBar('resident'))}`,
    );
    expect(await menu().count()).toBe(0);
    const before = bot.events.length;
    await page.getByRole('button', { name: 'Add friend' }).click();
    await eventCount(before + 1);
    await menu()
      .getByRole('button', { name: chatBar('resident') })
      .waitFor();
  });

  it('changes the menu it shows when staff approve the volunteer meanwhile', async () => {
    await page.getByRole('combobox', { name: 'Chat as' }).selectOption(thai!.userId);
    await menu().getByRole('button', { name: 'Report a need' }).waitFor();
    await linkVolunteerMenu(api, thai!.userId);
    await menu().getByRole('button', { name: 'Report for a household' }).waitFor();
    await menu()
      .getByRole('button', { name: chatBar('volunteer') })
      .waitFor();
  });

  it('sends a message area as text, shows a postback displayText, opens a link in a new tab', async () => {
    const { richMenuId } = await api.call(({ client }) =>
      client.createRichMenu({
        size: { width: 2500, height: 843 },
        selected: true,
        name: 'three-buttons',
        chatBarText: 'Try me',
        areas: [
          {
            bounds: { x: 0, y: 0, width: 833, height: 843 },
            action: { type: 'message', label: 'Say hi', text: 'hi' },
          },
          {
            bounds: { x: 833, y: 0, width: 834, height: 843 },
            action: { type: 'postback', label: 'Cases', data: 'cases', displayText: 'Show my cases' },
          },
          {
            bounds: { x: 1667, y: 0, width: 833, height: 843 },
            action: { type: 'uri', label: 'Website', uri: 'https://example.org/help' },
          },
        ],
      }),
    );
    await api.call(({ blob }) =>
      blob.setRichMenuImage(
        richMenuId,
        new Blob([solidPng(2500, 843, [30, 60, 120])], { type: 'image/png' }),
      ),
    );
    await api.call(({ client }) => client.linkRichMenuIdToUser(staff!.userId, richMenuId));
    await page.getByRole('combobox', { name: 'Chat as' }).selectOption(staff!.userId);
    const before = bot.events.length;

    await menu().getByRole('button', { name: 'Say hi' }).click();
    await eventCount(before + 1);
    expect(bot.events.at(-1)).toMatchObject({ type: 'message', message: { type: 'text', text: 'hi' } });
    await page.getByText('Bot got: hi').waitFor();

    await menu().getByRole('button', { name: 'Cases' }).click();
    await eventCount(before + 2);
    expect(bot.events.at(-1)).toMatchObject({ type: 'postback', postback: { data: 'cases' } });
    await page.getByRole('log').getByText('Show my cases').waitFor();

    // The link loads in a new tab (the test's network stops it there).
    const [tab, opened] = await Promise.all([
      context.waitForEvent('page'),
      context.waitForEvent('request', (request) => request.url().startsWith('https://example.org/')),
      menu().getByRole('button', { name: 'Website' }).click(),
    ]);
    expect(opened.url()).toBe('https://example.org/help');
    expect(tab).not.toBe(page);
    await tab.close();
    expect(bot.events).toHaveLength(before + 2);
    expect(errors).toEqual([]);
  });
});
