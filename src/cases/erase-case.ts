import type { Connection } from 'mongoose';
import { CONFLICT, retryOnConflict } from '../db/models';
import { caseModel } from './case-model';
import type { CaseModels } from './create-case';
import { caseApiModels } from './case-records';
import type { Case, TimelineEntry } from './case-schema';
import { publicationConsentModel } from './publication-consent-model';

/** Why a case's personal data went: the retention period, a withdrawn consent, or the person's own request. */
export type ErasureReason = 'retention' | 'consent_withdrawn' | 'person_request';

/**
 * What stays of a timeline: who (staff ids only), what and when. Notes, reasons and LINE user ids
 * go: notes name people and places.
 */
export function anonymousTimeline(timeline: TimelineEntry[]): TimelineEntry[] {
  return timeline.map((entry) => ({
    at: entry.at,
    kind: entry.kind,
    actor: entry.actor,
    ...(entry.actor === 'staff' && entry.actorId ? { actorId: entry.actorId } : {}),
    ...(entry.from ? { from: entry.from } : {}),
    ...(entry.to ? { to: entry.to } : {}),
    ...(entry.visibility ? { visibility: entry.visibility } : {}),
    ...(entry.reference ? { reference: entry.reference } : {}),
  }));
}

/** The status messages still owed about a case go with its personal data. */
export async function forgetCaseNotices(connection: Connection, reference: string): Promise<void> {
  await caseApiModels(connection).CaseNotification.deleteMany({ reference });
}

/** The case's own records that name the person: the story consent, the reasons staff wrote. */
export async function forgetCaseRecords(connection: Connection, reference: string): Promise<void> {
  // The consent to publish names the person; their story leaves the public page with it.
  await publicationConsentModel(connection).deleteOne({ _id: reference });
  await caseApiModels(connection).CaseChange.updateMany({ reference }, { $unset: { reason: '' } });
}

/**
 * The case keeps what anonymous statistics need (category, province and district, status, dates,
 * priority, household size and tenure) and loses the rest. It is marked last, so an erasure cut
 * short is finished by the next one; false when someone changed the case meanwhile (matching
 * updatedAt keeps a note added meanwhile from being overwritten): re-read it and try again.
 */
export async function anonymiseCase(
  connection: Connection,
  record: Pick<Case, 'timeline' | 'updatedAt'> & { _id: unknown },
  reason: ErasureReason,
  now: Date,
): Promise<boolean> {
  const result = await caseModel(connection).updateOne(
    { _id: record._id, updatedAt: record.updatedAt, erasedAt: { $exists: false } },
    {
      $set: {
        'reporter.lineUserId': 'erased',
        mediaIds: [],
        keywords: [],
        'description.text': '[erased]',
        timeline: anonymousTimeline(record.timeline ?? []),
        erasedAt: now,
        erasureReason: reason,
      },
      $unset: {
        'household.headName': '',
        'household.phone': '',
        'description.voiceMediaId': '',
        'location.lat': '',
        'location.lng': '',
        'location.typedAddress': '',
        'location.shared': '',
        'location.resolved.subdistrict': '',
        'location.resolved.subdistrictEn': '',
        'location.resolved.subdistrictCode': '',
        volunteer: '',
        extraReporters: '',
        declineReason: '',
      },
    },
    { strict: false, strictQuery: false },
  );
  return result.modifiedCount === 1;
}

/**
 * A case of theirs merged into someone else's: they no longer hear its news, and the notes and
 * photos the merge copied from their case go (staff entries about the merge stay). FerretDB 1.24
 * pulls whole values only, not by a condition; the timeline is rewritten whole, so the write is
 * conditional on the case not changing meanwhile.
 */
export function forgetInMergedCase(
  models: CaseModels,
  id: unknown,
  userId: string,
  erasedMedia: string[],
  attempts: number,
): Promise<void> {
  return retryOnConflict(attempts, 'a merged case being erased', async () => {
    const record = await models.cases.findById(id, { extraReporters: 1, timeline: 1, updatedAt: 1 }).lean();
    if (!record) return undefined;
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
    return result.matchedCount === 1 ? undefined : CONFLICT;
  });
}

/** A household's case reported by a volunteer who asked to be erased: only who reported it goes. */
export function unlinkVolunteer(models: CaseModels, id: unknown, attempts: number): Promise<void> {
  return retryOnConflict(attempts, 'a household case being unlinked', async () => {
    const record = await models.cases
      .findById(id, { timeline: 1, updatedAt: 1, reporter: 1, volunteer: 1 })
      .lean();
    if (!record) return undefined;
    const timeline = (record.timeline ?? []).map(({ actorId, ...entry }) =>
      entry.actor === 'staff' && actorId ? { ...entry, actorId } : entry,
    );
    // A household member who follows the case by its household code stays its reporter.
    const reporterWasVolunteer = record.reporter?.lineUserId === record.volunteer?.lineUserId;
    const result = await models.cases.updateOne(
      { _id: id, updatedAt: record.updatedAt },
      {
        $set: { ...(reporterWasVolunteer ? { 'reporter.lineUserId': 'erased' } : {}), timeline },
        $unset: { volunteer: '' },
      },
      { strict: false, strictQuery: false },
    );
    return result.matchedCount === 1 ? undefined : CONFLICT;
  });
}
