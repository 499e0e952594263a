import type { CaseInput, TimelineEntry } from '../../src/cases/case-schema';
import { caseModel } from '../../src/cases/case-model';
import type { Database } from '../../src/db/connection';
import { addCase } from '../case-api/helpers';

export const DAY = 24 * 3600 * 1000;
export const T0 = new Date('2026-03-01T03:00:00Z');
export const days = (n: number, from = T0) => new Date(from.getTime() + n * DAY);

/** Khao Kho, Phetchabun (67) and Chiang Mai city (50). */
export const PHETCHABUN = { lat: 16.65, lng: 101.13 };
export const CHIANG_MAI = { lat: 18.79, lng: 98.99 };

/** A case created at `at`, optionally moved to a status and given timeline entries, as stored. */
export async function seedCase(
  database: Database,
  at: Date,
  options: {
    input?: Partial<CaseInput>;
    status?: string;
    timeline?: TimelineEntry[];
    set?: Record<string, unknown>;
  } = {},
) {
  const created = await addCase(database, options.input ?? {}, at);
  const update: Record<string, unknown> = {};
  if (options.status || options.set)
    update.$set = { ...(options.status ? { status: options.status } : {}), ...options.set };
  if (options.timeline) update.$push = { timeline: { $each: options.timeline } };
  if (Object.keys(update).length > 0)
    await caseModel(database.connection).updateOne({ reference: created.reference }, update);
  return created;
}

export const staffNote = (at: Date, text = 'called the family'): TimelineEntry => ({
  at,
  kind: 'note',
  actor: 'staff',
  actorId: 'staff-1',
  text,
  visibility: 'internal',
});
