import { Schema, type Connection, type Model } from 'mongoose';
import { CASE_STATUSES, type CaseStatus } from './case-schema';
import { modelOn } from '../db/models';

/**
 * One lifecycle change of one case, claimed by inserting `reference:seq` as the _id: a unique
 * insert is atomic on MongoDB and FerretDB 1.24 alike, where a conditional update is not, so two
 * staff changing one case at once cannot both win. It is also the change id notifications key on.
 */
export type CaseChangeDoc = {
  _id: string;
  reference: string;
  seq: number;
  from: CaseStatus;
  to: CaseStatus;
  visitDate?: string;
  reason?: string;
  duplicateOf?: string;
  /** When set, the case carries this change; until then a later claimant may roll it forward. */
  appliedAt?: Date;
  /** When every recipient's message was queued (at once when `quiet`). */
  notifiedAt?: Date;
  /** Staff chose not to tell the reporter of this step (a LINE push costs quota). */
  quiet?: boolean;
  actorId: string;
  at: Date;
};

const caseChangeSchema = new Schema<CaseChangeDoc>(
  {
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    seq: { type: Number, required: true },
    from: { type: String, enum: CASE_STATUSES, required: true },
    to: { type: String, enum: CASE_STATUSES, required: true },
    visitDate: String,
    reason: String,
    duplicateOf: String,
    appliedAt: Date,
    notifiedAt: Date,
    quiet: Boolean,
    actorId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'case_changes', versionKey: false },
);
caseChangeSchema.index({ reference: 1, seq: 1 });
caseChangeSchema.index({ notifiedAt: 1, at: 1 });

/** The guard that makes one notification go out once: its _id is the outbound message id. */
export type CaseNotificationDoc = {
  _id: string;
  reference: string;
  to: string;
  at: Date;
  /** A status change's news is in the reporter's waiting updates (cases/updates/). */
  queuedAt?: Date;
};

const caseNotificationSchema = new Schema<CaseNotificationDoc>(
  {
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    to: { type: String, required: true },
    at: { type: Date, required: true },
    queuedAt: Date,
  },
  { collection: 'case_notifications', versionKey: false },
);
caseNotificationSchema.index({ reference: 1 });

export type CaseApiModels = {
  CaseChange: Model<CaseChangeDoc>;
  CaseNotification: Model<CaseNotificationDoc>;
};

export function caseApiModels(connection: Connection): CaseApiModels {
  return {
    CaseChange: modelOn<CaseChangeDoc>(connection, 'CaseChange', caseChangeSchema),
    CaseNotification: modelOn<CaseNotificationDoc>(connection, 'CaseNotification', caseNotificationSchema),
  };
}

/** The status messages still owed to an erased person go: there is nobody to tell. */
export async function forgetNoticesOwedTo(connection: Connection, lineUserId: string): Promise<void> {
  await caseApiModels(connection).CaseNotification.deleteMany({ to: lineUserId });
}
