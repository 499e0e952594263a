import type { Browser } from 'playwright-core';
import { notifyStaff, staffNotificationModel } from '../../src/notifications/staff-notifications';
import { hasChromium, launchBrowser, startConsoleHarness, type ConsoleHarness } from './harness';

/** The notifications page in headless Chromium against the real service; needs Debian's chromium. */
const describeWithBrowser = hasChromium ? describe : describe.skip;

describeWithBrowser('notifications page in a browser', () => {
  let harness: ConsoleHarness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startConsoleHarness('notifications');
    browser = await launchBrowser();
    const connection = harness.service.database.connection;
    const admin = await connection.collection('staff').findOne({ email: harness.admin.email });
    if (!admin) throw new Error('the sandbox admin is missing');
    const staffId = admin._id.toHexString();
    const model = staffNotificationModel(connection);
    await notifyStaff(model, {
      _id: 'digest-1',
      staffId,
      createdAt: new Date('2026-11-20T01:00:00Z'),
      data: {
        kind: 'daily_digest',
        date: '2026-11-20',
        provinces: ['50'],
        newCases: 4,
        overdueCases: 2,
        visitWaiting: 1,
        handoffsOpen: 3,
        handoffsWaitingOverDay: 1,
      },
    });
    await notifyStaff(model, {
      _id: 'sla-1',
      staffId,
      createdAt: new Date('2026-11-21T01:00:00Z'),
      data: {
        kind: 'sla_escalated',
        reference: 'NL-2611-0007',
        status: 'new',
        provinceCode: '50',
        idleSince: new Date('2026-11-14T01:00:00Z'),
        idleDays: 7,
      },
    });
    await notifyStaff(model, {
      _id: 'reopen-1',
      staffId,
      createdAt: new Date('2026-11-22T01:00:00Z'),
      data: { kind: 'reopen_requested', reference: 'NL-2611-0009', at: new Date('2026-11-22T00:30:00Z') },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  it('lists the three kinds worded newest first, counts them unread and marks one read', async () => {
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

    const badge = page.getByTestId('unread-badge');
    await page.getByRole('link', { name: 'Notifications 3 unread' }).waitFor();
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();

    const items = page.getByTestId('notifications').locator('li');
    await expect(items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')))).resolves.toEqual([
      'reopen_requested',
      'sla_escalated',
      'daily_digest',
    ]);
    const text = (await page.getByTestId('notifications').textContent()) ?? '';
    expect(text).toContain('Reopen requested for case NL-2611-0009');
    expect(text).toContain('Case NL-2611-0007 is overdue');
    expect(text).toContain('No staff action for 7 days, since 14 Nov 2026');
    expect(text).toContain('Daily summary for 20 Nov 2026');
    expect(text).toContain('New cases: 4 · Overdue: 2 · Waiting for a visit: 1 · Hand-offs open: 3');
    // Provinces by name, not by their codes.
    expect(text).toContain('Province: Chiang Mai');
    expect(text).toContain('Provinces: Chiang Mai');
    expect(text).not.toMatch(/notifications\.|\{\{/);
    await expect(
      page.getByRole('link', { name: 'Open case NL-2611-0007' }).getAttribute('href'),
    ).resolves.toBe('#/case/NL-2611-0007');
    await expect(page.getByTestId('unread-summary').textContent()).resolves.toBe('Unread: 3');

    // Keyboard only: focus the labelled button and press Enter.
    await page.getByRole('button', { name: 'Mark as read: Case NL-2611-0007 is overdue' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('unread-summary').getByText('Unread: 2').waitFor();
    await expect(badge.textContent()).resolves.toBe('2 unread');
    await expect(
      page
        .locator('li[data-id="sla-1"]')
        .getByRole('button', { name: /Mark as read/ })
        .count(),
    ).resolves.toBe(0);

    // The server agrees, and the badge says so after a reload.
    const stored = await staffNotificationModel(harness.service.database.connection).findById('sla-1').lean();
    expect(stored?.readAt).toBeInstanceOf(Date);
    await page.reload();
    await page.getByRole('link', { name: 'Notifications 2 unread' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
