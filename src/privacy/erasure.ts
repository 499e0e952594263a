import { randomUUID } from 'node:crypto';
import { CONFLICT, retryOnConflict } from '../db/models';
import { forgetInMergedCase, unlinkVolunteer } from '../cases/erase-case';
import { forgetLineUserInAudit } from '../staff/audit-erase';
import { forgetNoticesOwedTo } from '../cases/case-records';
import { forgetUpdatesFor } from '../cases/updates/store';
import { eraseFeedback } from '../feedback/feedback';
import type { Case } from '../cases/case-schema';
import { deleteMedia } from '../media/media-store';
import { eraseVolunteerData } from '../volunteers/erase';
import { forgetVolunteerInSurveys } from '../campaigns/erase';
import { forgetHouseholdCodes } from '../campaigns/household-link';
import { isOpenCase } from '../cases/status';
import { eraseCasePersonalData } from './retention-purge';
import type { CaseModels } from '../cases/create-case';
import { forgetLineUserInNotifications, tellStaffOfErasure } from '../notifications/staff-notifications';
import type { Connection } from 'mongoose';
import { byUser } from '../cases/case-scope';
import type { PrivacyDeps } from './my-data';

/**
 * PDPA erasure that really deletes, at once: media bytes, names, phones, descriptions, exact places,
 * timeline notes, the LINE name, consents, the messages we sent and a volunteer's registrations and
 * menu. Cases keep only what anonymous statistics need (category, province, district, household
 * size and tenure, status, dates); the chat's closing words say so (flows:my_data.deleted).
 */
export async function eraseUserData(
  deps: PrivacyDeps,
  userId: string,
): Promise<{ cases: number; media: number; households: number }> {
  // First: a failed unlink throws before anything is erased, and the retried event erases it all.
  await eraseVolunteerData({ connection: deps.models.LineUser.db, lineApi: deps.api }, userId);
  const cases = await deps.cases.cases
    .find(byUser(userId), {
      _id: 1,
      reference: 1,
      status: 1,
      assigneeId: 1,
      'location.resolved.provinceCode': 1,
      mediaIds: 1,
      description: 1,
      reportedBy: 1,
      volunteer: 1,
    })
    .lean();
  // A volunteer's reports are the households' data, given for the households' sake: the volunteer
  // is unlinked from them, the households' needs stay (photos included). A household member who
  // follows the case a volunteer reported (by its household code) is its reporter: it is theirs.
  const forHouseholds = cases.filter((item) => item.volunteer?.lineUserId === userId);
  const own = cases.filter((item) => item.volunteer?.lineUserId !== userId);
  let media = 0;
  for (const item of own) {
    media += await eraseCase(deps.cases, item._id);
    if (isOpenCase(item.status)) await tellStaffOfErasure(deps.cases.connection, item, new Date());
  }
  // What they sent that no case of theirs holds (photos sent before a report, a report abandoned).
  // Surveys they made stay with the households too (src/campaigns/erase.ts).
  const surveys = await forgetVolunteerInSurveys(deps.models.LineUser.db, userId);
  const householdMedia = new Set([...forHouseholds.flatMap(caseMediaIds), ...surveys.keptMedia]);
  for (const item of await deps.media.Media.find({ userId }, { _id: 1 }).lean()) {
    if (householdMedia.has(item._id)) continue;
    await deleteMedia(deps.media, item._id);
    media++;
  }

  for (const item of forHouseholds) await unlinkVolunteer(deps.cases, item._id, ERASE_ATTEMPTS);
  const erasedMedia = own.flatMap(caseMediaIds);
  for (const item of await deps.cases.cases.find({ 'extraReporters.lineUserId': userId }, { _id: 1 }).lean())
    await forgetInMergedCase(deps.cases, item._id, userId, erasedMedia, ERASE_ATTEMPTS);
  await forgetHouseholdCodes(deps.models.LineUser.db, userId);
  await eraseFeedback(deps.models.LineUser.db, userId);
  await forgetLineUserInRecords(deps.models.LineUser.db, userId);
  await deps.consents.deleteMany({ lineUserId: userId });
  await deps.models.OutboundMessage.deleteMany({ to: userId });
  // What they wrote goes too, but for events still waiting in this chat's queue (this erasure runs
  // as one of them): the purge takes those with the week's records.
  const queued = await deps.models.QueuedEvent.find({ chatKey: `user:${userId}` }, { _id: 1 }).lean();
  await deps.models.InboundEvent.deleteMany({ userId, _id: { $nin: queued.map((entry) => entry._id) } });
  await deps.models.LineUser.updateOne(
    { _id: userId },
    { $unset: { displayName: '', language: '', profileFetchedAt: '' } },
  );
  return { cases: own.length, media, households: forHouseholds.length };
}

function caseMediaIds(item: Pick<Case, 'mediaIds' | 'description'>): string[] {
  return [
    ...(item.mediaIds ?? []),
    ...(item.description?.voiceMediaId ? [item.description.voiceMediaId] : []),
  ];
}

/** Tries before giving up on a case that staff keep changing; the retried event starts again. */
const ERASE_ATTEMPTS = 3;

/**
 * One case of theirs loses its personal data as the retention purge erases it (staff photos of the
 * home and the messages about it included); conditional on the case not changing meanwhile, so a
 * staff change is re-read, not lost.
 */
function eraseCase(models: CaseModels, id: unknown): Promise<number> {
  return retryOnConflict(ERASE_ATTEMPTS, 'a case being erased', async () => {
    const record = await models.cases.findById(id).lean<Case & { _id: unknown; erasedAt?: Date }>();
    if (!record || record.erasedAt) return 0;
    const outcome = await eraseCasePersonalData(models.connection, record, 'person_request', new Date());
    return outcome.erased ? outcome.media : CONFLICT;
  });
}

/**
 * What still names an erased person's LINE id outside their own data: the audit log's reads of
 * their chat and staff notifications keep their evidence under one random stand-in; the status
 * messages owed to them and the status news waiting for them go.
 */
export async function forgetLineUserInRecords(connection: Connection, lineUserId: string): Promise<void> {
  const standIn = `erased-${randomUUID()}`;
  await forgetLineUserInAudit(connection, lineUserId, standIn);
  await forgetLineUserInNotifications(connection, lineUserId, standIn);
  await forgetNoticesOwedTo(connection, lineUserId);
  await forgetUpdatesFor(connection, lineUserId);
}
