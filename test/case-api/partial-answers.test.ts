import request from 'supertest';
import { applyHouseholdAnswers } from '../../src/cases/household-answers';
import { caseInputFrom } from '../../src/cases/case-input';
import { caseModels, createCase } from '../../src/cases/create-case';
import type { Database } from '../../src/db/connection';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { bearer, buildCaseApiApp, lineUserId, type CaseApiHarness } from './helpers';

/**
 * A short report has its reference before the household questions: staff see which answers are
 * missing and that the priority rests on partial answers, in the API and in the exports; the answers
 * given later complete the case as a full report would have.
 */
let database: Database;
let h: CaseApiHarness;
const reporter = lineUserId();
let reference = '';

const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (chunk: Buffer) => parts.push(chunk));
  res.on('end', () => done(null, Buffer.concat(parts)));
};

beforeAll(async () => {
  database = await openTestDatabase('casepartial');
  h = await buildCaseApiApp(database);
  // As the short path hands it over: the problem, photos, the place and a phone; no household answers.
  const input = caseInputFrom(
    {
      type: 'createCase',
      intakeId: 'intake-short-1',
      flowId: 'report-need',
      flowVersion: 3,
      language: 'en',
      consent: { noticeVersion: '2025-01', at: '2026-01-10T03:00:00.000Z', sensitive: false },
      answers: {
        category: 'unsafe',
        description: { text: 'The posts are rotten and the house leans' },
        location: { lat: 16.65, lng: 101.13 },
        phone: '0812345678',
      },
    },
    reporter,
  );
  reference = (await createCase(caseModels(database.connection), input)).case.reference;
});
afterAll(async () => {
  await h.stop();
  await dropTestDatabase(database);
});

const detail = async () =>
  (await request(h.app).get(`/api/cases/${reference}`).set(bearer(h.tokens.coordinator)).expect(200))
    .body as {
    priority: { level: string; score: number; partial: boolean };
    missingAnswers: string[];
    household: { size: number | null; tenure: string | null; vulnerable: string[] };
    priorityMissing: string[];
  };

async function csv(lang: string): Promise<string[][]> {
  const res = await request(h.app)
    .get('/api/cases/export.csv')
    .query({ lang })
    .set(bearer(h.tokens.coordinator))
    .buffer(true)
    .parse(binary)
    .expect(200);
  // No cell of these rows holds a comma inside quotes but the missing answers: split on the quotes.
  return (res.body as Buffer)
    .toString('utf8')
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .map((line) =>
      line.match(/("[^"]*"|[^,]*)(?:,|$)/g)!.map((cell) => cell.replace(/,$/, '').replace(/"/g, '')),
    );
}

describe('a short report before and after its household questions', () => {
  it('shows staff the missing answers and a partial priority, in the API and the exports', async () => {
    const before = await detail();
    expect(before.priority).toEqual({ level: 'high', score: 30, partial: true });
    expect(before.missingAnswers).toEqual(['size', 'vulnerable', 'tenure', 'headName']);
    expect(before.priorityMissing).toEqual(['size', 'vulnerable', 'tenure']);
    expect(before.household).toEqual({ size: null, tenure: null, vulnerable: [] });

    const list = await request(h.app).get('/api/cases').set(bearer(h.tokens.viewer)).expect(200);
    expect(list.body.items[0]).toMatchObject({
      reference,
      priority: { partial: true },
      missingAnswers: ['size', 'vulnerable', 'tenure', 'headName'],
    });

    const [header, row] = await csv('en');
    const cell = (name: string) => row![header!.indexOf(name)];
    expect(cell('Priority basis')).toBe('Partial (answers missing)');
    expect(cell('Missing answers')).toBe('Household size, Vulnerable members, Land tenure, Household head');
    expect(cell('Household size')).toBe('');
    const [thHeader, thRow] = await csv('th');
    expect(thRow![thHeader!.indexOf('ที่มาของความเร่งด่วน')]).toBe('ยังไม่ครบ (ขาดคำตอบ)');
  });

  it('is completed by the answers given after the reference, one at a time, a skip erasing nothing', async () => {
    const models = caseModels(database.connection);
    const at = new Date();
    const update = (answers: Record<string, string | number | string[]>) =>
      applyHouseholdAnswers(models, reporter, { case: { intakeId: 'intake-short-1' }, answers, at });

    // Only the reporter's own case takes answers.
    expect(
      await applyHouseholdAnswers(models, lineUserId(), {
        case: { reference },
        answers: { householdSize: 2 },
        at,
      }),
    ).toEqual({ kind: 'not_found' });

    expect(await update({ householdSize: 6 })).toMatchObject({ kind: 'updated' });
    // The same answers again (a retry) change nothing.
    expect(await update({ householdSize: 6 })).toEqual({ kind: 'unchanged', reference });
    await update({ householdSize: 6, vulnerable: ['disabled', 'under5'] });
    let now = await detail();
    expect(now.household).toEqual({ size: 6, tenure: null, vulnerable: ['disabled', 'child_under_5'] });
    expect(now.priorityMissing).toEqual(['tenure']);
    expect(now.priority).toMatchObject({ partial: true, score: 30 + 12 + 8 + 8, level: 'urgent' });

    // From the card later, by reference: the size skipped keeps the size given.
    await applyHouseholdAnswers(models, reporter, {
      case: { reference },
      answers: { tenure: 'public_land', headName: 'Nuan Saetang' },
      at,
    });
    now = await detail();
    expect(now.missingAnswers).toEqual([]);
    expect(now.priority).toEqual({ level: 'urgent', score: 30 + 12 + 8 + 8 + 10, partial: false });
    expect(now.household.size).toBe(6);
    const stored = await models.cases.findOne({ reference }).lean();
    expect(stored!.household.headName).toBe('Nuan Saetang');
    expect(stored!.keywords).toContain('saetang');
    expect(stored!.timeline.filter((entry) => entry.kind === 'household_answered')).toHaveLength(3);
  });
});
