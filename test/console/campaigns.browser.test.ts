import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { campaignModels, type SurveyDoc } from '../../src/campaigns';
import { volunteerModels } from '../../src/volunteers';
import { press, surveyRest, surveyStart, volunteer } from '../campaigns/survey-helpers';
import type { Person } from '../e2e/harness';
import { ARTIFACTS, hasChromium, launchBrowser, startConsoleHarness, type ConsoleHarness } from './harness';

/**
 * The survey campaign pages in headless Chromium against the real service: a coordinator creates a
 * campaign for two villages of Khao Kho through the form, volunteers survey households over LINE (signed
 * webhook events), and the campaign page shows exactly that, to each role what it may see, on a phone
 * and on a desktop. Needs Debian's chromium.
 */
const describeWithBrowser = hasChromium ? describe : describe.skip;

const SHOTS = path.join(ARTIFACTS, '..', 'campaigns');
const PASSWORD = 'campaign staff password 1';
const STAFF = {
  coordinator: { email: 'coordinator@example.org', role: 'coordinator', name: 'Coordinator Kanya' },
  caseworker: {
    email: 'caseworker@example.org',
    role: 'caseworker',
    name: 'Caseworker Dao',
    provinces: ['67'],
  },
  viewer: { email: 'viewer@example.org', role: 'viewer', name: 'Viewer Lek' },
} as const;
type Who = keyof typeof STAFF;

type Doc = {
  documentElement: { scrollWidth: number; clientWidth: number };
};
/** How far the page reaches beyond the screen's width: 0 when nothing overflows. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const { documentElement } = (globalThis as unknown as { document: Doc }).document;
    return documentElement.scrollWidth - documentElement.clientWidth;
  });

/** The fill colour of a progress bar. */
const colour = (bar: Locator) =>
  bar
    .locator('span')
    .evaluate(
      (span) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
        ).getComputedStyle(span).backgroundColor,
    );

/**
 * What reaches beyond the screen's right edge, or scrolls sideways inside the page (a table in its
 * wrapper): each as its tag, class and first words. The map's own panes are Leaflet's business.
 */
const sticksOut = (page: Page) =>
  page.evaluate(() => {
    type El = {
      tagName: string;
      className: unknown;
      textContent: string | null;
      scrollWidth: number;
      clientWidth: number;
      closest(s: string): unknown;
      parentElement: El | null;
      getBoundingClientRect(): { right: number; width: number };
    };
    const g = globalThis as unknown as {
      innerWidth: number;
      getComputedStyle(e: El): { clip: string };
      document: { querySelectorAll(s: string): Iterable<El> };
    };
    const found: string[] = [];
    for (const el of g.document.querySelectorAll('main *, main')) {
      // Clipped away for screen readers only (a caption, a stacked table's head): not on screen.
      let clipped = false;
      for (let up: El | null = el; up && !clipped; up = up.parentElement)
        clipped = g.getComputedStyle(up).clip !== 'auto';
      if (clipped) continue;
      const map = el.closest('.leaflet-container');
      if (map && map !== el) continue;
      const rect = el.getBoundingClientRect();
      // A text field scrolls its own long value: that is how fields are, not the page overflowing.
      const field = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
      const sideways = !map && !field && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
      if ((rect.width > 1 && rect.right > g.innerWidth + 1) || (sideways && el.tagName !== 'TD'))
        found.push(`${el.tagName}.${String(el.className)} ${(el.textContent || '').slice(0, 40)}`);
    }
    return found;
  });

/** Today in Bangkok, as the API keeps it and as the English console writes it. */
const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const [year, month, day] = today.split('-');

/** Background colours as the browser computes them. */
const NEED = 'rgb(163, 76, 0)';
const PROGRESS = 'rgb(11, 83, 148)';
const GOOD = 'rgb(30, 107, 46)';

jest.setTimeout(180_000);

describeWithBrowser('survey campaigns in the console', () => {
  let harness: ConsoleHarness;
  let browser: Browser;
  let adminToken: string;
  let campaignId = '';
  let nou: Person;
  let anna: Person;
  const pageErrors = new Map<Page, string[]>();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    harness = await startConsoleHarness('campaigns');
    browser = await launchBrowser();
    adminToken = (
      await request(harness.url)
        .post('/api/auth/login')
        .send({ email: harness.admin.email, password: harness.admin.password })
        .expect(200)
    ).body.token;
    for (const staff of Object.values(STAFF))
      await request(harness.url)
        .post('/api/staff')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ ...staff, password: PASSWORD })
        .expect(201);
    // Two approved volunteers of the network, on LINE.
    nou = await volunteer(harness.service, 'th', 'vol-nou');
    anna = await volunteer(harness.service, 'en', 'vol-anna');
    const { Volunteer } = volunteerModels(harness.service.database.connection);
    await Volunteer.updateOne({ _id: 'vol-nou' }, { $set: { name: 'Nou Yang' } });
    await Volunteer.updateOne({ _id: 'vol-anna' }, { $set: { name: 'Anna Lee' } });
  });

  afterAll(async () => {
    await browser?.close();
    if (harness) await harness.service.processor.idle();
    await harness?.stop();
  });

  async function signIn(who: Who, language: 'en' | 'th' = 'en', width = 1280): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
    // Offline, as behind a firewall: the households still show as pins and as a list.
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
    await page.getByLabel(language === 'th' ? 'อีเมล' : 'Email').fill(STAFF[who].email);
    await page.getByLabel(language === 'th' ? 'รหัสผ่าน' : 'Password').fill(PASSWORD);
    await page.getByRole('button', { name: language === 'th' ? 'เข้าสู่ระบบ' : 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    expect(errors).toEqual([]);
    pageErrors.set(page, errors);
    return page;
  }

  /** Closes a page that raised no script error. */
  async function done(page: Page) {
    expect(pageErrors.get(page)).toEqual([]);
    await page.close();
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  const api = async (path: string) =>
    (await request(harness.url).get(path).set('Authorization', `Bearer ${adminToken}`).expect(200)).body;

  /** A village's row on the campaign page: its bar and counts. */
  async function villageRow(page: Page, villageId: string) {
    const row = page.locator(`[data-testid=coverage-villages] tr[data-village="${villageId}"]`);
    const bar = row.getByRole('progressbar');
    return {
      name: (await row.locator('th').innerText()).trim(),
      text: (await row.locator('.bar-text').innerText()).trim(),
      now: await bar.getAttribute('aria-valuenow'),
      max: await bar.getAttribute('aria-valuemax'),
      width: await bar.locator('span').evaluate((span: { style: { width: string } }) => span.style.width),
      declined: (await row.locator('[data-cell=declined]').innerText()).trim(),
      flagged: (await row.locator('[data-cell=flagged]').innerText()).trim(),
    };
  }

  it('lets a coordinator create a campaign for two Khao Kho villages; a missing name keeps what was typed', async () => {
    const page = await signIn('coordinator');
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('heading', { name: 'Survey campaigns' }).waitFor();
    await page.getByText('No survey campaigns yet.').waitFor();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { name: 'New survey campaign' }).waitFor();

    // The area by name: province, then its districts, then the district's subdistricts.
    await page.getByLabel('Province').selectOption({ label: 'Phetchabun' });
    await page.getByLabel('District', { exact: true }).selectOption({ label: 'Khao Kho' });
    const subdistrict = page.getByLabel('Subdistrict');
    await page.waitForFunction(
      () =>
        !(
          globalThis as unknown as { document: { querySelector(s: string): { disabled: boolean } } }
        ).document.querySelector('select[name=subdistrictCode]').disabled,
    );
    await subdistrict.selectOption({ label: 'Khek Noi' });

    // Villages: rows added and removed; no more than 12.
    await page.getByLabel('Village 1', { exact: true }).fill('Ban Khek Noi');
    await page.getByLabel('Households in village 1').fill('4');
    const add = page.getByRole('button', { name: 'Add a village' });
    await add.click();
    await page.getByLabel('Village 2', { exact: true }).fill('Ban Mon Ya');
    await page.getByLabel('Households in village 2').fill('2');
    for (let n = 3; n <= 12; n++) await add.click();
    expect(await add.isDisabled()).toBe(true);
    for (let n = 12; n >= 3; n--) await page.getByRole('button', { name: `Remove village ${n}` }).click();
    expect(await add.isDisabled()).toBe(false);
    expect(await page.getByTestId('village-total').innerText()).toBe(
      'Target, all villages together: 6 households',
    );

    await page.getByLabel('First day').fill(`${day}/${month}/${year}`);
    await page.getByLabel('Last day').fill('31/12/2027');
    const notice = page.getByTestId('volunteer-notice');
    expect(await notice.isHidden()).toBe(true);
    await page.getByLabel(/Nou Yang/).check();
    await page.getByLabel(/Anna Lee/).check();
    // No LINE message tells them: the form says what they get, and when.
    expect(await notice.innerText()).toBe(
      'The volunteers ticked see “Survey a household” on their LINE menu as soon as this is saved, until 31 Dec 2027. ' +
        'NeedLine sends them no LINE message (messages cost money): tell them yourself.',
    );
    await page.getByLabel('First day').fill(`01/01/${Number(year) + 1}`);
    expect(await notice.innerText()).toBe(
      `The volunteers ticked see “Survey a household” on their LINE menu from 1 Jan ${Number(year) + 1} to 31 Dec 2027. ` +
        'NeedLine sends them no LINE message (messages cost money): tell them yourself.',
    );
    await page.getByLabel('First day').fill(`${day}/${month}/${year}`);

    // No name: the API's problem, in words, at the field; everything typed is still there.
    await page.getByRole('button', { name: 'Create the campaign' }).click();
    const problems = page.locator('.form-problems');
    await problems.getByText('Give the campaign a name.').waitFor();
    const name = page.getByLabel('Campaign name');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    const described = (await name.getAttribute('aria-describedby'))!.split(' ');
    expect(await page.locator(`#${described[described.length - 1]}`).innerText()).toBe(
      'Give the campaign a name.',
    );
    expect(await problems.locator('li').allInnerTexts()).toEqual(['Give the campaign a name.']);
    expect(await page.getByLabel('Province').inputValue()).toBe('67');
    expect(await page.getByLabel('District', { exact: true }).inputValue()).toBe('6711');
    expect(await subdistrict.inputValue()).toBe('671107');
    expect(await page.getByLabel('Village 2', { exact: true }).inputValue()).toBe('Ban Mon Ya');
    expect(await page.getByLabel('Households in village 1').inputValue()).toBe('4');
    expect(await page.getByLabel('First day').inputValue()).toBe(`${day}/${month}/${year}`);
    expect(await page.getByLabel('Last day').inputValue()).toBe('31/12/2027');
    expect(await page.getByLabel(/Nou Yang/).isChecked()).toBe(true);
    expect((await api('/api/campaigns')).items).toEqual([]);
    await shot(page, '01-form-missing-name-1280');

    // A village without its households: said at that village's field.
    await page.getByLabel('Households in village 2').fill('');
    await page.getByRole('button', { name: 'Create the campaign' }).click();
    await problems.getByText('Give the households of village 2: a whole number from 1 to 100,000.').waitFor();
    expect(await page.getByLabel('Households in village 2').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Households in village 2').fill('2');

    await name.fill('Khao Kho baseline 2569');
    await page.getByRole('button', { name: 'Create the campaign' }).click();
    await page.getByRole('heading', { name: 'Khao Kho baseline 2569' }).waitFor();
    await page.locator('#toast').getByText('Campaign “Khao Kho baseline 2569” created.').waitFor();

    const [created] = (await api('/api/campaigns')).items;
    campaignId = created.id;
    expect(created).toMatchObject({
      name: 'Khao Kho baseline 2569',
      area: { provinceCode: '67', districtCode: '6711', subdistrictCode: '671107' },
      villages: [
        { id: 'v1', name: 'Ban Khek Noi', target: 4 },
        { id: 'v2', name: 'Ban Mon Ya', target: 2 },
      ],
      target: 6,
      startsOn: today,
      endsOn: '2027-12-31',
      flowId: 'household-survey',
      status: 'running',
      surveyed: 0,
    });
    // Assigned as ticked; their names for those who manage volunteers.
    expect((await api(`/api/campaigns/${campaignId}`)).volunteers).toEqual(
      expect.arrayContaining([
        { volunteerId: 'vol-nou', name: 'Nou Yang' },
        { volunteerId: 'vol-anna', name: 'Anna Lee' },
      ]),
    );
    expect(created.volunteers).toHaveLength(2);
    expect(await villageRow(page, 'v1')).toMatchObject({
      text: '0 / 4 · 0%',
      now: '0',
      max: '4',
      width: '0%',
    });
    expect(await page.getByTestId('campaign-facts').innerText()).toContain('Khek Noi, Khao Kho, Phetchabun');
    expect(await page.getByTestId('volunteer-menu').innerText()).toBe(
      'They see “Survey a household” on their LINE menu until 31 Dec 2027. No LINE message is sent to them: tell them yourself.',
    );
    await done(page);
  });

  it('shows the coverage volunteers made over LINE, village by village, with the exact numbers and bars', async () => {
    // Nou, Ban Khek Noi: two households.
    await press(nou, 'survey:start');
    await nou.tap(`survey:v:${campaignId}:v1`);
    await surveyStart(nou, { name: 'นายเล่าเปา แซ่ย่าง', phone: '0891112222' });
    await surveyRest(nou, { name: 'นายเล่าเปา แซ่ย่าง', vulnerable: ['elderly'] });
    await nou.tap(`survey:v:${campaignId}:v1`);
    await surveyStart(nou, { name: 'นางหมี แซ่ท้าว' });
    await surveyRest(nou, { name: 'นางหมี แซ่ท้าว', toilet: 'pit', tenureDocument: 'title_deed' });
    // Anna, Ban Khek Noi: the first household again, flagged; then Ban Mon Ya: an urgent need, a refusal.
    await press(anna, 'survey:start');
    await anna.tap(`survey:v:${campaignId}:v1`);
    await surveyStart(anna, { name: 'นายเล่าเปา  แซ่ย่าง' });
    await surveyRest(anna, { name: 'x', toilet: 'flush', tenureDocument: 'title_deed' });
    await press(anna, 'survey:start');
    await anna.tap(`survey:v:${campaignId}:v2`);
    await surveyStart(anna, { name: 'Pa Yang', phone: '0893334444' });
    await surveyRest(anna, {
      name: 'Pa Yang',
      urgent: true,
      exposure: ['flood'],
      vulnerable: ['disabled'],
      place: [16.66, 101.14],
    });
    await anna.tap(`survey:v:${campaignId}:v2`);
    await anna.tap('a:notice_read:yes');
    await anna.tap('a:consent:decline');
    await harness.service.processor.idle();

    const surveys = await campaignModels(harness.service.database.connection)
      .Survey.find({ campaignId })
      .lean<SurveyDoc[]>();
    expect(surveys.map((s) => s.status).sort()).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
      'declined',
    ]);
    const reference = surveys.find((s) => s.caseReference)!.caseReference!;

    const page = await signIn('coordinator');
    await page.goto(`${harness.url}/console#/campaigns/${campaignId}`);
    await page.getByRole('heading', { name: 'Khao Kho baseline 2569' }).waitFor();
    await page.locator('[data-testid=coverage-villages]').waitFor();
    expect(await villageRow(page, 'v1')).toEqual({
      name: 'Ban Khek Noi',
      text: '3 / 4 · 75%',
      now: '3',
      max: '4',
      width: '75%',
      declined: '0',
      flagged: '⚑ 1',
    });
    expect(await villageRow(page, 'v2')).toEqual({
      name: 'Ban Mon Ya',
      text: '1 / 2 · 50%',
      now: '1',
      max: '2',
      width: '50%',
      declined: '1',
      flagged: '0',
    });
    const tallies = page.getByTestId('tallies');
    expect(await tallies.locator('[data-tally=declined]').innerText()).toBe('1');
    expect(await tallies.locator('[data-tally=flagged]').innerText()).toBe('1');
    expect(await tallies.locator('[data-tally=urgent]').innerText()).toBe('1');
    await page.getByText('4 of 6 households surveyed').first().waitFor();

    // Indicators with their denominators.
    const indicator = (key: string) => page.locator(`[data-indicator=${key}] .bar-text`).innerText();
    expect(await indicator('withoutToilet')).toBe('2 of 4 households · 50%');
    expect(await indicator('withoutTenureDocument')).toBe('2 of 4 households · 50%');
    expect(await indicator('withVulnerableMember')).toBe('2 of 4 households · 50%');
    expect(await indicator('exposedToFloods')).toBe('1 of 4 households · 25%');
    // Shares of households in need: the need colour, never the progress or "target reached" colours.
    for (const key of ['withoutToilet', 'withoutTenureDocument', 'withVulnerableMember', 'exposedToFloods'])
      expect(await colour(page.locator(`[data-indicator=${key}] [role=progressbar]`))).toBe(NEED);
    expect(await colour(page.locator('[data-village=v1] [role=progressbar]'))).toBe(PROGRESS);

    // By volunteer (by name for a coordinator) and by day.
    expect(await page.locator('[data-testid=coverage-volunteers] tbody tr').allInnerTexts()).toEqual([
      'Anna Lee\t2\t1',
      'Nou Yang\t2\t0',
    ]);
    const days = page.locator('[data-testid=coverage-days] tbody tr');
    expect(await days.count()).toBe(1);
    expect(await days.locator('th').innerText()).toBe(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Bangkok', dateStyle: 'medium' }).format(new Date()),
    );
    expect(await days.locator('td').allInnerTexts()).toEqual(['4', '1']);

    // The households on the map (offline: pins without tiles) and as a list.
    await page.locator('[data-testid=households] li').nth(3).waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid=households-map] path.household').count()).toBe(4);
    const households = await page.locator('[data-testid=households] li').allTextContents();
    expect(households.join('\n')).toContain('Pa Yang');
    expect(households.filter((h) => h.includes('maybe surveyed twice'))).toHaveLength(1);
    await shot(page, '02-campaign-1280');
    expect(await overflow(page)).toBeLessThanOrEqual(0);

    // The export: every survey, one row each under the header and the HXL row.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${campaignId}-surveys.csv`);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv).toHaveLength(2 + 4);
    expect(csv[1]).toContain('#meta+id');
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Excel' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe(`${campaignId}-surveys.xlsx`);

    // The urgent need's case, one tap away.
    await page.getByTestId('campaign-cases').getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { name: reference }).waitFor();

    // The list: status and the bar of households surveyed.
    await page.getByRole('link', { name: 'Campaigns' }).click();
    const card = page.locator(`[data-testid=campaigns] li[data-id="${campaignId}"]`);
    await card.waitFor();
    expect(await card.locator('[data-campaign-status]').innerText()).toBe('Running');
    expect(await card.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('4');
    expect(await card.getByRole('progressbar').getAttribute('aria-valuemax')).toBe('6');
    expect(await card.innerText()).toContain('4 of 6 households surveyed');
    expect(await card.innerText()).toContain('Households that declined: 1');
    await shot(page, '03-list-1280');

    // On a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 360, height: 780 });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, '04-list-360');
    await page.goto(`${harness.url}/console#/campaigns/${campaignId}`);
    await page.locator('[data-testid=households] li').nth(3).waitFor({ state: 'attached' });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await sticksOut(page)).toEqual([]);
    await shot(page, '05-campaign-360');
    await page.goto(`${harness.url}/console#/campaigns/new`);
    await page.getByRole('heading', { name: 'New survey campaign' }).waitFor();
    await page.getByRole('button', { name: 'Create the campaign' }).click();
    await page.locator('.form-problems li').first().waitFor();
    expect(await page.locator('.form-problems li').allInnerTexts()).toEqual(
      expect.arrayContaining([
        'Give the campaign a name.',
        'Choose the province.',
        'Give the first day of the campaign.',
        'Give the last day of the campaign.',
      ]),
    );
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, '06-form-errors-360');
    await done(page);
  });

  it('lets the coordinator change dates (Buddhist Era), targets and volunteers in Thai on a phone', async () => {
    const page = await signIn('coordinator', 'th', 360);
    await page.goto(`${harness.url}/console#/campaigns/${campaignId}/edit`);
    await page.getByRole('heading', { name: 'แก้ไข “Khao Kho baseline 2569”' }).waitFor();
    expect(await page.getByLabel('วันเริ่ม').inputValue()).toBe(`${day}/${month}/${Number(year) + 543}`);
    expect(await page.getByLabel('วันสุดท้าย').inputValue()).toBe('31/12/2570');
    expect(await page.getByTestId('campaign-area').innerText()).toBe('เข็กน้อย, เขาค้อ, เพชรบูรณ์');

    // A name taken away: the API's problem in Thai, at the field, and what was typed stays.
    const name = page.getByLabel('ชื่อโครงการ');
    await name.fill('');
    await page.getByLabel('วันสุดท้าย').fill('30/06/2571');
    await page.getByRole('button', { name: 'บันทึกการแก้ไข' }).click();
    await page.locator('.form-problems').getByText('ใส่ชื่อโครงการ').waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('วันสุดท้าย').inputValue()).toBe('30/06/2571');
    await name.fill('Khao Kho baseline 2569');

    // A village already surveyed cannot go: said in Thai, and the form keeps what was typed.
    await page.getByLabel('จำนวนครัวเรือนของหมู่บ้านที่ 2').fill('3');
    await page.getByRole('button', { name: 'ลบหมู่บ้านที่ 1' }).click();
    await page.getByRole('button', { name: 'บันทึกการแก้ไข' }).click();
    await page
      .locator('.form-problems')
      .getByText('ลบหมู่บ้านที่สำรวจไปแล้วไม่ได้ เพราะแบบสำรวจอ้างถึงหมู่บ้านนั้น')
      .waitFor();
    // The earlier problem is gone with its cause.
    expect(await page.locator('.form-problems li').allInnerTexts()).toEqual([
      'ลบหมู่บ้านที่สำรวจไปแล้วไม่ได้ เพราะแบบสำรวจอ้างถึงหมู่บ้านนั้น',
    ]);
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByLabel('จำนวนครัวเรือนของหมู่บ้านที่ 1').inputValue()).toBe('3');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, '07-edit-refused-th-360');

    await page.reload();
    await page.getByLabel('วันสุดท้าย').waitFor();
    await page.getByLabel('วันสุดท้าย').fill('30/06/2571');
    await page.getByLabel('จำนวนครัวเรือนของหมู่บ้านที่ 2').fill('3');
    await page.getByLabel(/Anna Lee/).uncheck();
    const [patch] = await Promise.all([
      page.waitForRequest((req) => req.method() === 'PATCH'),
      page.getByRole('button', { name: 'บันทึกการแก้ไข' }).click(),
    ]);
    // Only what changed goes to the API, the date as ISO.
    expect(patch.postDataJSON()).toEqual({
      endsOn: '2028-06-30',
      villages: [
        { id: 'v1', name: 'Ban Khek Noi', target: 4 },
        { id: 'v2', name: 'Ban Mon Ya', target: 3 },
      ],
      volunteerIds: ['vol-nou'],
    });
    await page.locator('#toast').getByText('บันทึกการแก้ไขแล้ว').waitFor();
    await page.locator('[data-testid=coverage-villages] tr[data-village=v2]').waitFor();
    expect(await villageRow(page, 'v2')).toMatchObject({
      text: '1 / 3 · 33%',
      now: '1',
      max: '3',
      width: '33%',
    });
    expect(await page.getByTestId('campaign-facts').innerText()).toContain('30 มิ.ย. 2571');
    // Anna is no longer assigned, but her surveys stay hers, by name.
    expect(await page.locator('[data-testid=coverage-volunteers] tbody th').allInnerTexts()).toEqual([
      'Anna Lee',
      'Nou Yang',
    ]);
    const campaign = await api(`/api/campaigns/${campaignId}`);
    expect(campaign).toMatchObject({
      endsOn: '2028-06-30',
      target: 7,
      volunteers: [{ volunteerId: 'vol-nou' }],
    });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await sticksOut(page)).toEqual([]);
    await shot(page, '08-campaign-th-360');
    await done(page);
  });

  it('shows a Phetchabun caseworker the coverage, the households and the export, without changing anything', async () => {
    const page = await signIn('caseworker');
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.locator(`[data-testid=campaigns] li[data-id="${campaignId}"]`).waitFor();
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Khao Kho baseline 2569' }).click();
    await page.locator('[data-testid=households] li').nth(3).waitFor({ state: 'attached' });
    expect(await villageRow(page, 'v1')).toMatchObject({ text: '3 / 4 · 75%' });
    expect(await page.getByRole('link', { name: /Change dates/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'CSV' }).count()).toBe(1);
    // Volunteers' names are for those who manage volunteers.
    expect(await page.locator('[data-testid=coverage-volunteers] tbody th').allInnerTexts()).toEqual([
      'Volunteer 1',
      'Volunteer 2',
    ]);
    await page.goto(`${harness.url}/console#/campaigns/new`);
    await page.getByText('Your role does not allow this.').waitFor();
    await done(page);
  });

  it('shows a viewer the coverage only: no names, no places, no export', async () => {
    const page = await signIn('viewer', 'en', 360);
    await page.goto(`${harness.url}/console#/campaigns/${campaignId}`);
    await page.getByTestId('map-not-allowed').waitFor();
    expect(await villageRow(page, 'v1')).toMatchObject({ text: '3 / 4 · 75%', flagged: '⚑ 1' });
    expect(await page.getByTestId('households-map').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'CSV' }).count()).toBe(0);
    expect(await page.getByText('Pa Yang').count()).toBe(0);
    // The urgent case is linked: viewers read cases, masked.
    await page.getByTestId('campaign-cases').getByRole('link').waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, '09-campaign-viewer-360');
    await done(page);
  });

  it('re-reads the households on the map when staff press Refresh; the automatic refresh says the map waits', async () => {
    // Each read of the households is in the audit log: one when the page opens, one per Refresh.
    const householdReads = async () =>
      (
        await api(`/api/audit?action=personal_data.read&targetType=campaign&targetId=${campaignId}&limit=200`)
      ).items.filter((entry: { details: { fields?: string[] } }) =>
        entry.details.fields?.includes('survey.location'),
      ).length;
    const readsBefore = await householdReads();
    const page = await signIn('coordinator');
    // The page's own timers under the test's hand: the 30-s refresh runs when told, not after a wait.
    await page.clock.install();
    await page.goto(`${harness.url}/console#/campaigns/${campaignId}`);
    await page.locator('[data-testid=households] li').nth(3).waitFor({ state: 'attached' });
    await page.getByText('Households with a location: 4').waitFor();
    expect(await page.getByTestId('map-read').innerText()).toMatch(
      /^Map read at \d\d:\d\d\. It does not update by itself \(every read of households is recorded\): press “Refresh” to show households surveyed since\.$/,
    );

    // Nou surveys a household of Ban Mon Ya that shares its location, while the page is open.
    await press(nou, 'survey:start');
    await nou.tap(`survey:v:${campaignId}:v2`);
    await surveyStart(nou, { name: 'Chue Vang' });
    await surveyRest(nou, { name: 'Chue Vang', place: [16.67, 101.15] });
    await harness.service.processor.idle();

    // The automatic refresh: coverage moves, the households wait (each read is audited).
    await page.clock.fastForward(31_000);
    await page.getByText('5 of 7 households surveyed').first().waitFor();
    expect(await page.getByText('Households with a location: 4').count()).toBe(1);
    expect(await page.locator('[data-testid=households] li').count()).toBe(4);
    expect(await householdReads()).toBe(readsBefore + 1);

    // Refresh: the household is on the map and in the list.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('Households with a location: 5').waitFor();
    expect(await page.locator('[data-testid=households-map] path.household').count()).toBe(5);
    expect(await page.locator('[data-testid=households] li').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Chue Vang')]),
    );
    expect(await page.getByText('5 of 7 households surveyed').count()).toBeGreaterThan(0);
    expect(await householdReads()).toBe(readsBefore + 2);
    await done(page);
  });

  it('fits a campaign of 12 villages with long Thai names on a 360 px phone; a share of 100% in need is not green', async () => {
    const villages = [
      'บ้านห้วยน้ำขาวพัฒนาสามัคคีเหนือ',
      'บ้านโป่งน้ำร้อนเจริญสุขสามัคคีพัฒนาร่วมใจ',
      'บ้านเข็กน้อยเฉลิมพระเกียรติหกสิบพรรษามหาราชินี',
      'บ้านทุ่งสมอพัฒนาชนบทเพื่อความมั่นคงยั่งยืน',
      'บ้านสะเดาะพงศ์ใหม่สามัคคีพัฒนาบ้านเกิดเมืองนอน',
      'บ้านแคมป์สนหมู่บ้านเศรษฐกิจพอเพียงต้นแบบ',
      'บ้านเล่าเน้งวัฒนธรรมม้งเขาค้อรักษ์ป่าต้นน้ำ',
      'บ้านน้ำเพียงดินบนดอยสูงริมธารน้ำตกศรีดิษฐ์',
      'บ้านร่องกล้าชายแดนเพชรบูรณ์พิษณุโลกเลยสามจังหวัด',
      'บ้านหนองแม่นาพัฒนาเกษตรอินทรีย์ปลอดสารพิษ',
      'บ้านป่าแดงหลวงสามัคคีธรรมร่วมใจพัฒนาชุมชนเข้มแข็ง',
      'บ้านห้วยทรายเหนือสายน้ำแห่งความหวังของชุมชนชาวเขา',
    ].map((name, i) => ({ name: `${name} หมู่ที่ ${i + 1}`, target: 40 + i }));
    const created = await request(harness.url)
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({
        name: 'สำรวจข้อมูลพื้นฐานด้านที่อยู่อาศัยของครัวเรือนชาวม้งตำบลเข็กน้อยและหมู่บ้านใกล้เคียง ปี 2569',
        area: { provinceCode: '67', districtCode: '6711', subdistrictCode: '671107' },
        villages,
        startsOn: today,
        endsOn: '2027-12-31',
        flowId: 'household-survey',
        volunteerIds: ['vol-nou'],
      })
      .expect(201);
    const bigId = created.body.id as string;
    // One household of the last village, in need on every indicator: each share is 1 of 1, 100%.
    await press(nou, 'survey:start');
    await nou.tap(`survey:c:${bigId}`);
    await nou.tap(`survey:v:${bigId}:v12`);
    await surveyStart(nou, { name: 'นางสาวมัณฑนาวดี ศรีสุวรรณวิจิตรพงศ์' });
    await surveyRest(nou, {
      name: 'นางสาวมัณฑนาวดี ศรีสุวรรณวิจิตรพงศ์',
      vulnerable: ['elderly'],
      exposure: ['flood'],
    });
    await harness.service.processor.idle();

    const page = await signIn('coordinator', 'th', 360);
    await page.goto(`${harness.url}/console#/campaigns/${bigId}`);
    await page.locator('[data-testid=households] li').first().waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid=coverage-villages] tbody tr').count()).toBe(12);
    expect(await page.locator('.legend li').count()).toBe(12);
    const vulnerable = page.locator('[data-indicator=withVulnerableMember] [role=progressbar]');
    expect(await vulnerable.getAttribute('aria-valuenow')).toBe('1');
    expect(await vulnerable.getAttribute('aria-valuemax')).toBe('1');
    for (const key of ['withoutToilet', 'withoutTenureDocument', 'withVulnerableMember', 'exposedToFloods'])
      expect(await colour(page.locator(`[data-indicator=${key}] [role=progressbar]`))).toBe(NEED);
    expect(await colour(vulnerable)).not.toBe(GOOD);
    expect(await page.getByTestId('volunteer-menu').innerText()).toBe(
      'อาสาสมัครเห็นเมนู “สำรวจครัวเรือน” ใน LINE ถึงวันที่ 31 ธ.ค. 2570 ระบบไม่ส่งข้อความ LINE แจ้ง โปรดแจ้งอาสาสมัครเอง',
    );
    // The households' list open, as staff read it when tiles do not load.
    await page.locator('details.households summary').click();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await sticksOut(page)).toEqual([]);
    await shot(page, '10-twelve-villages-th-360');

    // The list's card and the form, with all twelve rows.
    await page.getByRole('link', { name: 'โครงการสำรวจทั้งหมด' }).click();
    await page.locator(`[data-testid=campaigns] li[data-id="${bigId}"]`).waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await sticksOut(page)).toEqual([]);
    await page.goto(`${harness.url}/console#/campaigns/${bigId}/edit`);
    await page.getByLabel('หมู่บ้านที่ 12', { exact: true }).waitFor();
    expect(await page.getByLabel('หมู่บ้านที่ 12', { exact: true }).inputValue()).toBe(villages[11]!.name);
    expect(await page.getByTestId('volunteer-notice').innerText()).toBe(
      'อาสาสมัครที่เลือกจะเห็นเมนู “สำรวจครัวเรือน” ใน LINE ทันทีที่บันทึก จนถึงวันที่ 31 ธ.ค. 2570 ' +
        'ระบบไม่ส่งข้อความ LINE แจ้งอาสาสมัคร (ข้อความมีค่าใช้จ่าย) โปรดแจ้งอาสาสมัครเอง',
    );
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await sticksOut(page)).toEqual([]);
    await shot(page, '11-twelve-villages-form-th-360');
    await done(page);
  });
});
