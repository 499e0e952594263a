import { buddhistYear, formatReference, nextReference, referenceClaimModel } from '../../src/cases/reference';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import type { Database } from '../../src/db/connection';

describe('buddhistYear', () => {
  it('turns the year over at midnight in Bangkok, not in UTC', () => {
    expect(buddhistYear(new Date('2024-12-31T16:59:59Z'))).toBe(2567);
    expect(buddhistYear(new Date('2024-12-31T17:00:00Z'))).toBe(2568);
  });

  it('formats references with six digits', () => {
    expect(formatReference(2568, 123)).toBe('NL-2568-000123');
  });
});

describe('nextReference', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('reference');
    referenceClaimModel(database.connection);
    await database.ensureIndexes();
  });
  afterAll(async () => {
    await dropTestDatabase(database);
  });

  it('numbers sequentially per Buddhist year', async () => {
    const at = new Date('2025-06-01T03:00:00Z');
    expect(await nextReference(database.connection, at)).toBe('NL-2568-000001');
    expect(await nextReference(database.connection, at)).toBe('NL-2568-000002');
    expect(await nextReference(database.connection, new Date('2026-01-10T00:00:00Z'))).toBe('NL-2569-000001');
  });

  it('never gives one number twice under concurrent creation, from two connections', async () => {
    const other = await openTestDatabase('unused');
    const second = other.connection.useDb(database.connection.name, { useCache: false });
    try {
      const at = new Date('2030-03-01T00:00:00Z'); // a fresh year: every call races for number 1 too
      const references = await Promise.all(
        Array.from({ length: 30 }, (_, i) => nextReference(i % 2 === 0 ? database.connection : second, at)),
      );
      expect(new Set(references).size).toBe(30);
      const numbers = references.map((r) => Number(r.split('-')[2])).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(references.every((r) => r.startsWith('NL-2573-'))).toBe(true);
    } finally {
      await dropTestDatabase(other);
    }
  });
});
