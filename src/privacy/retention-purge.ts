import type { Connection } from 'mongoose';
import { consentModel } from './consents';
import {
  broadcastModels,
  type BroadcastDoc,
  type BroadcastStatus,
  type ClaimDoc,
} from '../broadcasts/models';
import { FINAL_STATUSES } from '../cases/status';
import { caseApiModels } from '../cases/case-records';
import type { Case, TimelineEntry } from '../cases/case-schema';
import { caseModel } from '../cases/case-model';
import { eraseCaseFeedback } from '../feedback/feedback';
import { caseFeedbackModel } from '../feedback/model';
import { auditModel } from '../staff/audit-model';
import { lineModels } from '../line/models';
import { deleteMedia } from '../media/media-store';
import { mediaModels } from '../media/models';
import {
  caseEscalationModel,
  lastStaffActionAt,
  type CaseEscalationDoc,
} from '../notifications/sla-escalation';
import { staffNotificationModel } from '../notifications/staff-notifications';
import { publicationConsentModel } from '../cases/publication-consent-model';

const DAY_MS = 24 * 3600 * 1000;

export const DEFAULT_RETENTION = {
  /** PDPA s.37(3): personal data of a closed case is kept this long after it closed. */
  closedCaseDays: 365,
  /** Data collected under a consent later withdrawn is kept this long (a mistaken tap can be undone). */
  withdrawnConsentGraceDays: 30,
  /** The audit log (staff addresses, who read whose data) is kept this long, then deleted. */
  auditDays: 365,
};

export type RetentionOptions = typeof DEFAULT_RETENTION;
/** Why a case's personal data went: the retention period, a withdrawn consent, or the person's own request. */
export type ErasureReason = 'retention' | 'consent_withdrawn' | 'person_request';

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
  const media = mediaModels(connection);
  const mediaIds = new Set<string>(record.mediaIds ?? []);
  if (record.description?.voiceMediaId) mediaIds.add(record.description.voiceMediaId);
  for (const entry of record.timeline ?? []) for (const id of entry.mediaIds ?? []) mediaIds.add(id);
  for (const item of await media.Media.find({ caseReference: record.reference }, { _id: 1 }).lean())
    mediaIds.add(item._id);
  for (const id of mediaIds) await deleteMedia(media, id);

  const { CaseChange, CaseNotification } = caseApiModels(connection);
  await lineModels(connection).OutboundMessage.deleteMany({ caseReference: record.reference });
  await CaseNotification.deleteMany({ reference: record.reference });
  await eraseCaseFeedback(connection, record.reference);
  // The consent to publish names the person; their story leaves the public page with it.
  await publicationConsentModel(connection).deleteOne({ _id: record.reference });
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

const PURGE_BATCH = 500;

/** Finished for good: no runner, lease or cancel acts on a broadcast in these again. */
const FINISHED_BROADCAST: BroadcastStatus[] = ['completed', 'completed_with_failures', 'failed', 'cancelled'];

/** The broadcast a claim key belongs to: `<id>:gate`, `run:<id>` or `chunk:<id>:<index>`; null for others. */
export function broadcastOfClaim(key: string): string | null {
  if (key.startsWith('run:')) return key.slice('run:'.length) || null;
  if (key.startsWith('chunk:')) return /^chunk:(.+):\d+$/.exec(key)?.[1] ?? null;
  if (key.endsWith(':gate')) return key.slice(0, -':gate'.length) || null;
  return null;
}

type FinishSubject = Pick<BroadcastDoc, 'status' | 'finishedAt' | 'cancelledAt' | 'scheduledAt'>;

/** True when the broadcast ended at or before `cutoff`; a missing one guards nothing either. */
export function broadcastEndedBy(broadcast: FinishSubject | undefined, cutoff: Date): boolean {
  if (!broadcast) return true;
  if (!FINISHED_BROADCAST.includes(broadcast.status)) return false;
  // A cancel cut short between its gate and its write leaves no date: the schedule bounds it.
  const ended = broadcast.finishedAt ?? broadcast.cancelledAt ?? broadcast.scheduledAt;
  return ended <= cutoff;
}

type EscalationSubject = Pick<Case, 'status' | 'createdAt' | 'timeline'>;

/** True when the escalation can no longer keep its case from being escalated twice. */
export function escalationSettled(
  escalation: Pick<CaseEscalationDoc, 'idleSince'>,
  record: EscalationSubject | undefined,
): boolean {
  if (!record) return true;
  if (FINAL_STATUSES.includes(record.status)) return true;
  return lastStaffActionAt(record) > escalation.idleSince;
}

/** Runs `work` on the cursor's documents, `PURGE_BATCH` at a time. */
async function inBatches<T>(cursor: AsyncIterable<T>, work: (batch: T[]) => Promise<void>): Promise<void> {
  let batch: T[] = [];
  for await (const item of cursor) {
    batch.push(item);
    if (batch.length === PURGE_BATCH) {
      await work(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await work(batch);
}

async function purgeBroadcastClaims(connection: Connection, cutoff: Date): Promise<number> {
  const { Broadcast, Claim } = broadcastModels(connection);
  let deleted = 0;
  // A claim is written no later than its broadcast ends, so only old claims can qualify.
  const old = Claim.find({ at: { $lte: cutoff } }, { _id: 1, key: 1 })
    .lean<Pick<ClaimDoc, '_id' | 'key'>[]>()
    .cursor();
  await inBatches(old, async (claims) => {
    const ids = [...new Set(claims.map((c) => broadcastOfClaim(c.key)).filter((id) => id !== null))];
    const broadcasts = await Broadcast.find(
      { _id: { $in: ids } },
      { _id: 1, status: 1, finishedAt: 1, cancelledAt: 1, scheduledAt: 1 },
    ).lean<(FinishSubject & { _id: string })[]>();
    const byId = new Map(broadcasts.map((b) => [b._id, b]));
    const done = claims.filter((claim) => {
      const id = broadcastOfClaim(claim.key);
      return id !== null && broadcastEndedBy(byId.get(id), cutoff);
    });
    if (done.length > 0)
      deleted += (await Claim.deleteMany({ _id: { $in: done.map((c) => c._id) } })).deletedCount;
  });
  return deleted;
}

/** The broadcast of a chunk id `<broadcastId>:<index>` (see `chunkId`); null for anything else. */
export function broadcastOfChunk(id: string): string | null {
  return /^(.+):\d+$/.exec(id)?.[1] ?? null;
}

/**
 * Deletes the recipient lists of broadcasts ended by `cutoff`. Only lists still stored are read, so
 * a run costs what is left, not every broadcast ever sent. Each chunk first loses `lastRecipient`
 * (a LINE user id, only used to resume a preparation), then its list: a run cut short between the
 * two leaves the list, and the next run finishes.
 */
async function purgeBroadcastRecipients(connection: Connection, cutoff: Date): Promise<number> {
  const { Broadcast, Chunk, ChunkRecipients } = broadcastModels(connection);
  let deleted = 0;
  const lists = ChunkRecipients.find({}, { _id: 1 }).lean<{ _id: string }[]>().cursor();
  await inBatches(lists, async (batch) => {
    const ids = [...new Set(batch.map((list) => broadcastOfChunk(list._id)).filter((id) => id !== null))];
    const broadcasts = await Broadcast.find(
      { _id: { $in: ids } },
      { _id: 1, status: 1, finishedAt: 1, cancelledAt: 1, scheduledAt: 1 },
    ).lean<(FinishSubject & { _id: string })[]>();
    const byId = new Map(broadcasts.map((b) => [b._id, b]));
    const done = batch
      .filter((list) => {
        const id = broadcastOfChunk(list._id);
        return id !== null && broadcastEndedBy(byId.get(id), cutoff);
      })
      .map((list) => list._id);
    if (done.length === 0) return;
    await Chunk.updateMany({ _id: { $in: done } }, { $unset: { lastRecipient: '' } });
    deleted += (await ChunkRecipients.deleteMany({ _id: { $in: done } })).deletedCount;
  });
  return deleted;
}

async function purgeSettledEscalations(connection: Connection, cutoff: Date): Promise<number> {
  const Escalation = caseEscalationModel(connection);
  let deleted = 0;
  const old = Escalation.find({ at: { $lte: cutoff } }, { _id: 1, reference: 1, idleSince: 1 })
    .lean<Pick<CaseEscalationDoc, '_id' | 'reference' | 'idleSince'>[]>()
    .cursor();
  await inBatches(old, async (escalations) => {
    const records = await caseModel(connection)
      .find(
        { reference: { $in: [...new Set(escalations.map((e) => e.reference))] } },
        { _id: 0, reference: 1, status: 1, createdAt: 1, timeline: 1 },
      )
      .lean<(EscalationSubject & { reference: string })[]>();
    const byReference = new Map(records.map((r) => [r.reference, r]));
    const settled = escalations.filter((e) => escalationSettled(e, byReference.get(e.reference)));
    if (settled.length > 0)
      deleted += (await Escalation.deleteMany({ _id: { $in: settled.map((e) => e._id) } })).deletedCount;
  });
  return deleted;
}

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
  const Notification = staffNotificationModel(deps.connection);
  const auditDays = deps.retention?.auditDays ?? DEFAULT_RETENTION.auditDays;
  return {
    auditEntries: (await auditModel(deps.connection).deleteMany({ at: { $lt: before(auditDays) } }))
      .deletedCount,
    broadcastClaims: await purgeBroadcastClaims(
      deps.connection,
      before(RECORD_RETENTION_DAYS.finishedBroadcastClaims),
    ),
    broadcastRecipientLists: await purgeBroadcastRecipients(
      deps.connection,
      before(RECORD_RETENTION_DAYS.finishedBroadcastRecipients),
    ),
    readNotifications: (
      await Notification.deleteMany({ readAt: { $lte: before(RECORD_RETENTION_DAYS.readNotifications) } })
    ).deletedCount,
    unreadNotifications: (
      await Notification.deleteMany({
        readAt: null,
        createdAt: { $lte: before(RECORD_RETENTION_DAYS.unreadNotifications) },
      })
    ).deletedCount,
    escalations: await purgeSettledEscalations(
      deps.connection,
      before(RECORD_RETENTION_DAYS.settledEscalations),
    ),
  };
}
