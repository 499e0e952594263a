import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { modelOn } from '../db/models';

export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

export type AuditEntryDoc = {
  _id: Types.ObjectId;
  at: Date;
  /** Null for the system itself (first admin) and for failed logins with an unknown email. */
  actorId: Types.ObjectId | null;
  actorKind: 'session' | 'api' | 'system' | 'anonymous';
  credentialId: Types.ObjectId | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** Small facts about the change (field names, new role); never personal data. */
  details: AuditDetails;
};

const auditSchema = new Schema<AuditEntryDoc>(
  {
    at: { type: Date, required: true },
    actorId: { type: Schema.Types.ObjectId, default: null },
    actorKind: { type: String, required: true, enum: ['session', 'api', 'system', 'anonymous'] },
    credentialId: { type: Schema.Types.ObjectId, default: null },
    action: { type: String, required: true },
    targetType: { type: String, default: null },
    targetId: { type: String, default: null },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
    requestId: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'audit_log', minimize: false },
);
auditSchema.index({ at: -1, _id: -1 });
auditSchema.index({ actorId: 1, at: -1 });
auditSchema.index({ action: 1, at: -1 });
auditSchema.index({ targetType: 1, targetId: 1, at: -1 });

// Append-only: the log is evidence, so entries are never edited; only the retention purge deletes, and a
// person's erasure replaces their LINE id (audit/erase-person.ts).
const refuse = () => {
  throw new Error('the audit log is append-only');
};
auditSchema.pre(
  ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace', 'findOneAndDelete'],
  refuse,
);
auditSchema.pre('save', function () {
  if (!this.isNew) refuse();
});

export function auditModel(connection: Connection): Model<AuditEntryDoc> {
  return modelOn<AuditEntryDoc>(connection, 'AuditEntry', auditSchema);
}

/** The audit log is kept for the retention period, then deleted (it names staff addresses and readers). */
export async function purgeAuditEntries(connection: Connection, before: Date): Promise<number> {
  return (await auditModel(connection).deleteMany({ at: { $lt: before } })).deletedCount;
}
