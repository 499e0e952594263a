import { applyPatch, FERRETDB_PATCHES } from '../../src/db/ferretdb-patches';
import { dropTestDatabase, openTestDatabase, testDatabaseServer } from '../helpers/db';
import { MongoClient } from 'mongodb';
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

  it('applies concurrent conditional writes to one document one at a time, as MongoDB does', async () => {
    const counters = database.connection.db!.collection<{ _id: string; n: number; owner?: string }>(
      'counters',
    );
    await counters.insertOne({ _id: 'c', n: 0 });
    const clients = await Promise.all(
      Array.from({ length: 8 }, () => MongoClient.connect(testDatabaseServer().uri, { maxPoolSize: 4 })),
    );
    try {
      const db = (i: number) => clients[i % clients.length]!.db(database.connection.db!.databaseName);
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          db(i)
            .collection('counters')
            .updateOne({ _id: 'c' as never }, { $inc: { n: 1 } }),
        ),
      );
      expect((await counters.findOne({ _id: 'c' }))?.n).toBe(100);
      // A lease taken by a conditional findAndModify goes to exactly one of many racing takers.
      const taken = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          db(i)
            .collection('counters')
            .findOneAndUpdate({ _id: 'c' as never, owner: { $exists: false } }, { $set: { owner: `o${i}` } }),
        ),
      );
      expect(taken.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
