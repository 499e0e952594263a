import { randomInt } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { arabicDigits } from '../conversation';
import { caseModel } from '../cases/case-model';
import type { Case } from '../cases/case-schema';
import { insertOnce, modelOn } from '../db/models';
import { bangkokDay } from './model';

/**
 * The household's own way to follow the case a survey made for it: the volunteer shows the family a
 * code; a family member who has LINE and wants news adds NeedLine and sends it. Eight random digits
 * (references are numbered in order, so a reference alone would let anyone follow anyone's case),
 * once, for a limited time, with a few wrong tries a day per LINE account.
 */
export type HouseholdCodeDoc = {
  /** The 8 digits. */
  _id: string;
  reference: string;
  surveyId: string;
  campaignId: string;
  createdAt: Date;
  expiresAt: Date;
  /** The LINE account that took it (then the case's reporter); erased with that person's data. */
  claimedBy?: string;
  claimedAt?: Date;
};

/** Wrong codes sent by one LINE account on one Bangkok day. */
type CodeTriesDoc = { _id: string; userId: string; count: number; at: Date };

const codeSchema = new Schema<HouseholdCodeDoc>(
  {
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    surveyId: { type: String, required: true },
    campaignId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    claimedBy: String,
    claimedAt: Date,
  },
  { collection: 'household_codes', versionKey: false },
);
codeSchema.index({ surveyId: 1 });
codeSchema.index({ claimedBy: 1 });
codeSchema.index({ expiresAt: 1 });

const triesSchema = new Schema<CodeTriesDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    count: { type: Number, required: true },
    at: { type: Date },
  },
  { collection: 'household_code_tries', versionKey: false },
);
triesSchema.index({ userId: 1 });

export function householdCodeModels(connection: Connection): {
  HouseholdCode: Model<HouseholdCodeDoc>;
  CodeTries: Model<CodeTriesDoc>;
} {
  return {
    HouseholdCode: modelOn(connection, 'HouseholdCode', codeSchema),
    CodeTries: modelOn(connection, 'HouseholdCodeTries', triesSchema),
  };
}

/** Long enough for a family to add the account after the visit, e.g. once a relative helps them. */
export const CODE_VALID_DAYS = 90;
/** Wrong codes a LINE account may send in a Bangkok day before it must wait for the next. */
export const WRONG_CODES_PER_DAY = 5;
const DAY_MS = 24 * 3600_000;

/** "4831 2907", as the volunteer shows it. */
export const formatCode = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;

/**
 * The code in what a person typed: 8 digits, Thai digits too, spaces or dashes anywhere, with or
 * without the case reference before it. Undefined when the text is not a code.
 */
export function readCode(text: string): string | undefined {
  const plain = arabicDigits(text.normalize('NFC'))
    .replace(/NL-\d{4}-\d{6,}/i, ' ')
    .replace(/[\s\-–.:]+/g, '');
  return /^\d{8}$/.test(plain) ? plain : undefined;
}

/** The survey's code: made once (a redelivered event finds it), unique by its insert. */
export async function issueHouseholdCode(
  connection: Connection,
  subject: { reference: string; surveyId: string; campaignId: string },
  at: Date,
): Promise<HouseholdCodeDoc> {
  const { HouseholdCode } = householdCodeModels(connection);
  const existing = await HouseholdCode.findOne({ surveyId: subject.surveyId }).lean<HouseholdCodeDoc>();
  if (existing) return existing;
  for (;;) {
    const doc: HouseholdCodeDoc = {
      _id: String(randomInt(10_000_000, 100_000_000)),
      ...subject,
      createdAt: at,
      expiresAt: new Date(at.getTime() + CODE_VALID_DAYS * DAY_MS),
    };
    if (await insertOnce(HouseholdCode, doc)) return doc;
  }
}

export type CodeLookup =
  | { kind: 'found'; code: HouseholdCodeDoc; record: Pick<Case, 'reference' | 'category' | 'createdAt'> }
  | { kind: 'yours'; reference: string }
  | { kind: 'unknown' }
  | { kind: 'too_many' };

/**
 * What a code sent by `userId` opens: a case to follow, one they follow already, or nothing (unknown,
 * expired, taken by someone else or its case erased: all read the same, and count as a wrong try).
 */
export async function lookUpCode(
  connection: Connection,
  code: string,
  userId: string,
  at: Date,
): Promise<CodeLookup> {
  const { HouseholdCode, CodeTries } = householdCodeModels(connection);
  const triesId = `${userId}:${bangkokDay(at)}`;
  const tries = await CodeTries.findById(triesId).lean<CodeTriesDoc>();
  if ((tries?.count ?? 0) >= WRONG_CODES_PER_DAY) return { kind: 'too_many' };
  const found = await HouseholdCode.findById(code).lean<HouseholdCodeDoc>();
  if (found?.claimedBy === userId) return { kind: 'yours', reference: found.reference };
  const record =
    found && !found.claimedBy && found.expiresAt > at
      ? await caseModel(connection)
          .findOne({ reference: found.reference }, { reference: 1, category: 1, createdAt: 1, erasedAt: 1 })
          .lean<Pick<Case, 'reference' | 'category' | 'createdAt' | 'erasedAt'>>()
      : null;
  if (!found || !record || record.erasedAt) {
    await CodeTries.updateOne(
      { _id: triesId },
      { $inc: { count: 1 }, $set: { at, userId } },
      { upsert: true },
    );
    return { kind: 'unknown' };
  }
  return { kind: 'found', code: found, record };
}

/**
 * The family member's LINE account becomes the case's reporter: they hear its news and find it in
 * "My cases"; the volunteer stays on the case (its volunteer), keeps it in their list and still hears
 * its news. The code is taken first (one taker), so two people sending it at once cannot both link.
 */
export async function linkHousehold(
  connection: Connection,
  code: string,
  userId: string,
  at: Date,
): Promise<{ linked: true; reference: string } | { linked: false }> {
  const { HouseholdCode } = householdCodeModels(connection);
  await HouseholdCode.updateOne(
    { _id: code, claimedBy: { $exists: false }, expiresAt: { $gt: at } },
    { $set: { claimedBy: userId, claimedAt: at } },
  );
  const mine = await HouseholdCode.findById(code).lean<HouseholdCodeDoc>();
  if (!mine || mine.claimedBy !== userId) return { linked: false };
  const updated = await caseModel(connection).updateOne(
    { reference: mine.reference, erasedAt: { $exists: false } },
    { $set: { 'reporter.lineUserId': userId, updatedAt: at } },
    { strict: false, strictQuery: false },
  );
  return updated.matchedCount === 1 ? { linked: true, reference: mine.reference } : { linked: false };
}

/** Erasure of a person: the codes they took no longer name them (the case's reporter goes with the case). */
export async function forgetHouseholdCodes(connection: Connection, lineUserId: string): Promise<void> {
  const { HouseholdCode, CodeTries } = householdCodeModels(connection);
  await HouseholdCode.deleteMany({ claimedBy: lineUserId });
  await CodeTries.deleteMany({ userId: lineUserId });
}

/** Codes past their time and old try counters: nothing left to guard. */
export async function purgeHouseholdCodes(connection: Connection, now: Date): Promise<number> {
  const { HouseholdCode, CodeTries } = householdCodeModels(connection);
  const codes = await HouseholdCode.deleteMany({ expiresAt: { $lt: now } });
  await CodeTries.deleteMany({ at: { $lt: new Date(now.getTime() - 2 * DAY_MS) } });
  return codes.deletedCount;
}
