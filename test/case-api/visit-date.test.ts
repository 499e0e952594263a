import request from 'supertest';
import type { Database } from '../../src/db/connection';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addCase, bearer, buildCaseApiApp, type CaseApiHarness } from './helpers';

let database: Database;
let h: CaseApiHarness;

beforeAll(async () => {
  database = await openTestDatabase('visitdate');
  h = await buildCaseApiApp(database);
});
afterAll(async () => {
  await h.stop();
  await dropTestDatabase(database);
});

describe('the scheduled visit date', () => {
  it('stays on the case once the visit is past; only a new schedule changes it', async () => {
    const record = await addCase(database);
    const patch = (body: object) =>
      request(h.app).patch(`/api/cases/${record.reference}`).set(bearer(h.tokens.admin)).send(body);
    const visitDate = async () =>
      (await request(h.app).get(`/api/cases/${record.reference}`).set(bearer(h.tokens.viewer)).expect(200))
        .body.visitDate;

    await patch({ status: 'reviewing' }).expect(200);
    await patch({ status: 'visit_scheduled', visitDate: '2026-12-24' }).expect(200);
    await patch({ visitDate: '2026-12-26' }).expect(200);
    await patch({ status: 'assessed' }).expect(200);
    expect(await visitDate()).toBe('2026-12-26');
    await patch({ status: 'approved' }).expect(200);
    expect(await visitDate()).toBe('2026-12-26');
    // Not a status that takes a date: refused, and the kept date is unchanged.
    await patch({ visitDate: '2027-01-05' }).expect(422);
    expect(await visitDate()).toBe('2026-12-26');

    const list = await request(h.app)
      .get('/api/cases')
      .query({ q: record.reference })
      .set(bearer(h.tokens.viewer))
      .expect(200);
    expect(
      list.body.items.find((c: { reference: string }) => c.reference === record.reference),
    ).toMatchObject({ status: 'approved', visitDate: '2026-12-26' });
  });
});
