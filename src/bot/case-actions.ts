import type { QueryFilter } from 'mongoose';
import type { Case, CaseStatus, TimelineEntry } from '../cases/case-schema';
import type { CaseModels } from '../cases/create-case';
import type { Effect } from '../conversation';

/** Endings: a case in one of these takes no more photos or notes and cannot be withdrawn. */
export const CLOSED_STATUSES: readonly CaseStatus[] = ['completed', 'declined', 'duplicate', 'withdrawn'];

export const isOpenCase = (status: CaseStatus): boolean => !CLOSED_STATUSES.includes(status);

export type CaseActionOutcome =
  | { kind: 'added'; photos: number; note: boolean }
  | { kind: 'withdrawn' }
  | { kind: 'not_found' }
  | { kind: 'closed'; status: CaseStatus };

type AddToCase = Extract<Effect, { type: 'addToCase' }>;
type WithdrawCase = Extract<Effect, { type: 'withdrawCase' }>;

/** The user's own case: reported by them, or by them as a volunteer for a household. */
const ownCase = (reference: string, userId: string): QueryFilter<Case> => ({
  reference,
  $or: [{ 'reporter.lineUserId': userId }, { 'volunteer.lineUserId': userId }],
});

/** An entry this user wrote at this moment: a redelivered event finds it and does not write again. */
const alreadyWritten = (found: Pick<Case, 'timeline'>, userId: string, at: Date, kinds: string[]) =>
  (found.timeline ?? []).some(
    (entry) =>
      entry.actor === 'reporter' &&
      entry.actorId === userId &&
      entry.at.getTime() === at.getTime() &&
      kinds.includes(entry.kind),
  );

/**
 * The reporter's photos and/or note on one of their open cases, as one timeline entry, in one update
 * that only matches while the case is still open.
 */
export async function addToCase(
  models: CaseModels,
  userId: string,
  effect: AddToCase,
): Promise<CaseActionOutcome> {
  const at = new Date(effect.at);
  const note = effect.note;
  const voice = note && 'voiceMediaId' in note ? [note.voiceMediaId] : [];
  const mediaIds = [...effect.mediaIds, ...voice];
  const added = { kind: 'added', photos: effect.mediaIds.length, note: note !== undefined } as const;
  const kind = note ? 'note' : 'media_added';

  const found = await models.cases
    .findOne(ownCase(effect.reference, userId), { status: 1, timeline: 1 })
    .lean<Pick<Case, 'status' | 'timeline'>>();
  if (!found) return { kind: 'not_found' };
  if (alreadyWritten(found, userId, at, [kind])) return added;
  if (!isOpenCase(found.status)) return { kind: 'closed', status: found.status };

  const entry: TimelineEntry = {
    at,
    kind,
    actor: 'reporter',
    actorId: userId,
    ...(note && 'text' in note ? { text: note.text } : {}),
    ...(mediaIds.length > 0 ? { mediaIds } : {}),
  };
  const updated = await models.cases.updateOne(
    { ...ownCase(effect.reference, userId), status: { $nin: CLOSED_STATUSES } },
    {
      $push: {
        timeline: entry,
        ...(effect.mediaIds.length > 0 ? { mediaIds: { $each: effect.mediaIds } } : {}),
      },
      $set: { updatedAt: at },
    },
  );
  if (updated.matchedCount === 0) return closedNow(models, effect.reference, userId);
  return added;
}

/** The reporter withdraws one of their open cases: status and timeline in one update. */
export async function withdrawCase(
  models: CaseModels,
  userId: string,
  effect: WithdrawCase,
): Promise<CaseActionOutcome> {
  const at = new Date(effect.at);
  const found = await models.cases
    .findOne(ownCase(effect.reference, userId), { status: 1, timeline: 1 })
    .lean<Pick<Case, 'status' | 'timeline'>>();
  if (!found) return { kind: 'not_found' };
  if (alreadyWritten(found, userId, at, ['withdrawn'])) return { kind: 'withdrawn' };
  if (!isOpenCase(found.status)) return { kind: 'closed', status: found.status };

  const entry: TimelineEntry = {
    at,
    kind: 'withdrawn',
    actor: 'reporter',
    actorId: userId,
    from: found.status,
    to: 'withdrawn',
  };
  const updated = await models.cases.updateOne(
    { ...ownCase(effect.reference, userId), status: { $nin: CLOSED_STATUSES } },
    { $set: { status: 'withdrawn', updatedAt: at }, $push: { timeline: entry } },
  );
  if (updated.matchedCount === 0) return closedNow(models, effect.reference, userId);
  return { kind: 'withdrawn' };
}

/** The case changed between reading and writing (staff closed it): say what it is now. */
async function closedNow(models: CaseModels, reference: string, userId: string): Promise<CaseActionOutcome> {
  const now = await models.cases.findOne(ownCase(reference, userId), { status: 1 }).lean();
  return now ? { kind: 'closed', status: now.status } : { kind: 'not_found' };
}
