import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { caseModels, createCase } from '../../src/cases/create-case';
import { handoffModel } from '../../src/handoffs/model';
import { ingestionModels } from '../../src/ingestion/models';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { caseInput } from '../case-api/helpers';
import { ARTIFACTS, hasChromium, launchBrowser, startConsoleHarness, type ConsoleHarness } from './harness';

/** Hand-offs, dates and phone numbers in the console, in headless Chromium; needs Debian's chromium. */
const describeWithBrowser = hasChromium ? describe : describe.skip;

describeWithBrowser('console: hand-offs, dates, phones', () => {
  let harness: ConsoleHarness;
  let browser: Browser;
  let token: string;
  let reference: string;
  const userId = newUserId();

  beforeAll(async () => {
    harness = await startConsoleHarness('console-handoffs');
    browser = await launchBrowser();
    const connection = harness.service.database.connection;
    const { LineUser, InboundEvent, OutboundMessage } = ingestionModels(connection);
    await LineUser.create({ _id: userId, displayName: 'สมศรี ใจดี', language: 'th' });
    const created = await createCase(
      caseModels(connection),
      caseInput({
        reporter: { lineUserId: userId },
        household: { size: 3, vulnerable: [], tenure: 'own', headName: 'สมศรี', phone: '0812345678' },
      }),
    );
    reference = created.case.reference;

    let at = Date.parse('2026-03-01T02:00:00Z');
    const nextAt = () => new Date((at += 1000));
    const userSays = (type: string, event: Record<string, unknown>) =>
      InboundEvent.create({
        _id: `ev-${at}`,
        chatKey: `user:${userId}`,
        userId,
        type,
        timestamp: at,
        receivedAt: nextAt(),
        payload: JSON.stringify({ type, source: { type: 'user', userId }, ...event }),
      });
    const botSays = (messages: unknown[]) =>
      OutboundMessage.create({
        _id: `out-${at}`,
        to: userId,
        purpose: 'reply',
        messages,
        chunks: [{ index: 0, retryKey: `k-${at}`, status: 'sent' }],
        status: 'sent',
        nextAttemptAt: new Date(at),
        createdAt: nextAt(),
      });
    await botSays([
      {
        type: 'text',
        text: 'หลังคาเป็นอย่างไรบ้าง',
        quickReply: {
          items: [{ type: 'action', action: { type: 'postback', label: '🏠 รั่วมาก', data: 'a:roof:bad' } }],
        },
      },
    ]);
    await userSays('postback', { postback: { data: 'a:roof:bad' } });
    await userSays('postback', { postback: { data: 'cmd:rich-menu-area' } });
    for (let i = 1; i <= 60; i++)
      await userSays('message', { message: { type: 'text', text: `ข้อความ ${i}` } });
    await handoffModel(connection).create({ _id: userId, status: 'open', since: new Date(at) });

    const login = await request(harness.url)
      .post('/api/auth/login')
      .send({ email: harness.admin.email, password: harness.admin.password })
      .expect(200);
    token = login.body.token;
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  async function signIn(language: 'th' | 'en'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.route('https://tile.openstreetmap.org/**', (route) => route.abort());
    await page.addInitScript(
      (lang) =>
        (
          globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
        ).localStorage.setItem('needline.console.lang', lang),
      language,
    );
    await page.goto(`${harness.url}/console`);
    await page.getByLabel(language === 'th' ? 'อีเมล' : 'Email').fill(harness.admin.email);
    await page.getByLabel(language === 'th' ? 'รหัสผ่าน' : 'Password').fill(harness.admin.password);
    await page.getByRole('button', { name: language === 'th' ? 'เข้าสู่ระบบ' : 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('names the waiting user, links their case, opens the chat at its latest message and pages back', async () => {
    const page = await signIn('en');
    await page.goto(`${harness.url}/console#/handoffs`);
    const item = page.locator(`li[data-user="${userId}"]`);
    await item.getByRole('button', { name: /สมศรี ใจดี/ }).waitFor();
    expect(await page.getByText(/Person \d/).count()).toBe(0);
    // Which language to answer in, in words.
    expect(await item.getByRole('button').innerText()).toContain('answer in Thai');
    await item.getByRole('link', { name: reference }).waitFor();

    await item.getByRole('button', { name: /สมศรี ใจดี/ }).click();
    const messages = page.getByTestId('handoff-messages');
    await messages.locator('li').last().getByText('ข้อความ 60').waitFor();
    expect(await messages.getByText('ข้อความ 1', { exact: true }).count()).toBe(0);
    const scrolled = await messages.evaluate(
      (list: { scrollTop: number; clientHeight: number; scrollHeight: number }) =>
        list.scrollHeight > list.clientHeight && list.scrollTop + list.clientHeight >= list.scrollHeight - 2,
    );
    expect(scrolled).toBe(true);
    await shot(page, '20-handoff-latest');

    const earlier = page.getByRole('button', { name: 'Show earlier messages' });
    while (await earlier.isVisible()) {
      const before = await messages.locator('li').count();
      await earlier.click();
      await page.waitForFunction(
        (n) =>
          (
            globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
          ).document.querySelectorAll('[data-testid=handoff-messages] li').length > n,
        before,
      );
    }
    // Question, two taps, sixty messages: all of them once, oldest first.
    expect(await messages.locator('li').count()).toBe(63);
    const texts = await messages.locator('li p').allTextContents();
    expect(texts.slice(0, 4)).toEqual([
      'หลังคาเป็นอย่างไรบ้าง',
      'Tapped “🏠 รั่วมาก”',
      'Tapped a button',
      'ข้อความ 1',
    ]);
    expect(texts.join('\n')).not.toMatch(/\[postback\]|a:roof|cmd:/);
    await shot(page, '21-handoff-earliest');

    await item.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { name: reference }).waitFor();
    // Shown grouped, stored as typed.
    await page.getByRole('link', { name: '081-234-5678' }).waitFor();
    expect(await page.getByRole('link', { name: '081-234-5678' }).getAttribute('href')).toBe(
      'tel:0812345678',
    );
    await page.close();
  });

  it('reads and writes Buddhist-Era dates in the Thai console and CE ones in English; the API gets ISO', async () => {
    const thai = await signIn('th');
    await thai.getByTestId('cases-table').waitFor();
    const from = thai.locator('input[name=from]');
    expect(await from.getAttribute('placeholder')).toBe('วว/ดด/ปปปป');
    await from.fill('๑/๓/๒๕๖๙');
    await from.dispatchEvent('change');
    expect(await from.inputValue()).toBe('01/03/2569');
    const [listed] = await Promise.all([
      thai.waitForRequest((req) => req.url().includes('/api/cases?')),
      thai.getByRole('button', { name: 'กรอง' }).click(),
    ]);
    expect(new URL(listed.url()).searchParams.get('from')).toBe('2026-03-01');

    // A day that does not exist: the form says so and asks nothing of the API.
    const to = thai.locator('input[name=to]');
    await to.fill('31/02/2569');
    let asked = false;
    thai.on('request', (req) => {
      if (req.url().includes('/api/cases?')) asked = true;
    });
    await thai.getByRole('button', { name: 'กรอง' }).click();
    expect(await to.evaluate((input: { validity: { valid: boolean } }) => input.validity.valid)).toBe(false);
    expect(asked).toBe(false);

    // Schedule a visit on the Thai console with a BE date; the case keeps it after the visit.
    const auth = { authorization: `Bearer ${token}` };
    await request(harness.url)
      .patch(`/api/cases/${reference}`)
      .set(auth)
      .send({ status: 'reviewing' })
      .expect(200);
    await thai.goto(`${harness.url}/console#/case/${reference}`);
    await thai.getByTestId('next-status').selectOption('visit_scheduled');
    // A date already past, or a year typed wrong, is pointed out before the family is sent it.
    const visitInput = thai.locator('input[name=visitDate]');
    const warning = thai.getByTestId('status-form').getByRole('status');
    await visitInput.fill('01/01/2568');
    await warning.getByText('วันที่ 1 ม.ค. 2568 ผ่านไปแล้ว', { exact: false }).waitFor();
    await visitInput.fill('01/01/2580');
    await warning.getByText('อยู่อีกเกินหนึ่งปี', { exact: false }).waitFor();
    const nextWeek = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Bangkok' })
      .format(new Date(Date.now() + 7 * 24 * 3600 * 1000))
      .replace(/(\d{4})$/, (year) => String(Number(year) + 543));
    await visitInput.fill(nextWeek);
    await warning.waitFor({ state: 'hidden' });
    await visitInput.fill('24/12/2569');
    await thai.getByRole('button', { name: 'เปลี่ยนสถานะและแจ้งผู้แจ้ง' }).click();
    await thai.locator('.case-head [data-status=visit_scheduled]').waitFor();
    const scheduled = await request(harness.url).get(`/api/cases/${reference}`).set(auth).expect(200);
    expect(scheduled.body.visitDate).toBe('2026-12-24');
    // A visit already past stays on the case without a warning until staff type a date that would be sent.
    await caseModels(harness.service.database.connection).cases.updateOne(
      { reference },
      { $set: { visitDate: '2025-01-01' } },
    );
    await thai.reload();
    await thai.locator('.case-head [data-status=visit_scheduled]').waitFor();
    const statusRegion = thai.getByTestId('status-form').getByRole('status');
    expect(await thai.locator('input[name=visitDate]').inputValue()).toBe('01/01/2568');
    expect(await statusRegion.textContent()).toBe('');
    await thai.locator('input[name=visitDate]').fill('02/01/2568');
    await statusRegion.getByText('ผ่านไปแล้ว', { exact: false }).waitFor();
    await caseModels(harness.service.database.connection).cases.updateOne(
      { reference },
      { $set: { visitDate: '2026-12-24' } },
    );
    await request(harness.url)
      .patch(`/api/cases/${reference}`)
      .set(auth)
      .send({ status: 'assessed' })
      .expect(200);
    await thai.reload();
    await thai.locator('.case-head [data-status=assessed]').waitFor();
    await thai
      .locator('dl.facts')
      .getByText(/24 ธ\.ค\. 2569/)
      .waitFor();
    await shot(thai, '22-case-visit-kept-th');

    // A refusal from the API reads in the console's language, not in the API's English.
    await thai.getByTestId('next-status').selectOption('approved');
    await request(harness.url)
      .patch(`/api/cases/${reference}`)
      .set(auth)
      .send({ status: 'declined', reason: 'นอกพื้นที่' })
      .expect(200);
    await thai.getByRole('button', { name: 'เปลี่ยนสถานะและแจ้งผู้แจ้ง' }).click();
    await thai
      .locator('#toast')
      .getByText('เรื่องนี้อยู่ในสถานะ “ไม่ผ่านการพิจารณา” ซึ่งเป็นสถานะสุดท้าย เปลี่ยนไม่ได้แล้ว', { exact: false })
      .waitFor();
    await thai.close();

    const english = await signIn('en');
    await english.getByTestId('cases-table').waitFor();
    const fromEn = english.locator('input[name=from]');
    expect(await fromEn.getAttribute('placeholder')).toBe('dd/mm/yyyy');
    await fromEn.fill('24/12/2026');
    const [listedEn] = await Promise.all([
      english.waitForRequest((req) => req.url().includes('/api/cases?')),
      english.getByRole('button', { name: 'Apply' }).click(),
    ]);
    expect(new URL(listedEn.url()).searchParams.get('from')).toBe('2026-12-24');
    // A Thai staff member writes the Buddhist Era in the English console too: still 2026.
    await fromEn.fill('25/12/2569');
    const [listedBe] = await Promise.all([
      english.waitForRequest((req) => req.url().includes('/api/cases?')),
      english.getByRole('button', { name: 'Apply' }).click(),
    ]);
    expect(new URL(listedBe.url()).searchParams.get('from')).toBe('2026-12-25');
    await english.close();
  });
});
