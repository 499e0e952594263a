import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchBrowser, startConsoleHarness, type ConsoleHarness } from '../console/harness';

/**
 * The demo from the console's button to what a newcomer sees: dashboard, map, cases, hand-offs and
 * the public page, at laptop and phone sizes. Screenshots in test-artifacts/demo/.
 */
const describeWithBrowser = hasChromium ? describe : describe.skip;
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'demo');

describeWithBrowser('the demo in a browser', () => {
  // Filling the sandbox writes a few hundred cases with their photos through the service: on two
  // shared cores that takes longer than the default minute.
  jest.setTimeout(240_000);
  let harness: ConsoleHarness;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    harness = await startConsoleHarness('demobrowser');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  async function signIn(viewport: {
    width: number;
    height: number;
  }): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport });
    await page.route('https://tile.openstreetmap.org/**', (route) => route.abort());
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
    return { page, errors };
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('fills an empty console from the dashboard button, and it looks like a service at work', async () => {
    const { page, errors } = await signIn({ width: 1280, height: 900 });
    await page.goto(`${harness.url}/console#/dashboard`);
    await page.getByTestId('demo-card').getByRole('button', { name: 'Add demo data' }).waitFor();
    await shot(page, '00-empty-dashboard');
    await page.getByRole('button', { name: 'Add demo data' }).click();
    await page.getByText('Adding demo data').waitFor();
    await page.getByText('This sandbox holds generated demo data.').waitFor({ timeout: 120_000 });
    const total = Number((await page.getByTestId('kpi-total').textContent())?.replace(/\D/g, ''));
    expect(total).toBeGreaterThan(250);
    await shot(page, '01-dashboard-laptop');

    await page.goto(`${harness.url}/console#/map`);
    await page.locator('.leaflet-marker-icon, .leaflet-interactive').first().waitFor();
    await shot(page, '02-map-laptop');
    await page.goto(`${harness.url}/console#/cases`);
    await page.getByRole('heading', { name: 'Cases' }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await shot(page, '03-cases-laptop');
    await page.goto(`${harness.url}/console#/handoffs`);
    await page
      .getByText('หลังคาที่ซ่อมไว้', { exact: false })
      .first()
      .waitFor()
      .catch(() => undefined);
    await shot(page, '04-handoffs-laptop');

    await page.goto(`${harness.url}/public?lang=en`);
    await page.getByRole('heading', { name: 'Housing needs, openly' }).waitFor();
    await page.getByTestId('demo-banner').waitFor();
    // Consented stories with their photos (loaded lazily: scrolled into view first).
    const photos = page.locator('.story img');
    expect(await photos.count()).toBeGreaterThan(4);
    for (const photo of await photos.all()) await photo.scrollIntoViewIfNeeded();
    await page.waitForFunction(() =>
      [
        ...(
          globalThis as unknown as {
            document: { images: Iterable<{ complete: boolean; naturalWidth: number }> };
          }
        ).document.images,
      ].every((image) => image.complete && image.naturalWidth > 0),
    );
    await shot(page, '05-public-laptop');
    // The map of needs by district: circles at district towns over several provinces.
    const map = page.locator('section.map-section');
    expect(await map.locator('g.point.district').count()).toBeGreaterThan(5);
    await map.screenshot({ path: path.join(ARTIFACTS, '06-public-map-laptop.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('looks right on a phone too', async () => {
    const { page, errors } = await signIn({ width: 390, height: 844 });
    await page.goto(`${harness.url}/console#/dashboard`);
    await page.getByTestId('kpi-total').waitFor();
    await shot(page, '10-dashboard-phone');
    await page.goto(`${harness.url}/public`);
    await page.getByTestId('demo-banner').waitFor();
    await shot(page, '11-public-phone');
    await page
      .locator('section.map-section')
      .screenshot({ path: path.join(ARTIFACTS, '12-public-map-phone.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes the demo data away again from the same card', async () => {
    const { page, errors } = await signIn({ width: 1280, height: 900 });
    await page.goto(`${harness.url}/console#/dashboard`);
    await page.getByRole('button', { name: 'Remove demo data' }).click();
    await page.getByRole('button', { name: 'Add demo data' }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('kpi-total').textContent()).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });
});
