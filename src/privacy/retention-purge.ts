import type { Connection } from 'mongoose';
import { anonymiseCase, forgetCaseNotices, forgetCaseRecords, type ErasureReason } from '../cases/erase-case';
import { deleteCaseMedia } from '../media/case-media';
import { mediaModels } from '../media/models';
import { forgetMessagesAbout } from '../line/models';

export { anonymousTimeline, type ErasureReason } from '../cases/erase-case';
import { consentModel } from './consents';
import { FINAL_STATUSES } from '../cases/status';
import type { Case } from '../cases/case-schema';
import { caseModel } from '../cases/case-model';
import { eraseCaseFeedback } from '../feedback/feedback';
import { caseFeedbackModel } from '../feedback/model';
import { purgeAuditEntries } from '../staff/audit-model';
import { purgeBroadcastClaims, purgeBroadcastRecipients } from '../broadcasts/purge';
import { purgeSettledEscalations, purgeStaffNotifications } from '../notifications/purge';
import { purgeOldSurveys, SURVEY_RETENTION_MAX_DAYS } from '../campaigns/survey-removal';

const DAY_MS = 24 * 3600 * 1000;

export const DEFAULT_RETENTION = {
  /** PDPA s.37(3): personal data of a closed case is kept this long after it closed. */
  closedCaseDays: 365,
  /** Data collected under a consent later withdrawn is kept this long (a mistaken tap can be undone). */
  withdrawnConsentGraceDays: 30,
  /** The audit log (staff addresses, who read whose data) is kept this long, then deleted. */
  auditDays: 365,
  /** A campaign's survey (and its photos) is deleted this long after it was made: the notice says at most 3 years. */
  surveyDays: SURVEY_RETENTION_MAX_DAYS,
};

export type RetentionOptions = typeof DEFAULT_RETENTION;

type Subject = Pick<Case, 'status' | 'updatedAt' | 'completedAt' | 'timeline'>;

/** When the case reached its final status: the last timeline entry into one, else what the record says. */
export function closedAt(record: Subject): Date {
  let closed: Date | undefined;
  for (const entry of record.timeline ?? [])
    if (entry.to && FINAL_STATUSES.includes(entry.to) && (!closed || entry.at > closed)) closed = entry.at;
  return closed ?? record.completedAt ?? record.updatedAt;
}

type StoredCase = Case & { _id: unknown; erasedAt?: Date };

/**
 * Removes one case's personal data (names, phone, description, exact place, timeline notes, report
 * and staff photos, the subdistrict, reasons, the messages we sent about it), keeping what anonymous
 * statistics need: category, province and district, status, dates, priority, household size and
 * tenure. The case is marked last, so a run cut short is finished by the next one; `erased` is false
 * when someone changed the case meanwhile (re-read it and try again). Used by the retention purge and
 * by a person's own erasure in the chat.
 */
export async function eraseCasePersonalData(
  connection: Connection,
  record: StoredCase,
  reason: ErasureReason,
  now: Date,
) {
  const requester = reason === 'person_request' ? record.reporter.lineUserId : undefined;
  const media = await deleteCaseMedia(
    connection,
    record,
    await sharedWithLinkedCases(connection, record, requester),
  );
  await forgetMessagesAbout(connection, record.reference);
  await forgetCaseNotices(connection, record.reference);
  await eraseCaseFeedback(connection, record.reference);
  await forgetCaseRecords(connection, record.reference);
  const erased = await anonymiseCase(connection, record, reason, now);
  return { erased, media };
}

/**
 * A merge copies the merged case's photos onto the case it joins, so two cases hold them. Erasing
 * one leaves the other's: another household's photos do not go because someone else asked. The
 * person asking takes their own photos from both (the other case forgets them: see erasure.ts).
 */
async function sharedWithLinkedCases(
  connection: Connection,
  record: Pick<StoredCase, '_id' | 'reference' | 'duplicateOf'>,
  requester: string | undefined,
): Promise<Set<string>> {
  const linked = await caseModel(connection)
    .find(
      {
        _id: { $ne: record._id },
        erasedAt: { $exists: false },
        $or: [
          { duplicateOf: record.reference },
          ...(record.duplicateOf ? [{ reference: record.duplicateOf }] : []),
        ],
      },
      { mediaIds: 1, timeline: 1 },
    )
    .setOptions({ strictQuery: false })
    .lean<Pick<Case, 'mediaIds' | 'timeline'>[]>();
  const shared = new Set(
    linked.flatMap((item) => [
      ...(item.mediaIds ?? []),
      ...(item.timeline ?? []).flatMap((entry) => entry.mediaIds ?? []),
    ]),
  );
  if (requester && shared.size > 0)
    for (const own of await mediaModels(connection)
      .Media.find({ _id: { $in: [...shared] }, userId: requester }, { _id: 1 })
      .lean())
      shared.delete(own._id);
  return shared;
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
  /** Campaign surveys deleted at the end of their retention, and their photos. */
  surveys: number;
  surveyMedia: number;
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
    surveys: 0,
    surveyMedia: 0,
  };
  const erase = async (record: StoredCase, reason: ErasureReason) => {
    const outcome = await eraseCasePersonalData(deps.connection, record, reason, now);
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
  await eraseFeedbackOfErasedCases(deps.connection);
  const surveys = await purgeOldSurveys(deps.connection, options.surveyDays, now);
  summary.surveys = surveys.surveys;
  summary.surveyMedia = surveys.media;
  return summary;
}

/**
 * Feedback still naming a person on a case already erased: left by an erasure from before case
 * erasure covered feedback, or by a rating that came in between. Two queries a run: the rated
 * cases, then which of them are erased.
 */
async function eraseFeedbackOfErasedCases(connection: Connection): Promise<void> {
  const rated = await caseFeedbackModel(connection).distinct('reference', { lineUserId: { $ne: 'erased' } });
  if (rated.length === 0) return;
  const erased = await caseModel(connection)
    .find({ reference: { $in: rated }, erasedAt: { $exists: true } }, { reference: 1 })
    .setOptions({ strictQuery: false })
    .lean<{ reference: string }[]>();
  for (const { reference } of erased) await eraseCaseFeedback(connection, reference);
}

/**
 * How long the jobs' own records stay once they guard nothing. They hold no names or phones, but
 * they grow without end, and notifications and escalations name cases (a reopen request's id even
 * holds the reporter's LINE user id), so they go well before a closed case's own retention ends.
 */
export const RECORD_RETENTION_DAYS = {
  /**
   * A finished or cancelled broadcast's claims (start gate, run lease, chunk leases) guard nothing:
   * the runner and the cancel route read its status before any claim. A week, as the webhook's
   * dedupe markers, so a recent run can still be looked into.
   */
  finishedBroadcastClaims: 7,
  /**
   * A finished broadcast's recipient lists (LINE user ids per chunk) are read only by a resumed
   * attempt, and none comes once it is finished; the same week leaves a crash or a late runner room.
   * The chunks keep their counts and outcomes for the broadcast's report.
   */
  finishedBroadcastRecipients: 7,
  /** After it is read: the console lists newest first, and a month is enough to find one again. */
  readNotifications: 30,
  /** Never read (a coordinator who left): after half a year it is no longer news to anyone. */
  unreadNotifications: 180,
  /**
   * An escalation is the once-guard of one idle spell of its case. While the case is open and the
   * spell lasts it must stay, or the case would be escalated again; once the case is closed or a
   * staff action ended the spell (the next spell has another id) it guards nothing. A week more.
   */
  settledEscalations: 7,
} as const;

export type RecordPurgeSummary = {
  auditEntries: number;
  broadcastClaims: number;
  /** Chunks whose recipient list was deleted (and their last recipient's id dropped). */
  broadcastRecipientLists: number;
  readNotifications: number;
  unreadNotifications: number;
  escalations: number;
};

/**
 * Clears what the jobs and broadcasts leave behind once it guards nothing (see
 * `RECORD_RETENTION_DAYS`): broadcast claims and recipient lists, staff notifications and case
 * escalations. Counts only.
 */
export async function purgeOperationalRecords(
  deps: { connection: Connection; retention?: Partial<RetentionOptions> },
  now: Date,
): Promise<RecordPurgeSummary> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const auditDays = deps.retention?.auditDays ?? DEFAULT_RETENTION.auditDays;
  const auditEntries = await purgeAuditEntries(deps.connection, before(auditDays));
  const broadcastClaims = await purgeBroadcastClaims(
    deps.connection,
    before(RECORD_RETENTION_DAYS.finishedBroadcastClaims),
  );
  const broadcastRecipientLists = await purgeBroadcastRecipients(
    deps.connection,
    before(RECORD_RETENTION_DAYS.finishedBroadcastRecipients),
  );
  const notifications = await purgeStaffNotifications(
    deps.connection,
    before(RECORD_RETENTION_DAYS.readNotifications),
    before(RECORD_RETENTION_DAYS.unreadNotifications),
  );
  const escalations = await purgeSettledEscalations(
    deps.connection,
    before(RECORD_RETENTION_DAYS.settledEscalations),
  );
  return {
    auditEntries,
    broadcastClaims,
    broadcastRecipientLists,
    readNotifications: notifications.read,
    unreadNotifications: notifications.unread,
    escalations,
  };
}
