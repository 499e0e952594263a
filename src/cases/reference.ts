import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce, modelOn } from '../db/models';

/** The Buddhist Era year of an instant, as the calendar reads in Thailand (Asia/Bangkok). */
export function buddhistYear(at: Date): number {
  const gregorian = Number(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Bangkok', year: 'numeric' }).format(at),
  );
  return gregorian + 543;
}

export const formatReference = (year: number, sequence: number) =>
  `NL-${year}-${String(sequence).padStart(6, '0')}`;

type ReferenceClaim = { _id: string; year: number; seq: number };

const claimSchema = new Schema<ReferenceClaim>(
  { _id: { type: String }, year: { type: Number, required: true }, seq: { type: Number, required: true } },
  { collection: 'case_references', versionKey: false },
);
claimSchema.index({ year: 1, seq: -1 });

export type ReferenceClaimModel = Model<ReferenceClaim>;

export function referenceClaimModel(connection: Connection): ReferenceClaimModel {
  return modelOn<ReferenceClaim>(connection, 'CaseReference', claimSchema);
}

/** Contention is bounded by how many cases are confirmed in the same instant, across instances. */
const MAX_ATTEMPTS = 200;

/**
 * The next case reference, e.g. `NL-2568-000123`, numbered per Buddhist year, unique across any
 * number of instances.
 *
 * Why not a counter document with an atomic `findOneAndUpdate` + `$inc`: on FerretDB 1.24
 * (SQLite) that is not atomic. Thirty concurrent increments returned only 13 distinct values
 * (test/cases/reference.test.ts). What every backend does enforce is a unique key, so each
 * number is claimed by inserting its reference as an `_id`: read the year's highest claim,
 * insert the next one, and on a duplicate key try the one after. A creation that fails after
 * claiming leaves a gap: references are unique and increasing, not gap-free.
 */
export async function nextReference(connection: Connection, at: Date): Promise<string> {
  const claims = referenceClaimModel(connection);
  const year = buddhistYear(at);
  let candidate = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const last = await claims.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean();
    candidate = Math.max(candidate + 1, (last?.seq ?? 0) + 1);
    const reference = formatReference(year, candidate);
    if (await insertOnce(claims, { _id: reference, year, seq: candidate })) return reference;
  }
  throw new Error(`no free case reference after ${MAX_ATTEMPTS} attempts`);
}
