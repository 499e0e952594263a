import { caseModels, createCase, type CaseModels } from '../../src/cases/create-case';
import type { CaseInput } from '../../src/cases/case-schema';
import type { Database } from '../../src/db/connection';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';

const at = new Date('2025-02-03T04:05:06Z');
const now = () => at;

let counter = 0;
const input = (overrides: Partial<CaseInput> = {}): CaseInput => ({
  intakeId: `intake-${++counter}`,
  consentId: 'consent-1',
  language: 'th',
  reporter: { lineUserId: `U${String(counter).padStart(32, '0')}` },
  reportedBy: 'self',
  household: {
    headName: 'นางคำ แซ่ย่าง',
    size: 6,
    vulnerable: ['elderly', 'child_under_5'],
    tenure: 'public_land',
    phone: '081-234-5678',
  },
  category: 'unsafe_or_no_home',
  description: { text: 'หลังคารั่ว ฝนตกน้ำเข้าบ้าน' },
  mediaIds: ['media-1', 'media-2'],
  location: { lat: 16.65, lng: 101.13, typedAddress: { village: 'บ้านเข็กน้อย', district: 'เขาค้อ' } },
  ...overrides,
});

describe('createCase', () => {
  let database: Database;
  let models: CaseModels;
  beforeAll(async () => {
    database = await openTestDatabase('cases');
    models = caseModels(database.connection);
    await database.ensureIndexes();
  });
  afterAll(async () => {
    await dropTestDatabase(database);
  });

  it('stores everything given, with reference, resolved place, priority, status new and a timeline', async () => {
    const given = input();
    const { case: stored, created } = await createCase(models, given, now);
    expect(created).toBe(true);
    expect(stored.reference).toMatch(/^NL-2568-\d{6}$/);
    expect(stored).toMatchObject({
      intakeId: given.intakeId,
      status: 'new',
      category: 'unsafe_or_no_home',
      mediaIds: ['media-1', 'media-2'],
      household: { size: 6, tenure: 'public_land', vulnerable: ['elderly', 'child_under_5'] },
      location: {
        lat: 16.65,
        lng: 101.13,
        resolved: {
          provinceCode: '67',
          districtCode: '6711',
          source: { province: 'point', district: 'typed', subdistrict: 'none' },
        },
      },
      priority: { score: 66, level: 'urgent' },
      timeline: [{ kind: 'created', actor: 'reporter', to: 'new', at }],
      possibleDuplicateOf: [],
      createdAt: at,
      updatedAt: at,
    });
    expect(stored.keywords).toEqual(
      expect.arrayContaining([
        stored.reference.toLowerCase(),
        'เพชรบูรณ์',
        'phetchabun',
        'แซ่ย่าง',
        '0812345678',
      ]),
    );
  });

  it('returns the existing case when the same intake is created again', async () => {
    const given = input({ location: { lat: 18.79, lng: 98.98 } });
    const first = await createCase(models, given, now);
    const again = await createCase(models, given, now);
    expect(again.created).toBe(false);
    expect(again.case.reference).toBe(first.case.reference);
    expect(await models.cases.countDocuments({ intakeId: given.intakeId })).toBe(1);
  });

  it('makes one case when the same intake races from two instances', async () => {
    const given = input({ location: { lat: 13.75, lng: 100.5 } });
    const second = caseModels(database.connection.useDb(database.connection.name, { useCache: false }));
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => createCase(i % 2 ? second : models, given, now)),
    );
    expect(await models.cases.countDocuments({ intakeId: given.intakeId })).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.case.reference)).size).toBe(1);
  });

  it('gives different intakes created at once different references', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createCase(models, input({ location: { lat: 7 + i, lng: 99 } }), now),
      ),
    );
    expect(new Set(results.map((r) => r.case.reference)).size).toBe(8);
  });

  it('flags, without merging, a nearby case of the same household by name or phone', async () => {
    const base = { lat: 16.7, lng: 101.2 };
    const original = await createCase(models, input({ location: base }), now);
    // ~90 m away, head name without honorific, same phone in international format with Thai digits.
    const sameHousehold = await createCase(
      models,
      input({
        location: { lat: base.lat + 0.0008, lng: base.lng },
        household: { headName: 'คำ แซ่ย่าง', size: 5, vulnerable: [], tenure: 'own', phone: '+66 ๘๑ ๒๓๔ ๕๖๗๘' },
      }),
      now,
    );
    expect(sameHousehold.case.possibleDuplicateOf).toEqual([
      {
        reference: original.case.reference,
        reasons: ['near_location', 'similar_name', 'same_phone'],
        distanceMeters: 89,
        flaggedAt: at,
      },
    ]);
    expect(sameHousehold.case.timeline.map((e) => e.kind)).toEqual(['created', 'duplicate_flagged']);
    expect(await models.cases.countDocuments({ reference: original.case.reference })).toBe(1);

    // Near, but another family (different name and phone): not flagged.
    const neighbour = await createCase(
      models,
      input({
        location: { lat: base.lat + 0.0005, lng: base.lng },
        household: {
          headName: 'Somchai Jaidee',
          size: 3,
          vulnerable: [],
          tenure: 'rent',
          phone: '0899999999',
        },
      }),
      now,
    );
    expect(neighbour.case.possibleDuplicateOf).toEqual([]);

    // Same name and phone but 2 km away: not flagged.
    const far = await createCase(models, input({ location: { lat: base.lat + 0.018, lng: base.lng } }), now);
    expect(far.case.possibleDuplicateOf).toEqual([]);
  });

  it('requires the volunteer details for a volunteer report and the household informed', async () => {
    await expect(createCase(models, input({ reportedBy: 'volunteer' }), now)).rejects.toThrow(/volunteer/);
    const ok = await createCase(
      models,
      input({
        reportedBy: 'volunteer',
        volunteer: {
          lineUserId: 'Uvolunteer',
          relation: 'village health volunteer',
          householdInformed: true,
        },
        location: { typedAddress: { province: 'Chiang Mai', district: 'Mae Rim' } },
      }),
      now,
    );
    expect(ok.case.location.resolved).toMatchObject({ provinceCode: '50', source: { province: 'typed' } });
    expect(ok.case.timeline[0]?.actor).toBe('volunteer');
  });
});
