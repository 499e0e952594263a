import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { CaseInput } from '../../src/cases/case-schema';
import { caseModels, createCase } from '../../src/cases/create-case';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { staffModels } from '../../src/staff/models';
import {
  ARTIFACTS,
  hasChromium,
  launchBrowser,
  startConsoleHarness,
  until,
  type ConsoleHarness,
} from './harness';

/** The staff console in headless Chromium against the real service; needs Debian's chromium. */
const describeWithBrowser = hasChromium ? describe : describe.skip;

const VIEWER = { email: 'viewer@example.org', password: 'viewer password 12345' };

let counter = 0;
function caseInput(reporter: string, overrides: Partial<CaseInput> = {}): CaseInput {
  counter++;
  return {
    intakeId: `console-intake-${counter}-${Date.now()}`,
    consentId: 'consent-1',
    language: 'th',
    reporter: { lineUserId: reporter },
    reportedBy: 'self',
    household: {
      headName: `นางคำ ทดสอบ${counter}`,
      size: 5,
      vulnerable: ['elderly'],
      tenure: 'own',
      phone: `08123456${String(counter).padStart(2, '0')}`,
    },
    category: 'roof',
    description: { text: 'หลังคารั่ว ฝนตกน้ำเข้าบ้าน' },
    mediaIds: [],
    location: { lat: 16.6 + counter * 0.02, lng: 101.13 },
    ...overrides,
  };
}

describeWithBrowser('staff console in a browser', () => {
  let harness: ConsoleHarness;
  let browser: Browser;
  let reference: string;
  let reporter: string;
  let lastOther: [string, string];

  beforeAll(async () => {
    harness = await startConsoleHarness('console');
    browser = await launchBrowser();
    const emulator = harness.service.sandbox.emulator;
    reporter = newUserId();
    emulator.addUser({ userId: reporter, displayName: 'สมศรี', language: 'th' });
    const models = caseModels(harness.service.database.connection);
    reference = (await createCase(models, caseInput(reporter))).case.reference;
    for (let i = 0; i < 3; i++) {
      const other = newUserId();
      emulator.addUser({ userId: other, displayName: `คนที่ ${i}`, language: 'th' });
      const created = await createCase(
        models,
        caseInput(other, { category: i === 0 ? 'water' : 'walls', household: { size: 2, tenure: 'rent' } }),
      );
      lastOther = [other, created.case.reference];
    }
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  async function signIn(credentials: { email: string; password: string }, language = 'en'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Offline, as behind a firewall: the map must still show its pins.
    await page.route('https://tile.openstreetmap.org/**', (route) => route.abort());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(
      (lang) =>
        (
          globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
        ).localStorage.setItem('needline.console.lang', lang),
      language,
    );
    await page.goto(`${harness.url}/console`);
    await page.getByLabel(language === 'th' ? 'อีเมล' : 'Email').fill(credentials.email);
    await page.getByLabel(language === 'th' ? 'รหัสผ่าน' : 'Password').fill(credentials.password);
    await page.getByRole('button', { name: language === 'th' ? 'เข้าสู่ระบบ' : 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    expect(errors).toEqual([]);
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('refuses a wrong password and signs an admin in and out', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.url}/console`);
    await page.getByLabel('อีเมล').fill(harness.admin.email);
    await page.getByLabel('รหัสผ่าน').fill('not the password');
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.getByText('อีเมลหรือรหัสผ่านไม่ถูกต้อง').waitFor();
    await shot(page, '00-sign-in-th');
    await page.getByLabel('รหัสผ่าน').fill(harness.admin.password);
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.getByTestId('whoami').waitFor();
    await page.getByRole('heading', { name: 'เรื่องแจ้ง' }).waitFor();
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Cases' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  it('finds the case, changes its status with a preview, and the reporter gets the card', async () => {
    const page = await signIn(harness.admin);
    await page.getByTestId('cases-table').waitFor();
    expect(await page.locator('[data-testid=cases-table] tbody tr').count()).toBe(4);
    await shot(page, '01-cases');

    await page.getByLabel('Search').fill(reference);
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(
      async () => (await page.locator('[data-testid=cases-table] tbody tr').count()) === 1,
      'one row',
    );
    await page.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { name: reference }).waitFor();
    await page.getByText('นางคำ ทดสอบ1').waitFor();

    await page.getByTestId('next-status').selectOption('reviewing');
    // The preview opens in the reporter's language, whatever the console's.
    const preview = page.getByTestId('reporter-preview');
    await expect(preview.textContent()).resolves.toContain('กำลังพิจารณา');
    await expect(preview.textContent()).resolves.toContain(reference);
    const previewIn = page.getByLabel('Preview in');
    expect(
      await previewIn.evaluate((s: { selectedOptions: { text: string }[] }) => s.selectedOptions[0]!.text),
    ).toBe("ไทย (the reporter's language)");
    await previewIn.selectOption('en');
    await expect(preview.textContent()).resolves.toContain('Under review');
    // Reviewing is quiet by default: the form says the step costs nothing and reaches nobody.
    const notify = page.getByLabel('Send the reporter a card on LINE');
    const cost = page.getByTestId('notify-cost');
    expect(await notify.isChecked()).toBe(false);
    await expect(cost.textContent()).resolves.toContain('no LINE message');
    // Ticked, it says what it costs: one message of the quota, free if the reporter writes first.
    await notify.check();
    await expect(cost.textContent()).resolves.toContain('1 message of the monthly LINE quota');
    await expect(cost.textContent()).resolves.toContain('within 3 minutes');
    await shot(page, '02-case');

    await page.getByRole('button', { name: 'Change status and tell the reporter' }).click();
    await page.locator('.case-head [data-status=reviewing]').waitFor();
    // The news waits for the reporter to write; the job pushes it once the window ends.
    await harness.service.reporterUpdates.deliverDue(new Date(Date.now() + 10 * 60_000));
    const sent = await until(
      () =>
        harness.service.sandbox.emulator
          .sentMessages(reporter)
          .find((m) => JSON.stringify(m.message).includes(reference)),
      'the reporter receives the status card',
    );
    expect(sent.message.type).toBe('flex');

    // An internal note, shown in the timeline.
    await page.getByLabel('Text').fill('โทรนัดแล้ว');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('.timeline').getByText('โทรนัดแล้ว').waitFor();

    // An intermediate step recorded without a card (each push costs LINE quota).
    const [quiet, quietCase] = lastOther;
    await page.goto(`${harness.url}/console#/case/${quietCase}`);
    await page.getByRole('heading', { name: quietCase }).waitFor();
    await page.getByTestId('next-status').selectOption('reviewing');
    await page.getByLabel('Send the reporter a card on LINE').uncheck();
    await page.getByRole('button', { name: 'Change the status without telling the reporter' }).click();
    await page.locator('.case-head [data-status=reviewing]').waitFor();
    expect(harness.service.sandbox.emulator.sentMessages(quiet)).toHaveLength(0);
    await page.locator('.timeline').getByText('reporter not told').waitFor();
    // A visit is always told: no such choice there.
    await page.getByTestId('next-status').selectOption('visit_scheduled');
    expect(await page.getByLabel('Send the reporter a card on LINE').isVisible()).toBe(false);
    await expect(page.getByTestId('notify-cost').textContent()).resolves.toContain('Reaches the reporter');
    await page.close();
  });

  it('shows a viewer masked data and no edit controls', async () => {
    const admin = await signIn(harness.admin);
    await admin.goto(`${harness.url}/console#/staff`);
    await admin.getByRole('heading', { name: 'Staff accounts' }).waitFor();
    await shot(admin, '06-staff');
    await admin.getByLabel('Email').fill(VIEWER.email);
    await admin.getByLabel('Name', { exact: true }).fill('Vee Viewer');
    await admin.getByLabel('Role', { exact: true }).selectOption('viewer');
    await admin.getByLabel('Initial password').fill(VIEWER.password);
    await admin.getByRole('button', { name: 'Create account' }).click();
    await admin.locator(`tr[data-email="${VIEWER.email}"]`).waitFor();

    // A caseworker's provinces are written by name (or code); a name that is no province is pointed out.
    await admin.getByLabel('Email').fill('case.worker@example.org');
    await admin.getByLabel('Name', { exact: true }).fill('Cee Worker');
    await admin.getByLabel('Role', { exact: true }).selectOption('caseworker');
    const provinces = admin.locator('input[name=provinces]');
    await provinces.fill('Chiang Mai, ลำพูน, Atlantis');
    expect(await provinces.evaluate((input: { validationMessage: string }) => input.validationMessage)).toBe(
      'Not a province: Atlantis',
    );
    await provinces.fill('Chiang Mai, จังหวัดลำพูน, 67');
    await admin.getByLabel('Initial password').fill(VIEWER.password);
    await admin.getByRole('button', { name: 'Create account' }).click();
    const worker = admin.locator('tr[data-email="case.worker@example.org"]');
    await worker.waitFor();
    const workerProvinces = worker.getByLabel('Provinces of Cee Worker');
    expect(await workerProvinces.inputValue()).toBe('Chiang Mai, Lamphun, Phetchabun');
    // Made a coordinator, they keep their provinces; a code the directory does not know is kept, not dropped.
    await workerProvinces.fill('Chiang Mai, 99');
    expect(
      await workerProvinces.evaluate((input: { validationMessage: string }) => input.validationMessage),
    ).toBe('');
    await worker.getByLabel('Role of Cee Worker').selectOption('coordinator');
    await worker.getByRole('button', { name: 'Save' }).click();
    await admin.locator('#toast').getByText('Saved.').waitFor();
    const stored = await staffModels(harness.service.database.connection)
      .Staff.findOne({ email: 'case.worker@example.org' })
      .lean();
    expect(stored).toMatchObject({ role: 'coordinator', provinces: ['50', '99'] });
    await admin.goto(`${harness.url}/console#/audit`);
    await admin.getByRole('cell', { name: 'staff.create' }).first().waitFor();
    await shot(admin, '07-audit');
    await admin.close();

    const page = await signIn(VIEWER);
    await page.getByTestId('cases-table').waitFor();
    expect(await page.locator('td.masked').count()).toBe(4);
    await expect(page.content()).resolves.not.toContain('นางคำ');
    const links = await page.locator('nav.nav a').allTextContents();
    expect(links).not.toContain('Staff');
    expect(links).not.toContain('Broadcasts');
    await page.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { name: reference }).waitFor();
    await expect(page.content()).resolves.not.toContain('นางคำ');
    expect(await page.locator('form, [data-testid=case-actions]').count()).toBe(0);
    expect(await page.getByText('Photos and voice messages are hidden for your role.').count()).toBe(1);
    await shot(page, '03-case-viewer');
    await page.close();
  });

  it('shows the map with pins offline and the dashboard', async () => {
    const page = await signIn(harness.admin);
    await page.goto(`${harness.url}/console#/map`);
    await page.getByText('4 cases with a location').waitFor();
    await until(async () => (await page.locator('path.leaflet-interactive').count()) === 4, 'four pins');
    await shot(page, '04-map');
    await page.goto(`${harness.url}/console#/dashboard`);
    await expect(page.getByTestId('kpi-total').textContent()).resolves.toBe('4');
    await shot(page, '05-dashboard');
    await page.close();
  });

  it('exports the filtered cases as CSV and reads them back', async () => {
    const page = await signIn(harness.admin);
    await page.getByLabel('Category').selectOption('roof');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(
      async () => (await page.locator('[data-testid=cases-table] tbody tr').count()) === 1,
      'filtered',
    );
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=csv]')]);
    const file = path.join(ARTIFACTS, 'export.csv');
    await download.saveAs(file);
    const text = readFileSync(file, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(reference);

    // A province is chosen by its name; the API gets its code.
    await page.getByLabel('Province').selectOption({ label: 'Phetchabun' });
    const [listed] = await Promise.all([
      page.waitForRequest((req) => req.url().includes('/api/cases?')),
      page.getByRole('button', { name: 'Apply' }).click(),
    ]);
    expect(new URL(listed.url()).searchParams.get('province')).toBe('67');
    await until(
      async () => (await page.locator('[data-testid=cases-table] tbody tr').count()) === 1,
      'the roof case in Phetchabun',
    );
    await page.close();
  });

  it('composes a broadcast to a small audience, sees its cost and sends it', async () => {
    const page = await signIn(harness.admin);
    await page.goto(`${harness.url}/console#/broadcasts`);
    await page.getByTestId('broadcast-form').waitFor();
    await page.getByLabel('Message in Thai').fill('ประชุมหมู่บ้านวันเสาร์นี้');
    // An area is chosen by names: the districts offered are the chosen province's.
    await page.getByTestId('audience-type').selectOption('area');
    await page.getByLabel('Province', { exact: true }).selectOption({ label: 'Phetchabun' });
    await page.getByLabel('District', { exact: true }).selectOption({ label: 'Khao Kho' });
    expect(await page.getByLabel('District', { exact: true }).inputValue()).toBe('6711');
    await page.getByLabel('Province', { exact: true }).selectOption('');
    expect(await page.getByLabel('District', { exact: true }).inputValue()).toBe('');
    await page.getByTestId('audience-type').selectOption('cases');
    await page.getByLabel('Case categories').selectOption('water');
    await page.getByTestId('estimate-button').click();
    await expect(page.getByTestId('audience-size').textContent()).resolves.toBe('1');
    await expect(page.getByTestId('estimate').textContent()).resolves.toContain('Thai: 1');
    await shot(page, '08-broadcast-compose');
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByTestId('broadcasts-table').waitFor();
    // An empty list is truthy: wait until the broadcast has really arrived.
    const received = await until(() => {
      const arrived = harness.service.sandbox.emulator
        .sentMessages()
        .filter((m) => JSON.stringify(m.message).includes('ประชุมหมู่บ้านวันเสาร์นี้'));
      return arrived.length > 0 ? arrived : undefined;
    }, 'the audience receives the broadcast');
    // One recipient, once.
    expect(received).toHaveLength(1);
    expect(received.some((m) => m.to === reporter)).toBe(false);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('[data-testid=broadcasts-table] tr[data-status^=completed]').waitFor();
    await shot(page, '09-broadcasts');
    await page.close();
  });

  it('stays readable on a phone', async () => {
    const page = await signIn(harness.admin, 'th');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('cases-table').waitFor();
    await shot(page, '11-cases-phone-th');
    await page.goto(`${harness.url}/console#/case/${reference}`);
    await page.getByRole('heading', { name: reference }).waitFor();
    await shot(page, '12-case-phone-th');
    await page.close();
  });

  it('shows the hand-offs inbox and the volunteers page', async () => {
    const page = await signIn(harness.admin, 'th');
    await page.goto(`${harness.url}/console#/handoffs`);
    await page.getByText('ไม่มีใครรอคุยกับเจ้าหน้าที่').waitFor();
    await page.goto(`${harness.url}/console#/volunteers`);
    await page.getByRole('heading', { name: 'อาสาสมัคร' }).waitFor();
    await shot(page, '10-volunteers-th');
    await page.close();
  });
});
