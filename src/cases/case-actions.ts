import { markCaseMedia } from '../media/case-media';
import { setTimeout } from 'node:timers/promises';
import type { QueryFilter } from 'mongoose';
import { caseChanges } from './case-service';
import { planChange, REPORTER_ACTOR } from './lifecycle';
import { FINAL_STATUSES, isOpenCase } from './status';
import type { Case, CaseStatus, TimelineEntry } from './case-schema';
import type { CaseModels } from './create-case';
import type { Effect } from '../conversation';

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
    { ...ownCase(effect.reference, userId), status: { $nin: FINAL_STATUSES } },
    {
      $push: {
        timeline: entry,
        ...(effect.mediaIds.length > 0 ? { mediaIds: { $each: effect.mediaIds } } : {}),
      },
      $set: { updatedAt: at },
    },
  );
  if (updated.matchedCount === 0) return closedNow(models, effect.reference, userId);
  await markCaseMedia(models.connection, effect.reference, mediaIds);
  return added;
}

/** A staff change that took the number is being written meanwhile: decide again once it lands. */
const WITHDRAW_ATTEMPTS = 8;
const WITHDRAW_WAIT_MS = 25;

/**
 * The reporter (or the volunteer who reported) withdraws one of their open cases: a numbered
 * lifecycle change like a staff one, by `REPORTER_ACTOR`, so a staff change at the same moment
 * cannot overwrite it nor be overwritten. Nobody is told here: the chat answers the one who
 * withdrew, and the notification sweep tells the others (see `notifyChange`).
 */
export async function withdrawCase(
  models: CaseModels,
  userId: string,
  effect: WithdrawCase,
): Promise<CaseActionOutcome> {
  const at = new Date(effect.at);
  const changes = caseChanges(models.connection, () => new Date());
  for (let attempt = 1; ; attempt++) {
    const found = await models.cases
      .findOne(ownCase(effect.reference, userId), { reference: 1, status: 1, changeSeq: 1, timeline: 1 })
      .lean<Pick<Case, 'reference' | 'status' | 'changeSeq' | 'timeline'>>();
    if (!found) return { kind: 'not_found' };
    if (alreadyWritten(found, userId, at, ['withdrawn'])) return { kind: 'withdrawn' };
    const plan = planChange(found, { status: 'withdrawn' });
    if (!plan.ok || !plan.change) return { kind: 'closed', status: found.status };

    const claimed = await changes.claim(found, plan.change, REPORTER_ACTOR);
    if (claimed.won) {
      await changes.apply(claimed.change, { userId, at });
      return { kind: 'withdrawn' };
    }
    const other = claimed.other;
    if (other?.actorId === REPORTER_ACTOR && other.to === 'withdrawn' && !other.appliedAt) {
      // This withdrawal, claimed by an attempt that failed before writing the case (one chat's
      // events run one at a time, so nobody else is writing it): finish it.
      await changes.apply(other, { userId, at });
      return { kind: 'withdrawn' };
    }
    // Failing makes the event processor retry the whole event later, with the same `at`.
    if (attempt === WITHDRAW_ATTEMPTS)
      throw new Error(`withdrawal of ${effect.reference} kept losing its change number`);
    await setTimeout(WITHDRAW_WAIT_MS * attempt);
  }
}

/** The case changed between reading and writing (staff closed it): say what it is now. */
async function closedNow(models: CaseModels, reference: string, userId: string): Promise<CaseActionOutcome> {
  const now = await models.cases.findOne(ownCase(reference, userId), { status: 1 }).lean();
  return now ? { kind: 'closed', status: now.status } : { kind: 'not_found' };
}
