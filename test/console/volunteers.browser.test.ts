import type { Browser, Page } from 'playwright-core';
import { createI18n, loadResources } from '../../src/i18n';
import { createLineApi } from '../../src/line/line-api';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { buildRichMenuDefinitions, deployRichMenus, loadRichMenuImages } from '../../src/richmenus';
import { volunteerModels } from '../../src/volunteers/model';
import { hasChromium, launchBrowser, startConsoleHarness, until, type ConsoleHarness } from './harness';

/** The volunteers page in headless Chromium against the real service; needs Debian's chromium. */
const describeWithBrowser = hasChromium ? describe : describe.skip;

describeWithBrowser('volunteers page in a browser', () => {
  let harness: ConsoleHarness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startConsoleHarness('volunteers');
    browser = await launchBrowser();
    // Sandbox start-up does not deploy the rich menus; approving links the volunteer menu by alias.
    const emulator = harness.service.sandbox.emulator;
    const lineApi = createLineApi({
      channelAccessToken: emulator.channelAccessToken,
      apiBaseUrl: emulator.url,
      dataApiBaseUrl: emulator.url,
    });
    const definitions = buildRichMenuDefinitions(createI18n('th', loadResources()).getFixedT('th'));
    await deployRichMenus(lineApi, definitions, loadRichMenuImages(definitions));
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  /** A pending registration as the chat flow leaves it, for a LINE user the emulator knows. */
  async function pending(name: string) {
    const lineUserId = newUserId();
    harness.service.sandbox.emulator.addUser({ userId: lineUserId, displayName: name, language: 'en' });
    const id = `volunteer-run-${lineUserId}`;
    await volunteerModels(harness.service.database.connection).Volunteer.create({
      _id: id,
      lineUserId,
      status: 'pending',
      name,
      phone: '0812345678',
      organisation: 'Village health volunteers',
      areas: [
        {
          provinceCode: '50',
          province: 'เชียงใหม่',
          provinceEn: 'Chiang Mai',
          districtCode: '5007',
          district: 'แม่ริม',
          districtEn: 'Mae Rim',
        },
      ],
      areasTyped: 'Mae Rim',
      unresolvedAreas: [],
      language: 'en',
      registeredAt: new Date('2026-11-20T03:00:00Z'),
    });
    return { id, lineUserId };
  }

  async function signIn(): Promise<{ page: Page; token: string }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(() =>
      (
        globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
      ).localStorage.setItem('needline.console.lang', 'en'),
    );
    await page.goto(`${harness.url}/console`);
    await page.getByLabel('Email').fill(harness.admin.email);
    await page.getByLabel('Password').fill(harness.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    expect(errors).toEqual([]);
    const token = await page.evaluate(
      () =>
        JSON.parse(
          (
            globalThis as unknown as { sessionStorage: { getItem(k: string): string } }
          ).sessionStorage.getItem('needline.console.session'),
        ).token as string,
    );
    return { page, token };
  }

  const listed = async (token: string, status: string) => {
    const response = await fetch(`${harness.url}/api/volunteers?status=${status}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: { id: string; reason: string | null }[] }).items;
  };

  it('approves a pending registration: the API lists it as active and the volunteer is told', async () => {
    const { id, lineUserId } = await pending('Somchai Volunteer');
    const { page, token } = await signIn();
    await page.getByRole('link', { name: 'Volunteers' }).click();
    await page.getByRole('heading', { name: 'Volunteers' }).waitFor();
    const row = page.locator(`tr[data-id="${id}"]`);
    await expect(row.textContent()).resolves.toContain('Mae Rim, Chiang Mai');
    await expect(row.textContent()).resolves.toContain('Village health volunteers');
    // Grouped as the chat writes it; the link dials the number as stored.
    await expect(row.textContent()).resolves.toContain('081-234-5678');
    await expect(row.getByRole('link', { name: '081-234-5678' }).getAttribute('href')).resolves.toBe(
      'tel:0812345678',
    );

    // Keyboard only: focus the labelled button and press Enter.
    await page.getByRole('button', { name: 'Approve Somchai Volunteer' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Somchai Volunteer is approved and has been told on LINE.').waitFor();
    await page.getByText('No registrations are waiting for review.').waitFor();

    expect((await listed(token, 'active')).map((v) => v.id)).toContain(id);
    expect((await listed(token, 'pending')).map((v) => v.id)).not.toContain(id);
    const told = await until(
      () =>
        harness.service.sandbox.emulator
          .sentMessages(lineUserId)
          .find((m) => JSON.stringify(m.message).includes('you are now a NeedLine volunteer')),
      'the volunteer receives the approval',
    );
    expect(told.message.type).toBe('text');

    await page.getByRole('link', { name: 'Active' }).click();
    await page
      .locator(`tr[data-id="${id}"]`)
      .getByRole('button', { name: 'Revoke Somchai Volunteer' })
      .waitFor();
    await page.close();
  });

  it('rejects a pending registration with an internal reason', async () => {
    const { id } = await pending('Malee Applicant');
    const { page, token } = await signIn();
    await page.goto(`${harness.url}/console#/volunteers/pending`);
    await page.getByLabel('Reason for rejecting Malee Applicant (optional)').fill('Phone unreachable');
    await page.getByRole('button', { name: 'Reject Malee Applicant' }).click();
    await page.getByText("Malee Applicant's registration is rejected").waitFor();
    const rejected = await listed(token, 'rejected');
    expect(rejected.find((v) => v.id === id)?.reason).toBe('Phone unreachable');
    await page.goto(`${harness.url}/console#/volunteers/rejected`);
    await page.locator(`tr[data-id="${id}"]`).getByText('Phone unreachable').waitFor();
    await page.close();
  });
});
