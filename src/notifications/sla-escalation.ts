import { Schema, type Connection, type Model } from 'mongoose';
import type { Case, CaseStatus } from '../cases/case-schema';
import { caseModel } from '../cases/case-model';
import { staffModels } from '../staff/models';
import { notifyStaff, provinceRecipients, staffNotificationModel } from './staff-notifications';
import { isDuplicateKey, modelOn } from '../db/models';

/**
 * Days without a staff action before a case is escalated, per status. Only the statuses where the
 * next move is the staff's by default: later ones wait on visits, funds and builders.
 */
export type SlaDays = Partial<Record<CaseStatus, number>>;
export const DEFAULT_SLA_DAYS: SlaDays = { new: 7, reviewing: 7 };

const DAY_MS = 24 * 3600 * 1000;

type SlaSubject = Pick<Case, 'status' | 'createdAt'> & {
  timeline?: Pick<Case['timeline'][number], 'at' | 'actor'>[];
};

/** The last thing a staff member did on the case, or its creation when nobody has yet. */
export function lastStaffActionAt(record: SlaSubject): Date {
  let last = record.createdAt;
  for (const entry of record.timeline ?? [])
    if (entry.actor === 'staff' && entry.at.getTime() > last.getTime()) last = entry.at;
  return last;
}

/** Whole days idle when the case is past its status's limit; null when it is not overdue. */
export function overdueDays(record: SlaSubject, now: Date, slaDays: SlaDays): number | null {
  const limit = slaDays[record.status];
  if (limit === undefined) return null;
  const idleDays = Math.floor((now.getTime() - lastStaffActionAt(record).getTime()) / DAY_MS);
  return idleDays >= limit ? idleDays : null;
}

/**
 * One escalation per idle spell: its _id is the case and the start of the spell, so inserting it
 * is the "once" guard (a unique insert is atomic on FerretDB 1.24, a conditional update is not).
 * The case document itself is not written: staff may be editing it, and on FerretDB a second
 * writer can undo their change. A staff action starts a new spell, hence a new escalation later.
 */
export type CaseEscalationDoc = {
  _id: string;
  reference: string;
  status: CaseStatus;
  provinceCode?: string;
  idleSince: Date;
  at: Date;
  /** Set once every recipient's notification exists; until then a later run finishes the job. */
  notifiedAt?: Date;
  recipients?: number;
};

const caseEscalationSchema = new Schema<CaseEscalationDoc>(
  {
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    status: { type: String, required: true },
    provinceCode: String,
    idleSince: { type: Date, required: true },
    at: { type: Date, required: true },
    notifiedAt: Date,
    recipients: Number,
  },
  { versionKey: false, collection: 'case_escalations' },
);
caseEscalationSchema.index({ reference: 1, at: -1 });
caseEscalationSchema.index({ notifiedAt: 1 });

export type CaseEscalationModel = Model<CaseEscalationDoc>;

export function caseEscalationModel(connection: Connection): CaseEscalationModel {
  return modelOn<CaseEscalationDoc>(connection, 'CaseEscalation', caseEscalationSchema);
}

export type SlaDeps = { connection: Connection; slaDays?: SlaDays };

export type SlaSummary = {
  checked: number;
  overdue: number;
  escalated: number;
  notifications: number;
  /** Escalations nobody could be told about (no coordinator and no admin). */
  unrouted: number;
};

/** Flags each overdue case once per idle spell and tells the coordinators of its province. */
export async function escalateOverdueCases(deps: SlaDeps, now: Date): Promise<SlaSummary> {
  const slaDays = deps.slaDays ?? DEFAULT_SLA_DAYS;
  const statuses = Object.keys(slaDays) as CaseStatus[];
  const summary: SlaSummary = { checked: 0, overdue: 0, escalated: 0, notifications: 0, unrouted: 0 };
  if (statuses.length === 0) return summary;
  const shortest = Math.min(...Object.values(slaDays));
  const Escalation = caseEscalationModel(deps.connection);
  const Notification = staffNotificationModel(deps.connection);
  const staff = staffModels(deps.connection);
  const byProvince = new Map<string, Promise<string[]>>();
  const recipientsFor = (provinceCode: string | undefined) => {
    const key = provinceCode ?? '';
    if (!byProvince.has(key)) byProvince.set(key, provinceRecipients(staff, provinceCode));
    return byProvince.get(key)!;
  };

  const candidates = caseModel(deps.connection)
    .find(
      { status: { $in: statuses }, createdAt: { $lte: new Date(now.getTime() - shortest * DAY_MS) } },
      { _id: 0, reference: 1, status: 1, createdAt: 1, timeline: 1, 'location.resolved.provinceCode': 1 },
    )
    .lean<Pick<Case, 'reference' | 'status' | 'createdAt' | 'timeline' | 'location'>[]>()
    .cursor();
  for await (const record of candidates) {
    summary.checked++;
    const idleDays = overdueDays(record, now, slaDays);
    if (idleDays === null) continue;
    summary.overdue++;
    const idleSince = lastStaffActionAt(record);
    const provinceCode = record.location?.resolved?.provinceCode;
    const escalationId = `${record.reference}:${idleSince.toISOString()}`;
    try {
      await Escalation.create({
        _id: escalationId,
        reference: record.reference,
        status: record.status,
        provinceCode,
        idleSince,
        at: now,
      });
      summary.escalated++;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Escalated before; only a run that stopped before telling everyone has work left.
      const existing = await Escalation.findById(escalationId, { notifiedAt: 1 }).lean();
      if (existing?.notifiedAt) continue;
    }
    const recipients = await recipientsFor(provinceCode);
    if (recipients.length === 0) summary.unrouted++;
    for (const staffId of recipients) {
      const created = await notifyStaff(Notification, {
        _id: `sla:${escalationId}:${staffId}`,
        staffId,
        createdAt: now,
        data: {
          kind: 'sla_escalated',
          reference: record.reference,
          status: record.status,
          ...(provinceCode ? { provinceCode } : {}),
          idleSince,
          idleDays,
        },
      });
      if (created) summary.notifications++;
    }
    await Escalation.updateOne(
      { _id: escalationId },
      { $set: { notifiedAt: now, recipients: recipients.length } },
    );
  }
  return summary;
}
