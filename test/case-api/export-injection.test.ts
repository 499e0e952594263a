import ExcelJS from 'exceljs';
import request from 'supertest';
import type { Database } from '../../src/db/connection';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addCase, bearer, buildCaseApiApp, type CaseApiHarness } from './helpers';

// Leading tabs and carriage returns never reach a stored description (it is trimmed); csvCell's own test covers them.
const ATTACKS = ["-2+3+cmd|' /C calc'!A0", '=1+1', '+1+1', '@SUM(1)'];

describe('exports never carry a formula a spreadsheet would run', () => {
  let database: Database;
  let h: CaseApiHarness;
  const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
    const parts: Buffer[] = [];
    res.on('data', (chunk: Buffer) => parts.push(chunk));
    res.on('end', () => done(null, Buffer.concat(parts)));
  };

  beforeAll(async () => {
    database = await openTestDatabase('exportinject');
    h = await buildCaseApiApp(database);
    for (const text of ATTACKS) await addCase(database, { description: { text } });
  });
  afterAll(async () => {
    await h.stop();
    await dropTestDatabase(database);
  });

  const download = (format: 'csv' | 'xlsx') =>
    request(h.app)
      .get(`/api/cases/export.${format}`)
      .set(bearer(h.tokens.admin))
      .buffer(true)
      .parse(binary)
      .expect(200);

  it('neutralises every text cell starting with =, +, -, @, tab or carriage return in CSV', async () => {
    const text = ((await download('csv')).body as Buffer).toString('utf8');
    for (const attack of ATTACKS) {
      const quoted = /[",\r\n]/.test(`'${attack}`) ? `"'${attack.replace(/"/g, '""')}"` : `'${attack}`;
      expect(text).toContain(quoted);
    }
  });

  it('does the same in XLSX, and numbers stay numbers', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download('xlsx')).body as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('cases')!;
    const values: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) row.eachCell((cell) => values.push(cell.value));
    });
    const texts = values.filter((value): value is string => typeof value === 'string');
    for (const attack of ATTACKS) expect(texts).toContain(`'${attack}`);
    expect(texts.some((value) => /^[=+\-@\t\r]/.test(value))).toBe(false);
    expect(values.some((value) => typeof value === 'number')).toBe(true);
  });
});
