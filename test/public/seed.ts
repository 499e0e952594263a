import type { Connection } from 'mongoose';
import type { CaseInput } from '../../src/cases/case-schema';
import { caseModel } from '../../src/cases/case-model';
import { caseModels, createCase } from '../../src/cases/create-case';
import { housePhoto } from '../../src/demo/photos';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { mediaModels } from '../../src/media/models';
import { publicationConsentModel } from '../../src/cases/publication-consent-model';

const DAY_MS = 86_400_000;

/** Where the seeded households live: distinctive villages, so a leak is easy to find. */
const PLACES = [
  { district: 'เขาค้อ', lat: 16.66, lng: 101.02, count: 9, village: 'บ้านเข็กน้อยหมู่สิบเอ็ด' },
  { district: 'หล่มเก่า', lat: 16.93, lng: 101.24, count: 6, village: 'บ้านนาซำหมู่สามสิบ' },
  // Two and three households: each is "fewer than 5", and together they are not.
  { district: 'วังโป่ง', lat: 16.42, lng: 101.16, count: 2, village: 'บ้านซับเปิบหมู่ยี่สิบ' },
  { district: 'ชนแดน', lat: 16.43, lng: 101.15, count: 3, village: 'บ้านดงขุยหมู่สี่สิบ' },
] as const;

export type SeededCase = {
  reference: string;
  completed: boolean;
  lineUserId: string;
  headName: string;
  phone: string;
  description: string;
  village: string;
  sharedTitle: string;
  sharedAddress: string;
  lat: number;
  lng: number;
};

/**
 * Cases with every kind of personal field, reported 40 to 70 days ago (so before this month and in
 * the published figures), a third of them completed with a visit date.
 */
export async function seedPublicCases(connection: Connection, now = new Date()): Promise<SeededCase[]> {
  const models = caseModels(connection);
  const seeded: SeededCase[] = [];
  let n = 0;
  for (const place of PLACES) {
    for (let i = 0; i < place.count; i++) {
      n++;
      const lineUserId = newUserId();
      // Coordinates with many digits, as a phone shares them.
      const lat = Number((place.lat + n * 0.001371).toFixed(6));
      const lng = Number((place.lng + n * 0.000913).toFixed(6));
      const person = {
        headName: `นางบัวผัน ทดสอบลับ${n}`,
        phone: `08${String(91234500 + n).padStart(8, '0')}`,
        description: `หลังคารั่วหนักมากเฉพาะบ้านหลังนี้${n}`,
        village: `${place.village}${n}`,
        sharedTitle: `บ้านของป้าบัวผัน${n}`,
        sharedAddress: `${100 + n}/7 หมู่ ${n} ถนนลับเฉพาะ${n}`,
      };
      const input: CaseInput = {
        intakeId: `public-seed-${n}-${lineUserId}`,
        consentId: `consent-${n}`,
        language: 'th',
        reporter: { lineUserId },
        reportedBy: 'self',
        household: {
          headName: person.headName,
          size: 3 + (n % 4),
          vulnerable: ['elderly'],
          tenure: 'own',
          phone: person.phone,
        },
        category: n % 3 === 0 ? 'toilet' : 'roof',
        description: { text: person.description },
        mediaIds: [],
        location: {
          lat,
          lng,
          typedAddress: { village: person.village, district: place.district },
          shared: { title: person.sharedTitle, address: person.sharedAddress },
        },
      };
      const reportedAt = new Date(now.getTime() - (70 - n) * DAY_MS);
      const created = await createCase(models, input, () => reportedAt);
      if (n % 3 === 1) {
        await caseModel(connection).updateOne(
          { reference: created.case.reference },
          {
            $set: {
              status: 'completed',
              visitDate: new Date(reportedAt.getTime() + 3 * DAY_MS).toISOString().slice(0, 10),
              completedAt: new Date(reportedAt.getTime() + 20 * DAY_MS),
            },
          },
        );
      }
      seeded.push({
        reference: created.case.reference,
        completed: n % 3 === 1,
        lineUserId,
        lat,
        lng,
        ...person,
      });
    }
  }
  return seeded;
}

/** Every personal value of the seeded cases, in the forms it could be printed. */
export function personalStrings(seeded: SeededCase[]): string[] {
  return seeded.flatMap((c) => [
    c.reference,
    c.lineUserId,
    c.headName,
    c.phone,
    `${c.phone.slice(0, 3)}-${c.phone.slice(3, 6)}-${c.phone.slice(6)}`,
    `+66${c.phone.slice(1)}`,
    c.description,
    c.village,
    c.sharedTitle,
    c.sharedAddress,
    String(c.lat),
    String(c.lng),
    c.lat.toFixed(4),
    c.lng.toFixed(4),
  ]);
}

/** A consented story for a seeded completed case: its report photo, a staff photo after, a yes. */
export async function seedStory(
  connection: Connection,
  reference: string,
  lineUserId: string,
): Promise<void> {
  const { Media, MediaChunk } = mediaModels(connection);
  const ids = [`seed-before-${reference}`, `seed-after-${reference}`];
  for (const [i, id] of ids.entries()) {
    const png = housePhoto(i + 1, i === 0 ? 'before' : 'after');
    await Media.create({
      _id: id,
      source: i === 0 ? 'line' : 'staff',
      kind: 'image',
      status: 'stored',
      contentType: 'image/png',
      size: png.length,
      chunkCount: 1,
      attempts: 0,
      caseReference: reference,
      createdAt: new Date(),
    });
    await MediaChunk.create({ _id: `${id}:0`, mediaId: id, n: 0, data: png });
  }
  await caseModel(connection).updateOne(
    { reference },
    {
      $set: { mediaIds: [ids[0]] },
      $push: {
        timeline: {
          at: new Date(),
          kind: 'media_added',
          actor: 'staff',
          actorId: 'staff-1',
          mediaIds: [ids[1]],
        },
      },
    },
  );
  await publicationConsentModel(connection).create({
    _id: reference,
    storyId: `story-${reference.slice(-6)}`,
    lineUserId,
    language: 'th',
    status: 'given',
    askedAt: new Date(),
    answeredAt: new Date(),
  });
}
