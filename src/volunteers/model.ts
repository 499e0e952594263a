import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey, modelOn } from '../db/models';

export const VOLUNTEER_STATUSES = ['pending', 'active', 'rejected', 'revoked', 'superseded'] as const;
export type VolunteerStatus = (typeof VOLUNTEER_STATUSES)[number];

/** An area a volunteer covers: a whole province (no district), or one district of it. */
export type VolunteerArea = {
  provinceCode: string;
  province: string;
  provinceEn: string;
  districtCode?: string;
  district?: string;
  districtEn?: string;
};

/**
 * One registration, `_id` the chat run that made it (a redelivered event stores it once). Written by
 * its insert, then only by whoever won the claim for a change of status (see `VolunteerClaim`): on
 * FerretDB two conditional writers to one document can undo each other.
 */
export type VolunteerDoc = {
  _id: string;
  lineUserId: string;
  status: VolunteerStatus;
  name: string;
  phone: string;
  organisation?: string;
  areas: VolunteerArea[];
  /** What the volunteer typed, for staff when a name was not recognised. */
  areasTyped: string;
  unresolvedAreas: string[];
  language: string;
  registeredAt: Date;
  decidedAt?: Date;
  decidedBy?: string;
  reason?: string;
  endedAt?: Date;
  endedBy?: string;
};

/**
 * The claim on a change of status, decided by a unique insert (atomic on FerretDB too):
 * `<id>:decision` (approve, reject, or superseded by a newer registration while pending) and
 * `<id>:end` (revoke, or superseded by a newer approved registration).
 */
export type VolunteerClaimDoc = {
  _id: string;
  outcome: 'approve' | 'reject' | 'revoke' | 'superseded';
  by: string | null;
  reason?: string;
  at: Date;
};

/** A case given to a volunteer for a home visit: one per case, written only by the assign route. */
export type VolunteerAssignmentDoc = {
  _id: string;
  volunteerId: string;
  lineUserId: string;
  assignedBy: string;
  assignedAt: Date;
};

const areaSchema = new Schema<VolunteerArea>(
  {
    provinceCode: { type: String, required: true },
    province: { type: String, required: true },
    provinceEn: { type: String, required: true },
    districtCode: String,
    district: String,
    districtEn: String,
  },
  { _id: false },
);

const volunteerSchema = new Schema<VolunteerDoc>(
  {
    _id: { type: String, required: true },
    lineUserId: { type: String, required: true },
    status: { type: String, enum: VOLUNTEER_STATUSES, required: true },
    name: { type: String, required: true },
    phone: { type: String, required: true },
    organisation: String,
    areas: { type: [areaSchema], default: [] },
    areasTyped: { type: String, default: '' },
    unresolvedAreas: { type: [String], default: [] },
    language: { type: String, required: true },
    registeredAt: { type: Date, required: true },
    decidedAt: Date,
    decidedBy: String,
    reason: String,
    endedAt: Date,
    endedBy: String,
  },
  { collection: 'volunteers', versionKey: false },
);
volunteerSchema.index({ lineUserId: 1, registeredAt: -1 });
volunteerSchema.index({ status: 1, registeredAt: -1 });
volunteerSchema.index({ status: 1, 'areas.provinceCode': 1 });

const claimSchema = new Schema<VolunteerClaimDoc>(
  {
    _id: { type: String, required: true },
    outcome: { type: String, required: true },
    by: { type: String, default: null },
    reason: String,
    at: { type: Date, required: true },
  },
  { collection: 'volunteer_claims', versionKey: false },
);

const assignmentSchema = new Schema<VolunteerAssignmentDoc>(
  {
    _id: { type: String, required: true },
    volunteerId: { type: String, required: true },
    lineUserId: { type: String, required: true },
    assignedBy: { type: String, required: true },
    assignedAt: { type: Date, required: true },
  },
  { collection: 'volunteer_assignments', versionKey: false },
);
assignmentSchema.index({ lineUserId: 1 });

export type VolunteerModels = {
  Volunteer: Model<VolunteerDoc>;
  VolunteerClaim: Model<VolunteerClaimDoc>;
  VolunteerAssignment: Model<VolunteerAssignmentDoc>;
};

/** Registers the models on this connection (so `Database.ensureIndexes` builds their indexes). */
export function volunteerModels(connection: Connection): VolunteerModels {
  return {
    Volunteer: modelOn(connection, 'Volunteer', volunteerSchema),
    VolunteerClaim: modelOn(connection, 'VolunteerClaim', claimSchema),
    VolunteerAssignment: modelOn(connection, 'VolunteerAssignment', assignmentSchema),
  };
}

/**
 * Claims a change of status: true when this call made the claim; the existing claim otherwise, so
 * a retry of the same change can finish what a crash left half done.
 */
export async function claim(
  models: VolunteerModels,
  doc: VolunteerClaimDoc,
): Promise<{ won: true } | { won: false; existing: VolunteerClaimDoc }> {
  try {
    await models.VolunteerClaim.create(doc);
    return { won: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await models.VolunteerClaim.findById(doc._id).lean<VolunteerClaimDoc>();
    if (!existing) throw error;
    return { won: false, existing };
  }
}

export { isDuplicateKey };
