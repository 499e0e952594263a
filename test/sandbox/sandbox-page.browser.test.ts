import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../src/app';
import { createErrorSink } from '../../src/errors';
import { solidPng, startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { signBody } from '../../src/line-emulator/webhook-client';
import { sandboxRouter } from '../../src/sandbox/router';
import { SANDBOX_USERS } from '../../src/sandbox/users';
import { testLogger } from '../helpers/logger';

const CHROMIUM = '/usr/bin/chromium';
// Parsed LINE event JSON, inspected field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventJson = any;

const SECRET = '0123456789abcdef0123456789abcdef';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

/** The chat page in a real browser; needs Debian's chromium (`apt-get install -y chromium`). */
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

const listen = (app: express.Express): Promise<Server> =>
  new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
/** Waits for a condition the browser brings about; fails with `what` after 10 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 10_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** A tiny bot behind the webhook: checks the signature and answers through the emulator like NeedLine would. */
function botStandIn(emulator: LineEmulator) {
  const events: EventJson[] = [];
  const app = express();
  app.post('/webhook', express.raw({ type: '*/*' }), async (req, res) => {
    const body = (req.body as Buffer).toString('utf8');
    if (req.header('x-line-signature') !== signBody(body, SECRET)) {
      res.status(401).end();
      return;
    }
    const parsed = JSON.parse(body) as { events: EventJson[] };
    events.push(...parsed.events);
    for (const event of parsed.events) {
      if (!event.replyToken) continue;
      await fetch(`${emulator.url}/v2/bot/message/reply`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${emulator.channelAccessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ replyToken: event.replyToken, messages: answerTo(event) }),
      });
    }
    res.status(200).json({});
  });
  return { app, events };
}

function answerTo(event: EventJson): unknown[] {
  if (event.type === 'message' && event.message.type === 'text' && event.message.text === 'สวัสดี') {
    return [
      { type: 'text', text: 'สวัสดีค่ะ NeedLine ยินดีช่วยเรื่องที่อยู่อาศัย' },
      {
        type: 'flex',
        altText: 'Your report',
        contents: {
          type: 'carousel',
          contents: [
            {
              type: 'bubble',
              body: {
                type: 'box',
                layout: 'vertical',
                spacing: 'sm',
                contents: [
                  { type: 'text', text: 'Roof repair', weight: 'bold', size: 'lg' },
                  { type: 'separator' },
                  {
                    type: 'box',
                    layout: 'baseline',
                    contents: [
                      { type: 'text', text: 'Status', color: '#666666', flex: 2 },
                      { type: 'text', text: 'Received', flex: 3, wrap: true },
                    ],
                  },
                ],
              },
              footer: {
                type: 'box',
                layout: 'vertical',
                contents: [
                  {
                    type: 'button',
                    style: 'primary',
                    action: { type: 'postback', label: 'Details', data: 'case=1' },
                  },
                ],
              },
            },
            {
              type: 'bubble',
              body: {
                type: 'box',
                layout: 'vertical',
                contents: [{ type: 'text', text: 'Flood damage', weight: 'bold', wrap: true }],
              },
            },
          ],
        },
      },
      {
        type: 'template',
        altText: 'Confirm',
        template: {
          type: 'confirm',
          text: 'Is this your home?',
          actions: [
            { type: 'message', label: 'Yes', text: 'Yes' },
            { type: 'message', label: 'No', text: 'No' },
          ],
        },
        quickReply: {
          items: [
            { type: 'action', action: { type: 'message', label: 'ซ่อมบ้าน', text: 'ซ่อมบ้าน' } },
            {
              type: 'action',
              action: { type: 'datetimepicker', label: 'นัดวัน', data: 'visit', mode: 'date' },
            },
            { type: 'action', action: { type: 'location', label: 'ส่งตำแหน่ง' } },
          ],
        },
      },
    ];
  }
  return [{ type: 'text', text: `ได้รับแล้ว (${event.type})` }];
}

describeWithBrowser('sandbox chat page in a browser', () => {
  let emulator: LineEmulator;
  let bot: ReturnType<typeof botStandIn>;
  let botServer: Server;
  let appServer: Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = await startLineEmulator();
    bot = botStandIn(emulator);
    botServer = await listen(bot.app);
    const app = createApp({
      logger: testLogger,
      reportError: createErrorSink(testLogger),
      isReady: async () => true,
      routers: [
        sandboxRouter({
          emulator,
          channelSecret: SECRET,
          webhookUrl: () => `${urlOf(botServer)}/webhook`,
          logger: testLogger,
        }),
      ],
    });
    appServer = await listen(app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'th-TH' });
    // Offline: map tiles never load, and the page must work without them.
    await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => appServer?.close(resolve));
    await new Promise((resolve) => botServer?.close(resolve));
    await emulator?.stop();
  });

  const lastEvent = () => bot.events.at(-1);
  const eventCount = (n: number) => until(() => bot.events.length === n, `${n} events reached the webhook`);

  it('chats as a simulated user: text, quick replies, a date picker, a location, a photo and a block', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${urlOf(appServer)}/sandbox`);
    await page.getByRole('combobox', { name: 'แชตในนามของ' }).selectOption(SANDBOX_USERS[0]!.userId);

    await page.getByRole('button', { name: 'เพิ่มเพื่อน' }).click();
    await page.getByText('คุณเพิ่ม NeedLine เป็นเพื่อนแล้ว').waitFor();
    expect(lastEvent()).toMatchObject({ type: 'follow' });

    await page.getByLabel('ข้อความ', { exact: true }).fill('สวัสดี');
    await page.keyboard.press('Enter');
    await page.getByText('Roof repair').waitFor();
    await page.getByText('Is this your home?').waitFor();
    await page
      .getByRole('group', { name: 'ตัวเลือกตอบกลับด่วน' })
      .getByRole('button', { name: 'ซ่อมบ้าน' })
      .waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-laptop.png'), fullPage: true });

    await page.getByRole('button', { name: 'ซ่อมบ้าน' }).click();
    await eventCount(3);
    expect(lastEvent().message).toMatchObject({ type: 'text', text: 'ซ่อมบ้าน' });
    // Quick replies go once the person answers.
    await page.getByRole('button', { name: 'ซ่อมบ้าน' }).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Details' }).click();
    await eventCount(4);
    expect(lastEvent()).toMatchObject({ type: 'postback', postback: { data: 'case=1' } });

    await page.getByLabel('ข้อความ', { exact: true }).fill('สวัสดี');
    await page.getByRole('button', { name: 'ส่ง', exact: true }).click();
    await eventCount(5);
    await page.getByRole('button', { name: 'นัดวัน' }).click();
    await page.locator('#datetime-input').fill('2026-12-05');
    await page.locator('#datetime-dialog').getByRole('button', { name: 'เลือก' }).click();
    await eventCount(6);
    expect(lastEvent()).toMatchObject({
      type: 'postback',
      postback: { data: 'visit', params: { date: '2026-12-05' } },
    });

    await page.getByRole('button', { name: 'ตำแหน่ง', exact: true }).click();
    await page.getByLabel('ละติจูด').fill('16.6436');
    await page.getByLabel('ลองจิจูด').fill('101.1307');
    await page.getByLabel('ชื่อสถานที่ (ไม่บังคับ)').fill('เขาค้อ');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-location-offline.png') });
    await page.getByRole('button', { name: 'แชร์ตำแหน่ง' }).click();
    await eventCount(7);
    expect(lastEvent().message).toMatchObject({
      type: 'location',
      latitude: 16.6436,
      longitude: 101.1307,
      title: 'เขาค้อ',
    });

    await page.locator('#photo-input').setInputFiles([
      { name: 'a.png', mimeType: 'image/png', buffer: solidPng(40, 30, [200, 80, 40]) },
      { name: 'b.png', mimeType: 'image/png', buffer: solidPng(40, 30, [40, 80, 200]) },
    ]);
    await eventCount(9);
    expect(bot.events.slice(-2).map((event) => event.message.imageSet.index)).toEqual([1, 2]);
    await page.locator('img[alt="รูปภาพที่คุณส่ง"]').nth(1).waitFor();

    await page.getByRole('button', { name: 'บล็อก' }).click();
    await eventCount(10);
    expect(lastEvent().type).toBe('unfollow');
    await page.getByText('คุณบล็อก NeedLine อยู่').waitFor();
    expect(await page.getByLabel('ข้อความ', { exact: true }).isDisabled()).toBe(true);

    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-laptop-after.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('is usable on a phone-sized screen in English', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 780 } });
    await phone.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    await phone.goto(`${urlOf(appServer)}/sandbox?lang=en`);
    await phone.getByRole('combobox', { name: 'Chat as' }).selectOption(SANDBOX_USERS[2]!.userId);
    await phone.getByLabel('Message', { exact: true }).fill('สวัสดี');
    await phone.getByRole('button', { name: 'Send', exact: true }).click();
    await phone.getByText('Roof repair').waitFor();
    await phone.screenshot({ path: path.join(ARTIFACTS, 'sandbox-phone.png') });
    await phone.close();
  });
});
