import { markCaseMedia } from '../media/case-media';
import type { Connection } from 'mongoose';
import { loadAddressDirectory } from '../geo/address-directory';
import { resolvePlace } from '../geo/resolve-place';
import { caseInputSchema, type Case, type CaseInput } from './case-schema';
import { caseModel, type CaseModel } from './case-model';
import { findPossibleDuplicates, phoneKey } from './duplicates';
import { caseKeywords } from './keywords';
import { computePriority } from './priority';
import { nextReference, referenceClaimModel } from './reference';
import { isDuplicateKey } from '../db/models';

export type CaseModels = { connection: Connection; cases: CaseModel };

/** Registers the case models on this connection, so `Database.ensureIndexes` builds their indexes. */
export function caseModels(connection: Connection): CaseModels {
  referenceClaimModel(connection);
  return { connection, cases: caseModel(connection) };
}

export type CreateCaseResult = {
  case: Case;
  /** False when this intake had already made its case (a retry): the existing case is returned. */
  created: boolean;
};

async function existing(cases: CaseModel, intakeId: string): Promise<Case | null> {
  return cases.findOne({ intakeId }, { _id: 0 }).lean<Case>();
}

/**
 * Creates the case a confirmed intake describes, at most once per `intakeId`: a retry, a
 * redelivered event or a second instance racing on the same intake gets the case that exists.
 * The unique index on `intakeId` decides races (there are no transactions on the subset); the
 * loser's reference number is simply not used.
 */
export async function createCase(
  models: CaseModels,
  input: CaseInput,
  now: () => Date = () => new Date(),
): Promise<CreateCaseResult> {
  const parsed = caseInputSchema.parse(input);
  const { cases } = models;

  const found = await existing(cases, parsed.intakeId);
  if (found) return { case: found, created: false };

  const at = now();
  const directory = await loadAddressDirectory();
  const resolved = resolvePlace(directory, parsed.location);
  const priority = computePriority(parsed);
  const possibleDuplicateOf = await findPossibleDuplicates(
    cases,
    { ...parsed.location, headName: parsed.household.headName, phone: parsed.household.phone },
    at,
  );
  const reference = await nextReference(models.connection, at);
  const location = { ...parsed.location, resolved };

  const record: Case = {
    ...parsed,
    reference,
    location,
    priority,
    status: 'new',
    timeline: [
      {
        at,
        kind: 'created',
        actor: parsed.reportedBy === 'volunteer' ? 'volunteer' : 'reporter',
        actorId: parsed.reporter.lineUserId,
        to: 'new',
      },
      ...possibleDuplicateOf.map((flag) => ({
        at,
        kind: 'duplicate_flagged' as const,
        actor: 'system' as const,
        reference: flag.reference,
      })),
    ],
    possibleDuplicateOf,
    keywords: caseKeywords({ reference, ...parsed, location }, phoneKey(parsed.household.phone)),
    createdAt: at,
    updatedAt: at,
  };

  try {
    await cases.create(record);
  } catch (error) {
    if (isDuplicateKey(error)) {
      const winner = await existing(cases, parsed.intakeId);
      if (winner) return { case: winner, created: false };
    }
    throw error;
  }
  const stored = await existing(cases, parsed.intakeId);
  if (!stored) throw new Error('case vanished right after it was created');
  await markCaseMedia(models.connection, reference, [
    ...record.mediaIds,
    ...(record.description.voiceMediaId ? [record.description.voiceMediaId] : []),
  ]);
  return { case: stored, created: true };
}
