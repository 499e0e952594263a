import request from 'supertest';
import { publicFiguresSchema } from '../../src/public/schemas';
import { startSandboxService, stopSandboxService, type SandboxService } from '../e2e/harness';
import { publicCentres } from '../../src/public/map-centres';
import { personalStrings, seedPublicCases, seedStory, type SeededCase } from './seed';

describe('public page and API', () => {
  let service: SandboxService;
  let seeded: SeededCase[];

  beforeAll(async () => {
    service = await startSandboxService('public');
    seeded = await seedPublicCases(service.database.connection);
    const story = seeded.find((c) => c.completed)!;
    await seedStory(service.database.connection, story.reference, story.lineUserId);
  });
  afterAll(() => stopSandboxService(service));

  it('serves the figures as JSON without a login, cached and open to other sites', async () => {
    const res = await request(service.url).get('/public/api/figures').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=600');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const figures = publicFiguresSchema.parse(res.body);
    expect(figures.threshold).toBe(5);
    expect(figures.totals.needs).toEqual({ value: 20 });
    const phetchabun = figures.provinces.find((p) => p.code === '67')!;
    expect(phetchabun.nameEn).toBe('Phetchabun');
    const districts = Object.fromEntries(phetchabun.districts.map((d) => [d.nameEn, d.needs]));
    expect(districts['Khao Kho']).toEqual({ value: 9 });
    expect(districts['Lom Kao']).toEqual({ value: 6 });
    expect(districts['Wang Pong']).toEqual({ value: null, hidden: 'small' });
    expect(districts['Chon Daen']).toEqual({ value: null, hidden: 'small' });
    expect(phetchabun.otherDistricts.needs).toBe(5);
  });

  it('documents the public API in the OpenAPI document, without authentication', async () => {
    const doc = (await request(service.url).get('/api/openapi.json').expect(200)).body;
    const operation = doc.paths['/public/api/figures'].get;
    expect(operation.security).toEqual([]);
    expect(operation.responses['200'].content['application/json'].schema.properties).toHaveProperty('totals');
  });

  it('renders the page in Thai by default, and in English and Hmong', async () => {
    const th = await request(service.url).get('/public').expect(200);
    expect(th.headers['content-type']).toMatch(/text\/html/);
    expect(th.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(th.text).toContain('<html lang="th">');
    expect(th.text).toContain('น้อยกว่า 5');
    expect(th.text).toContain('เขาค้อ');
    const en = await request(service.url).get('/public?lang=en').expect(200);
    expect(en.text).toContain('fewer than 5');
    expect(en.text).toContain('Khao Kho');
    const hmn = await request(service.url).get('/public?lang=hmn').expect(200);
    expect(hmn.text).toContain('<html lang="hmn">');
    expect(hmn.text).toContain('tsawg dua 5');
  });

  it('serves a widget any site may frame', async () => {
    const res = await request(service.url).get('/public/widget?lang=en').expect(200);
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(res.text).toContain('Needs reported');
    expect(res.text).toContain('20');
    // The page itself may not be framed.
    const page = await request(service.url).get('/public').expect(200);
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('offers the figures as CSV and JSON with HXL tags and P-codes', async () => {
    const csv = await request(service.url).get('/public/data/figures.csv?lang=en').buffer(true).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^Level,Figures up to,Province code,/);
    expect(lines[1]).toMatch(/^#meta\+level,#date\+updated,#adm1\+code,#adm1\+name\+i_th,/);
    expect(lines).toContainEqual(expect.stringMatching(/^country,\d{4}-\d{2}-\d{2},,,,,,,,,,,20,/));
    const wangPong = lines.find((line) => line.includes('Wang Pong'))!;
    expect(wangPong).toMatch(/^district,.*,67,เพชรบูรณ์,Phetchabun,\d{4},วังโป่ง,Wang Pong,,,,,,,/);
    expect(wangPong).toContain('needs_reported:small');
    const th = await request(service.url).get('/public/data/figures.csv').buffer(true).expect(200);
    expect(th.text).toContain('รหัสจังหวัด');

    const json = await request(service.url).get('/public/data/figures.json').expect(200);
    const khaoKho = (json.body as Record<string, unknown>[]).find((r) => r['#adm2+name+i_en'] === 'Khao Kho');
    expect(khaoKho).toMatchObject({
      '#meta+level': 'district',
      '#adm1+code': '67',
      '#affected+needs+num': 9,
      // The map's point: Khao Kho's seat town (GeoNames), not any household's.
      '#geo+lat': 16.658,
      '#geo+lon': 101.022,
    });
  });

  it("puts the open data's points at district towns and province centres, never at a household", async () => {
    const json = await request(service.url).get('/public/data/figures.json').expect(200);
    const rows = json.body as Record<string, unknown>[];
    const points = rows
      .filter((r) => r['#geo+lat'] !== null)
      .map((r) => [r['#meta+level'], r['#adm2+code'], r['#geo+lat'], r['#geo+lon']]);
    expect(points.length).toBeGreaterThan(0);
    // Hidden districts (Wang Pong, Chon Daen) have no point of their own.
    for (const r of rows.filter((row) => row['#meta+suppressed']?.toString().includes('needs_reported')))
      expect([r['#adm2+code'], r['#geo+lat'], r['#geo+lon']]).toEqual([r['#adm2+code'], null, null]);
    // Every point is a district's seat town or a province's centre, by construction...
    const centres = publicCentres();
    for (const [level, district, lat, lon] of points) {
      const centre = level === 'district' ? centres.district(district as string) : undefined;
      const province = rows.find((r) => r['#geo+lat'] === lat && r['#meta+level'] === 'province');
      expect(centre ?? (province && { lat: province['#geo+lat'], lng: province['#geo+lon'] })).toEqual({
        lat,
        lng: lon,
      });
    }
    // ...so none is a household's point, even rounded as published.
    const round = (n: number) => Math.round(n * 1e3) / 1e3;
    const homes = new Set(seeded.map((h) => `${round(h.lat)},${round(h.lng)}`));
    expect(points.filter(([, , lat, lon]) => homes.has(`${lat as number},${lon as number}`))).toEqual([]);
  });

  it('carries no personal field of any seeded case in any public response', async () => {
    const secrets = personalStrings(seeded);
    const paths = [
      '/public',
      '/public?lang=en',
      '/public?lang=hmn',
      '/public/api/figures',
      '/public/widget',
      '/public/widget?lang=en',
      '/public/data/figures.csv',
      '/public/data/figures.csv?lang=en',
      '/public/data/figures.json',
      '/public/assets/public.css',
    ];
    const leaks: string[] = [];
    for (const path of paths) {
      const res = await request(service.url).get(path).buffer(true).expect(200);
      const body = typeof res.text === 'string' && res.text.length > 0 ? res.text : JSON.stringify(res.body);
      for (const secret of secrets) if (body.includes(secret)) leaks.push(`${path}: ${secret}`);
    }
    expect(leaks).toEqual([]);
    // The page did show a story, with its photos by number only.
    const page = (await request(service.url).get('/public').expect(200)).text;
    expect(page).toMatch(/src="\/public\/stories\/story-\d{6}\/photos\/0"/);
    expect(secrets.length).toBeGreaterThan(20 * 10);
  });
});
