import type { Connection } from 'mongoose';
import { caseModel } from '../cases/case-model';
import type { Case } from '../cases/case-schema';
import { FINAL_STATUSES } from '../cases/status';
import { inBatches } from '../db/batches';
import { caseEscalationModel, lastStaffActionAt, type CaseEscalationDoc } from './sla-escalation';
import { staffNotificationModel } from './staff-notifications';

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

/** Escalations that no longer keep their case from being escalated twice, older than `cutoff`. */
export async function purgeSettledEscalations(connection: Connection, cutoff: Date): Promise<number> {
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

/** Staff notifications read by `readCutoff`, or never read and older than `unreadCutoff`. */
export async function purgeStaffNotifications(
  connection: Connection,
  readCutoff: Date,
  unreadCutoff: Date,
): Promise<{ read: number; unread: number }> {
  const Notification = staffNotificationModel(connection);
  return {
    read: (await Notification.deleteMany({ readAt: { $lte: readCutoff } })).deletedCount,
    unread: (await Notification.deleteMany({ readAt: null, createdAt: { $lte: unreadCutoff } })).deletedCount,
  };
}
