import { applyPatch, FERRETDB_PATCHES } from '../../src/db/ferretdb-patches';
import { dropTestDatabase, openTestDatabase, testDatabaseServer } from '../helpers/db';
import type { Database } from '../../src/db/connection';

describe('FerretDB source patches', () => {
  it('replace exactly the expected text, and refuse a source that no longer has it', () => {
    const patch = { file: 'x.go', from: 'a == 1', to: 'a >= 1', count: 2 };
    expect(applyPatch('if a == 1 {} if a == 1 {}', patch)).toBe('if a >= 1 {} if a >= 1 {}');
    expect(() => applyPatch('if a == 1 {}', patch)).toThrow(/expected 2 occurrence\(s\).*found 1/);
    expect(FERRETDB_PATCHES.every((p) => p.from !== p.to)).toBe(true);
  });
});

// The point of the patches: an `_id` lookup, alone or beside other keys, uses SQLite's index.
const onFerretDb = testDatabaseServer().kind === 'ferretdb' ? describe : describe.skip;

onFerretDb('the embedded FerretDB', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('patches');
    const things = database.connection.db!.collection<{ _id: string; rev: number }>('things');
    await things.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `t${i}`, rev: i })));
  });
  afterAll(() => dropTestDatabase(database));

  it.each([[{ _id: 't7' }], [{ _id: 't7', rev: 7 }]])('looks %j up through the _id index', async (filter) => {
    const things = database.connection.db!.collection<{ _id: string; rev: number }>('things');
    const plan = (await things.find(filter).explain()) as {
      filterPushdown?: boolean;
      queryPlanner?: { Plan?: string[] };
    };
    expect(plan.filterPushdown).toBe(true);
    expect(plan.queryPlanner?.Plan?.join(' ')).toMatch(/USING INDEX/);
    expect(await things.find(filter).toArray()).toEqual([{ _id: 't7', rev: 7 }]);
  });

  it('still applies the other keys of the filter', async () => {
    const things = database.connection.db!.collection<{ _id: string; rev: number }>('things');
    expect(await things.find({ _id: 't7', rev: 8 }).toArray()).toEqual([]);
    const result = await things.updateOne({ _id: 't7', rev: 8 }, { $set: { rev: 9 } });
    expect(result.matchedCount).toBe(0);
  });
});
