import { randomUUID } from 'node:crypto';
import { forgetLineUserInAudit } from '../staff/audit-erase';
import { forgetNoticesOwedTo } from '../cases/case-records';
import { eraseFeedback } from '../feedback/feedback';
import type { Case, TimelineEntry } from '../cases/case-schema';
import { deleteMedia } from '../media/media-store';
import { eraseVolunteerData } from '../volunteers/erase';
import { isOpenCase } from '../cases/status';
import { eraseCasePersonalData } from './retention-purge';
import type { CaseModels } from '../cases/create-case';
import {
  forgetLineUserInNotifications,
  notifyStaff,
  provinceRecipients,
  staffNotificationModel,
} from '../notifications/staff-notifications';
import { staffModels } from '../staff/models';
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
    })
    .lean();
  // A volunteer's reports are the households' data, given for the households' sake: the volunteer
  // is unlinked from them, the households' needs stay (photos included).
  const forHouseholds = cases.filter((item) => item.reportedBy === 'volunteer');
  const own = cases.filter((item) => item.reportedBy !== 'volunteer');
  let media = 0;
  for (const item of own) {
    media += await eraseCase(deps.cases, item._id);
    if (isOpenCase(item.status)) await tellStaffOfErasure(deps.cases.connection, item, new Date());
  }
  // What they sent that no case of theirs holds (photos sent before a report, a report abandoned).
  const householdMedia = new Set(forHouseholds.flatMap(caseMediaIds));
  for (const item of await deps.media.Media.find({ userId }, { _id: 1 }).lean()) {
    if (householdMedia.has(item._id)) continue;
    await deleteMedia(deps.media, item._id);
    media++;
  }

  for (const item of forHouseholds) await unlinkVolunteer(deps.cases, item._id);
  const erasedMedia = own.flatMap(caseMediaIds);
  for (const item of await deps.cases.cases.find({ 'extraReporters.lineUserId': userId }, { _id: 1 }).lean())
    await forgetInMergedCase(deps.cases, item._id, userId, erasedMedia);
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

/**
 * Staff working on an open case must know that nobody can be called or visited about it any more:
 * its caseworker, or else the coordinators of its province.
 */
async function tellStaffOfErasure(
  connection: Connection,
  item: Pick<Case, 'reference' | 'status' | 'assigneeId'> & {
    location?: { resolved?: { provinceCode?: string } };
  },
  at: Date,
): Promise<void> {
  const recipients = item.assigneeId
    ? [item.assigneeId]
    : await provinceRecipients(staffModels(connection), item.location?.resolved?.provinceCode);
  for (const staffId of recipients) {
    await notifyStaff(staffNotificationModel(connection), {
      _id: `erased:${item.reference}:${staffId}`,
      staffId,
      data: { kind: 'reporter_erased', reference: item.reference, status: item.status, at },
      createdAt: at,
    });
  }
}

function caseMediaIds(item: Pick<Case, 'mediaIds' | 'description'>): string[] {
  return [
    ...(item.mediaIds ?? []),
    ...(item.description?.voiceMediaId ? [item.description.voiceMediaId] : []),
  ];
}

/**
 * A case of theirs merged into someone else's: they no longer hear its news, and the notes and
 * photos the merge copied from their case go (staff entries about the merge stay). FerretDB 1.24
 * pulls whole values only, not by a condition; the timeline is rewritten whole, so the write is
 * conditional on the case not changing meanwhile.
 */
async function forgetInMergedCase(
  models: CaseModels,
  id: unknown,
  userId: string,
  erasedMedia: string[],
): Promise<void> {
  for (let attempt = 0; attempt < ERASE_ATTEMPTS; attempt++) {
    const record = await models.cases.findById(id, { extraReporters: 1, timeline: 1, updatedAt: 1 }).lean();
    if (!record) return;
    const theirs = (record.extraReporters ?? []).filter((entry) => entry.lineUserId === userId);
    const fromTheirs = new Set(theirs.map((entry) => entry.reference));
    const copied = (entry: TimelineEntry) =>
      entry.reference !== undefined &&
      fromTheirs.has(entry.reference) &&
      (entry.kind === 'note' || entry.kind === 'media_added');
    const gone = [...erasedMedia, ...record.timeline.filter(copied).flatMap((entry) => entry.mediaIds ?? [])];
    const result = await models.cases.updateOne(
      { _id: id, updatedAt: record.updatedAt },
      {
        $set: { timeline: record.timeline.filter((entry) => !copied(entry)) },
        $pullAll: { extraReporters: theirs, mediaIds: gone },
      },
    );
    if (result.matchedCount === 1) return;
  }
  throw new Error('case changed during erasure; the event is retried');
}

/** A household's case reported by a volunteer who asked to be erased: only who reported it goes. */
async function unlinkVolunteer(models: CaseModels, id: unknown): Promise<void> {
  for (let attempt = 0; attempt < ERASE_ATTEMPTS; attempt++) {
    const record = await models.cases.findById(id, { timeline: 1, updatedAt: 1 }).lean();
    if (!record) return;
    const timeline = (record.timeline ?? []).map(({ actorId, ...entry }) =>
      entry.actor === 'staff' && actorId ? { ...entry, actorId } : entry,
    );
    const result = await models.cases.updateOne(
      { _id: id, updatedAt: record.updatedAt },
      { $set: { 'reporter.lineUserId': 'erased', timeline }, $unset: { volunteer: '' } },
      { strict: false, strictQuery: false },
    );
    if (result.matchedCount === 1) return;
  }
  throw new Error('case changed during erasure; the event is retried');
}

/** Tries before giving up on a case that staff keep changing; the retried event starts again. */
const ERASE_ATTEMPTS = 3;

/**
 * One case of theirs loses its personal data as the retention purge erases it (staff photos of the
 * home and the messages about it included); conditional on the case not changing meanwhile, so a
 * staff change is re-read, not lost.
 */
async function eraseCase(models: CaseModels, id: unknown): Promise<number> {
  for (let attempt = 0; attempt < ERASE_ATTEMPTS; attempt++) {
    const record = await models.cases.findById(id).lean<Case & { _id: unknown; erasedAt?: Date }>();
    if (!record || record.erasedAt) return 0;
    const outcome = await eraseCasePersonalData(models.connection, record, 'person_request', new Date());
    if (outcome.erased) return outcome.media;
  }
  throw new Error('case changed during erasure; the event is retried');
}

/**
 * What still names an erased person's LINE id outside their own data: the audit log's reads of
 * their chat and staff notifications keep their evidence under one random stand-in; the status
 * messages owed to them go.
 */
async function forgetLineUserInRecords(connection: Connection, lineUserId: string): Promise<void> {
  const standIn = `erased-${randomUUID()}`;
  await forgetLineUserInAudit(connection, lineUserId, standIn);
  await forgetLineUserInNotifications(connection, lineUserId, standIn);
  await forgetNoticesOwedTo(connection, lineUserId);
}
