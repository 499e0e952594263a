import type { Connection } from 'mongoose';
import { consentModel } from '../bot/consents';
import { FINAL_STATUSES } from '../case-api/lifecycle';
import { caseApiModels } from '../case-api/models';
import type { Case, TimelineEntry } from '../cases/case-schema';
import { caseModel } from '../cases/case-model';
import { ingestionModels } from '../ingestion/models';
import { deleteMedia } from '../media/media-store';
import { mediaModels } from '../media/models';

const DAY_MS = 24 * 3600 * 1000;

export const DEFAULT_RETENTION = {
  /** PDPA s.37(3): personal data of a closed case is kept this long after it closed. */
  closedCaseDays: 365,
  /** Data collected under a consent later withdrawn is kept this long (a mistaken tap can be undone). */
  withdrawnConsentGraceDays: 30,
};

export type RetentionOptions = typeof DEFAULT_RETENTION;
export type ErasureReason = 'retention' | 'consent_withdrawn';

type Subject = Pick<Case, 'status' | 'updatedAt' | 'completedAt' | 'timeline'>;

/** When the case reached its final status: the last timeline entry into one, else what the record says. */
export function closedAt(record: Subject): Date {
  let closed: Date | undefined;
  for (const entry of record.timeline ?? [])
    if (entry.to && FINAL_STATUSES.includes(entry.to) && (!closed || entry.at > closed)) closed = entry.at;
  return closed ?? record.completedAt ?? record.updatedAt;
}

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

type StoredCase = Case & { _id: unknown; erasedAt?: Date };

/**
 * Removes one closed case's personal data, as `eraseUserData` does and further (timeline notes and
 * staff photos, the subdistrict, the decline reason, the messages we sent about it), keeping what
 * anonymous statistics need: category, province and district, status, dates, priority, household
 * size and tenure. The case is marked last, so a run cut short is finished by the next one.
 */
async function eraseCase(connection: Connection, record: StoredCase, reason: ErasureReason, now: Date) {
  const media = mediaModels(connection);
  const mediaIds = new Set<string>(record.mediaIds ?? []);
  if (record.description?.voiceMediaId) mediaIds.add(record.description.voiceMediaId);
  for (const entry of record.timeline ?? []) for (const id of entry.mediaIds ?? []) mediaIds.add(id);
  for (const item of await media.Media.find({ caseReference: record.reference }, { _id: 1 }).lean())
    mediaIds.add(item._id);
  for (const id of mediaIds) await deleteMedia(media, id);

  const { CaseChange, CaseNotification } = caseApiModels(connection);
  await ingestionModels(connection).OutboundMessage.deleteMany({ caseReference: record.reference });
  await CaseNotification.deleteMany({ reference: record.reference });
  await CaseChange.updateMany({ reference: record.reference }, { $unset: { reason: '' } });

  // Matching updatedAt keeps a note added meanwhile from being overwritten; the next run retries.
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
  return { erased: result.modifiedCount === 1, media: mediaIds.size };
}

export type RetentionDeps = { connection: Connection; retention?: Partial<RetentionOptions> };

export type RetentionSummary = {
  erasedClosed: number;
  erasedWithdrawnConsent: number;
  /** Open cases whose consent was withdrawn: kept until they close (see `purgePersonalData`). */
  openWithWithdrawnConsent: number;
  media: number;
  /** Cases changed (or erased) by someone else while being purged: left for the next run. */
  skipped: number;
};

/**
 * PDPA retention. Closed cases (completed, declined, duplicate, withdrawn) lose their personal data
 * once closed longer than the retention period. A case resting on a consent withdrawn longer ago
 * than the grace period loses it as soon as it is closed; while it is still open it is kept, since
 * staff are acting on the resident's request (they can withdraw the case or delete their data in
 * the chat at any time), and counted so the open ones can be followed up. Erased cases carry
 * `erasedAt`, so a second run finds nothing to do. Counts only: nothing personal is returned.
 */
export async function purgePersonalData(deps: RetentionDeps, now: Date): Promise<RetentionSummary> {
  const options = { ...DEFAULT_RETENTION, ...deps.retention };
  const Case = caseModel(deps.connection);
  const summary: RetentionSummary = {
    erasedClosed: 0,
    erasedWithdrawnConsent: 0,
    openWithWithdrawnConsent: 0,
    media: 0,
    skipped: 0,
  };
  const erase = async (record: StoredCase, reason: ErasureReason) => {
    const outcome = await eraseCase(deps.connection, record, reason, now);
    summary.media += outcome.media;
    if (!outcome.erased) summary.skipped++;
    else if (reason === 'retention') summary.erasedClosed++;
    else summary.erasedWithdrawnConsent++;
  };

  const graceCutoff = new Date(now.getTime() - options.withdrawnConsentGraceDays * DAY_MS);
  const withdrawn = await consentModel(deps.connection).distinct('_id', {
    withdrawnAt: { $lte: graceCutoff },
  });
  if (withdrawn.length > 0) {
    const resting = Case.find({ consentId: { $in: withdrawn }, erasedAt: { $exists: false } })
      .setOptions({ strictQuery: false })
      .lean<StoredCase[]>()
      .cursor();
    for await (const record of resting) {
      if (FINAL_STATUSES.includes(record.status)) await erase(record, 'consent_withdrawn');
      else summary.openWithWithdrawnConsent++;
    }
  }

  const cutoff = new Date(now.getTime() - options.closedCaseDays * DAY_MS);
  // A case closes after it is created, so its creation date bounds the search.
  const closed = Case.find({
    status: { $in: FINAL_STATUSES },
    erasedAt: { $exists: false },
    createdAt: { $lte: cutoff },
  })
    .setOptions({ strictQuery: false })
    .lean<StoredCase[]>()
    .cursor();
  for await (const record of closed) if (closedAt(record) <= cutoff) await erase(record, 'retention');
  return summary;
}
