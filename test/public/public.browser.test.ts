import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchBrowser } from '../console/harness';
import { startSandboxService, stopSandboxService, type SandboxService } from '../e2e/harness';
import { personalStrings, seedPublicCases, type SeededCase } from './seed';

/** The public page and widget in headless Chromium, at phone and laptop sizes; needs Debian's chromium. */
const describeWithBrowser = hasChromium ? describe : describe.skip;
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'public');

const SIZES = {
  phone: { width: 360, height: 740 },
  laptop: { width: 1280, height: 800 },
} as const;

describeWithBrowser('the public page in a browser', () => {
  let service: SandboxService;
  let seeded: SeededCase[];
  let browser: Browser;
  let partnerSite: Server;
  let partnerUrl: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    service = await startSandboxService('publicbrowser');
    seeded = await seedPublicCases(service.database.connection);
    browser = await launchBrowser();
    // A partner's site on another origin that embeds the widget.
    const partner = express();
    partner.get('/', (_req, res) => {
      res
        .type('html')
        .send(
          `<!doctype html><html><body><h1>Partner</h1><iframe id="w" src="${service.url}/public/widget?lang=en" width="340" height="300"></iframe></body></html>`,
        );
    });
    partnerSite = await new Promise((resolve) => {
      const server = partner.listen(0, '127.0.0.1', () => resolve(server));
    });
    partnerUrl = `http://localhost:${(partnerSite.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => partnerSite?.close(resolve));
    await stopSandboxService(service);
  });

  async function open(size: keyof typeof SIZES, url: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: SIZES[size] });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Browsers ask for /favicon.ico on their own; every other failed load is a fault of the page.
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico'))
        errors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(url);
    return { page, errors };
  }

  it.each(Object.keys(SIZES) as (keyof typeof SIZES)[])(
    'shows the figures, the small-cell rule and the map on a %s, with no personal data',
    async (size) => {
      const { page, errors } = await open(size, `${service.url}/public`);
      await page.getByRole('heading', { name: 'ความต้องการด้านที่อยู่อาศัย เปิดเผยต่อสาธารณะ' }).waitFor();
      await page.getByTestId('privacy').getByText('น้อยกว่า 5', { exact: false }).waitFor();
      const needs = page.locator('[data-figure="needs"] dd');
      expect(await needs.textContent()).toBe('20');
      // By district first: circles at Khao Kho (9) and Lom Kao (6); Wang Pong (2) and Chon Daen (3) are
      // never drawn alone, only together (5) at the province's centre, as the table's "other districts".
      const map = page.locator('section.map-section');
      const districts = map.locator('g.point.district');
      await districts.first().waitFor();
      expect(
        await districts.evaluateAll((gs) =>
          gs.map((g) => [g.getAttribute('data-district'), g.querySelector('text')?.textContent]),
        ),
      ).toEqual([
        ['6711', '9'],
        ['6704', '6'],
      ]);
      expect(await map.locator('g.point.rest[data-province-rest="67"] text').textContent()).toBe('5');
      expect(await map.locator('g.point.rest').count()).toBe(1);
      expect(await map.locator('g[data-district="6710"], g[data-district="6702"]').count()).toBe(0);
      expect(await map.locator('svg.provinces').isVisible()).toBe(false);
      await map.getByText('วงกลมอยู่ที่ตัวอำเภอ', { exact: false }).waitFor();
      await map.getByText('GeoNames', { exact: false }).waitFor();
      await map.screenshot({ path: path.join(ARTIFACTS, `map-districts-th-${size}.png`) });
      // By province: Phetchabun's label says 20, and there is no other point.
      await map.getByText('รายจังหวัด', { exact: true }).click();
      await map.locator('g.count[data-province="67"]').waitFor();
      expect(await districts.first().isVisible()).toBe(false);
      expect(await page.locator('svg g.count').count()).toBe(1);
      expect(await page.locator('svg g.count[data-province="67"] text').textContent()).toBe('20');
      await map.screenshot({ path: path.join(ARTIFACTS, `map-provinces-th-${size}.png`) });
      await page.getByText('อำเภอ ประเภทความต้องการ และรายเดือน').click();
      const wangPong = page.locator('tr[data-district]', { hasText: 'วังโป่ง' });
      expect(await wangPong.locator('td').first().textContent()).toBe('น้อยกว่า 5');
      // The province's own map, zoomed: the same circles, none for Wang Pong or Chon Daen.
      const provinceMap = page.locator('svg[data-province-map="67"]');
      await provinceMap.waitFor();
      expect(
        await provinceMap
          .locator('g.point')
          .evaluateAll((gs) =>
            gs.map((g) => g.getAttribute('data-district') ?? g.getAttribute('data-province-rest')),
          ),
      ).toEqual(['6711', '6704', '67']);
      await provinceMap.screenshot({ path: path.join(ARTIFACTS, `map-province-67-th-${size}.png`) });
      // Nothing wider than the screen.
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
              .documentElement.scrollWidth,
        ),
      ).toBeLessThanOrEqual(SIZES[size].width);
      await page.screenshot({ path: path.join(ARTIFACTS, `public-th-${size}.png`), fullPage: true });
      const html = await page.content();
      expect(personalStrings(seeded).filter((secret) => html.includes(secret))).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it('switches to English and to Hmong', async () => {
    const { page, errors } = await open('phone', `${service.url}/public`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Housing needs, openly' }).waitFor();
    await page.getByRole('rowheader', { name: 'Phetchabun' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'public-en-phone.png'), fullPage: true });
    await page.getByRole('link', { name: 'Hmoob' }).click();
    await page.getByRole('heading', { name: 'Kev xav tau tsev nyob, qhib rau txhua tus' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'public-hmn-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets a partner site on another origin embed the widget', async () => {
    const { page, errors } = await open('laptop', partnerUrl);
    const widget = page.frameLocator('#w');
    await widget.getByRole('heading', { name: 'Housing needs with NeedLine' }).waitFor();
    expect(await widget.locator('[data-figure="needs"] dd').textContent()).toBe('20');
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-on-partner-site.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
