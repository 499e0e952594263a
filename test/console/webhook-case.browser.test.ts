import path from 'node:path';
import type { Browser } from 'playwright-core';
import { caseModels } from '../../src/cases/create-case';
import { consentedPerson, type SandboxService } from '../e2e/harness';
import {
  ARTIFACTS,
  hasChromium,
  launchBrowser,
  startConsoleHarness,
  until,
  type ConsoleHarness,
} from './harness';

/** A report made on LINE (signed webhook events, as LINE sends them) followed up in the console. */
const describeWithBrowser = hasChromium ? describe : describe.skip;

describeWithBrowser('a case reported through LINE, in the console', () => {
  let harness: ConsoleHarness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startConsoleHarness('webhookcase');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  it('finds it, changes its status, and the emulator records the card to the reporter', async () => {
    const person = await consentedPerson(harness.service as SandboxService, 'th', 'สมศรี');
    await person.tap('a:full:report');
    await person.say('หลังคารั่ว ฝนตกน้ำเข้าห้องนอน');
    await person.tap('a:photos:__skip');
    await person.shareLocation(16.65, 101.13);
    await person.tap('a:phone:__skip');
    await person.tap('a:summary:confirm');
    // One household question answered, the rest left for later: staff see what is missing.
    await person.say('๕');
    await person.tap('cmd:cancel');
    const created = await caseModels(harness.service.database.connection)
      .cases.findOne({ 'reporter.lineUserId': person.userId })
      .lean();
    const reference = created!.reference;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.route('https://tile.openstreetmap.org/**', (route) => route.abort());
    await page.goto(`${harness.url}/console`);
    await page.getByLabel('อีเมล').fill(harness.admin.email);
    await page.getByLabel('รหัสผ่าน').fill(harness.admin.password);
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.getByTestId('cases-table').waitFor();
    await page.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { name: reference }).waitFor();
    await page.getByText('หลังคารั่ว ฝนตกน้ำเข้าห้องนอน').waitFor();
    // The answers not given yet, and a priority that says it rests on partial answers.
    await page.getByText('ยังไม่ได้ตอบ').first().waitFor();
    await page.getByText('ยังไม่ครบ: ยังไม่ได้ตอบ สมาชิกกลุ่มเปราะบาง, สิทธิในที่ดิน').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '20-case-from-line.png'), fullPage: true });

    await page.getByTestId('next-status').selectOption('reviewing');
    // Reviewing is quiet by default: told here on purpose.
    await page.locator('input[name=notify]').check();
    await page.locator('[data-testid=case-actions] button[type=submit]').first().click();
    await page.locator('.case-head [data-status=reviewing]').waitFor();
    // The news waits for the reporter to write; the job pushes it once the window ends.
    await harness.service.reporterUpdates.deliverDue(new Date(Date.now() + 10 * 60_000));
    const card = await until(
      () =>
        person.emulator
          .sentMessages(person.userId)
          .find(
            (m) =>
              m.message.type === 'flex' && JSON.stringify(m.message).includes(reference) && m.via === 'push',
          ),
      'the reporter receives the status card',
    );
    expect(JSON.stringify(card.message)).toContain('กำลังพิจารณา');
    await page.close();
  });
});
