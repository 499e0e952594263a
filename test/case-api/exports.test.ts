import ExcelJS from 'exceljs';
import request from 'supertest';
import { createAuditLog } from '../../src/staff/audit-log';
import { buddhistDay, csvCell, EXPORT_COLUMNS, headerLabels } from '../../src/case-api/exports';
import type { Database } from '../../src/db/connection';
import { createI18n } from '../../src/i18n';
import { caseModels } from '../../src/cases/create-case';
import { eraseCasePersonalData } from '../../src/privacy/retention-purge';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addCase, bearer, buildCaseApiApp, type CaseApiHarness } from './helpers';

let database: Database;
let h: CaseApiHarness;
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (chunk: Buffer) => parts.push(chunk));
  res.on('end', () => done(null, Buffer.concat(parts)));
};

beforeAll(async () => {
  database = await openTestDatabase('caseexport');
  h = await buildCaseApiApp(database);
  await addCase(
    database,
    { description: { text: '=HYPERLINK("x") หลังคา, "รั่ว"' } },
    new Date('2026-01-15T20:00:00Z'),
  );
  await addCase(database, { category: 'water' }, new Date('2026-02-01T03:00:00Z'));
  await addCase(database, {
    category: 'water',
    location: { typedAddress: { province: 'เชียงใหม่', district: 'เมืองเชียงใหม่' } },
  });
});
afterAll(async () => {
  await h.stop();
  await dropTestDatabase(database);
});

describe('exports', () => {
  it('formats cells and Buddhist-Era dates', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe('"\'\rcmd"');
    expect(csvCell(null)).toBe('');
    expect(buddhistDay('2026-12-24')).toBe('24/12/2569');
    // 20:00 UTC is already the next day in Bangkok.
    expect(buddhistDay(new Date('2026-01-15T20:00:00Z'))).toBe('16/01/2569');
  });

  it('streams CSV with BOM, header, HXL row and personal columns for staff who may see them', async () => {
    const res = await request(h.app)
      .get('/api/cases/export.csv')
      .query({ hxl: '1' })
      .set(bearer(h.tokens.coordinator))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="needline-cases-.*\.csv"/);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    // Thai headers by default (people read them); the HXL row under them is what machines read.
    expect(lines[0]!.split(',')).toEqual(
      expect.arrayContaining([
        'เลขที่เรื่อง',
        'สถานะ',
        'วันเวลาที่แจ้ง (ISO)',
        'วันที่แจ้ง (พ.ศ.)',
        'หัวหน้าครัวเรือน',
        'โทรศัพท์',
        'รายละเอียด',
      ]),
    );
    expect(lines[0]).not.toMatch(/reference|created_at|exports\.columns/);
    expect(lines[1]).toMatch(/^#meta\+id,#status,/);
    expect(lines).toHaveLength(2 + 3);
    const january = lines.find((line) => line.includes('2026-01-15T20:00:00.000Z'))!;
    expect(january).toContain('16/01/2569');
    expect(january).toContain(`"'=HYPERLINK(""x"") หลังคา, ""รั่ว"""`);
    expect(january).toContain('นางคำ');
    // Grouped, so a spreadsheet keeps the leading 0 instead of reading a number.
    expect(january).toMatch(/,0\d{2}-\d{3}-\d{4},/);

    const audit = createAuditLog(database.connection);
    expect(
      (await audit.list({ action: 'personal_data.read', targetId: 'export.csv', limit: 5 })).items,
    ).toHaveLength(1);
    expect((await audit.list({ action: 'case.export', limit: 5 })).items[0]?.details).toMatchObject({
      rows: 3,
      personal: true,
    });
  });

  it('writes the header row in English or Hmong on request, keeping the BOM, the HXL row and Thai data', async () => {
    const english = await request(h.app)
      .get('/api/cases/export.csv')
      .query({ lang: 'en', hxl: '1' })
      .set(bearer(h.tokens.coordinator))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const bytes = english.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['Reference', 'Status', 'Category']);
    expect(lines[0]!.split(',')).toEqual(
      expect.arrayContaining(['Reported on (Buddhist Era)', 'Household head', 'Phone', 'Description']),
    );
    expect(lines[1]).toMatch(/^#meta\+id,#status,/);
    const january = lines.find((line) => line.includes('2026-01-15T20:00:00.000Z'))!;
    expect(january).toContain(`"'=HYPERLINK(""x"") หลังคา, ""รั่ว"""`);
    expect(january).toContain('นางคำ');

    const hmong = await request(h.app)
      .get('/api/cases/export.csv')
      .query({ lang: 'hmn' })
      .set(bearer(h.tokens.coordinator))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const header = (hmong.body as Buffer).toString('utf8').slice(1).split('\r\n')[0]!;
    expect(header.split(',').slice(0, 2)).toEqual(['Tus lej ntawv teev', 'Txoj xwm txheej']);

    const refused = await request(h.app)
      .get('/api/cases/export.csv')
      .query({ lang: 'fr' })
      .set(bearer(h.tokens.coordinator))
      .expect(400);
    expect(JSON.stringify(refused.body)).toContain('lang');
  });

  it('writes status, category, priority and reporter as words in the export language, codes for data tools', async () => {
    const linesOf = async (lang: string, hxl: boolean) => {
      const res = await request(h.app)
        .get('/api/cases/export.csv')
        .query({ lang, category: 'water', ...(hxl ? { hxl: '1' } : {}) })
        .set(bearer(h.tokens.viewer))
        .buffer(true)
        .parse(binary)
        .expect(200);
      return (res.body as Buffer).toString('utf8').slice(1).trimEnd().split('\r\n');
    };
    // The HXL row names the columns; the same file without it is for people.
    const tagged = await linesOf('en', true);
    expect(tagged[1]).toMatch(/^#meta\+id,#status,#sector\+category,#severity,/);
    const tags = tagged[1]!.split(',');
    const codes = tagged[2]!.split(',');
    expect([codes[tags.indexOf('#status')], codes[tags.indexOf('#sector+category')]]).toEqual([
      'new',
      'water',
    ]);
    const rowOf = async (lang: string) => {
      const cells = (await linesOf(lang, false))[1]!.split(',');
      return (tag: string) => cells[tags.indexOf(tag)];
    };
    const th = await rowOf('th');
    expect([th('#status'), th('#sector+category'), th('#meta+source')]).toEqual([
      'ใหม่',
      'น้ำ',
      'ครัวเรือนแจ้งเอง',
    ]);
    expect(['ต่ำ', 'ปานกลาง', 'สูง', 'เร่งด่วน']).toContain(th('#severity'));
    const en = await rowOf('en');
    expect([en('#status'), en('#sector+category'), en('#meta+source')]).toEqual([
      'New',
      'Water',
      'Reported by the household',
    ]);
    expect(['Low', 'Medium', 'High', 'Urgent']).toContain(en('#severity'));
    const hmn = await rowOf('hmn');
    expect(hmn('#status')).toBe('Tshiab');
    expect(Number(en('#severity+num'))).toBeGreaterThan(0);

    const xlsx = await request(h.app)
      .get('/api/cases/export.xlsx')
      .query({ lang: 'en', category: 'water' })
      .set(bearer(h.tokens.admin))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const row = book.getWorksheet('cases')!.getRow(2);
    expect([2, 3].map((n) => row.getCell(n).value)).toEqual(['New', 'Water']);
  });

  it('keeps a code it has no label for', async () => {
    const i18n = createI18n('th');
    expect(headerLabels(i18n.t, 'en').code('status', 'archived_in_2020')).toBe('archived_in_2020');
    expect(headerLabels(i18n.t, 'th').code('category', 'roof')).toBe(
      i18n.t('category.roof', { ns: 'cases' }),
    );
  });

  it('has a distinct header for every column in Thai, English and Hmong', async () => {
    const i18n = createI18n('th');
    for (const lang of ['th', 'en', 'hmn'] as const) {
      const label = headerLabels(i18n.t, lang);
      const labels = EXPORT_COLUMNS.map((column) => label(column.key));
      for (const text of labels) expect(text).not.toMatch(/^exports\.columns\.|^$/);
      expect(new Set(labels).size).toBe(EXPORT_COLUMNS.length);
    }
    expect(headerLabels(i18n.t, 'en')('phone')).not.toBe(headerLabels(i18n.t, 'th')('phone'));
  });

  it('leaves personal columns out for viewers and applies the filters', async () => {
    const res = await request(h.app)
      .get('/api/cases/export.csv')
      .query({ category: 'water', lang: 'en' })
      .set(bearer(h.tokens.viewer))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const text = (res.body as Buffer).toString('utf8');
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^Reference,Status,/);
    expect(lines[0]).not.toMatch(/Household head|Phone|Description|Latitude|Village/);
    expect(lines).toHaveLength(3);
    expect(text).not.toContain('นางคำ');
    expect(text).not.toContain('#meta');
  });

  it('streams an xlsx workbook a spreadsheet can open', async () => {
    const res = await request(h.app)
      .get('/api/cases/export.xlsx')
      .query({ hxl: '1' })
      .set(bearer(h.tokens.admin))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('cases')!;
    expect(sheet.rowCount).toBe(5);
    expect(sheet.getRow(1).getCell(1).value).toBe('เลขที่เรื่อง');
    expect(sheet.getRow(2).getCell(1).value).toBe('#meta+id');
    expect(String(sheet.getRow(3).getCell(1).value)).toMatch(/^NL-\d{4}-\d{6}$/);

    const english = await request(h.app)
      .get('/api/cases/export.xlsx')
      .query({ lang: 'en' })
      .set(bearer(h.tokens.admin))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const englishBook = new ExcelJS.Workbook();
    await englishBook.xlsx.load(english.body as unknown as ArrayBuffer);
    const header = englishBook.getWorksheet('cases')!.getRow(1);
    expect([1, 2, 3].map((n) => header.getCell(n).value)).toEqual(['Reference', 'Status', 'Category']);
  });

  it('gives GeoJSON points, exact for staff and rounded for viewers', async () => {
    const staff = await request(h.app)
      .get('/api/cases/export.geojson')
      .set(bearer(h.tokens.admin))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(staff.headers['content-type']).toBe('application/geo+json');
    const collection = JSON.parse((staff.body as Buffer).toString('utf8'));
    expect(collection.type).toBe('FeatureCollection');
    // The third case has only a typed address: no point.
    expect(collection.features).toHaveLength(2);
    for (const feature of collection.features) {
      expect(feature).toMatchObject({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [expect.any(Number), expect.any(Number)] },
      });
      expect(feature.properties.reference).toMatch(/^NL-/);
      expect(feature.properties.exact).toBe(true);
    }
    const viewer = await request(h.app)
      .get('/api/cases/export.geojson')
      .set(bearer(h.tokens.viewer))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const masked = JSON.parse((viewer.body as Buffer).toString('utf8'));
    for (const feature of masked.features) {
      const [lng, lat] = feature.geometry.coordinates as number[];
      expect(Math.round(lng! * 100) / 100).toBe(lng);
      expect(Math.round(lat! * 100) / 100).toBe(lat);
      expect(feature.properties.headName).toBeUndefined();
    }
  });

  it("says an erased description is erased in the export's language; data tools keep the stored mark", async () => {
    const record = await addCase(database, { category: 'toilet', description: { text: 'ส้วมพัง' } });
    const { cases: Case } = caseModels(database.connection);
    try {
      const stored = await Case.findOne({ reference: record.reference }).lean();
      await eraseCasePersonalData(database.connection, stored as never, 'person_request', new Date());
      const descriptionOf = async (lang: string, hxl: boolean) => {
        const res = await request(h.app)
          .get('/api/cases/export.csv')
          .query({ lang, category: 'toilet', ...(hxl ? { hxl: '1' } : {}) })
          .set(bearer(h.tokens.coordinator))
          .buffer(true)
          .parse(binary)
          .expect(200);
        const lines = (res.body as Buffer).toString('utf8').slice(1).trimEnd().split('\r\n');
        expect(lines).toHaveLength(hxl ? 3 : 2);
        return lines.at(-1)!.split(',').at(-1);
      };
      expect(await descriptionOf('th', false)).toBe('(ลบแล้ว)');
      expect(await descriptionOf('en', false)).toBe('(erased)');
      expect(await descriptionOf('th', true)).toBe('[erased]');
    } finally {
      await Case.deleteOne({ reference: record.reference });
    }
  });
});
