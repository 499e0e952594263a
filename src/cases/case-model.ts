import { Schema, type Connection, type Model } from 'mongoose';
import {
  CASE_STATUSES,
  CATEGORIES,
  DUPLICATE_REASONS,
  HOUSEHOLD_QUESTIONS,
  PRIORITY_LEVELS,
  TENURES,
  TIMELINE_KINDS,
  VULNERABLE_MEMBERS,
  type Case,
} from './case-schema';
import { PLACE_SOURCES } from '../geo/resolve-place';
import { modelOn } from '../db/models';

const placeSource = { type: String, enum: PLACE_SOURCES, required: true };

const caseMongooseSchema = new Schema<Case>(
  {
    reference: { type: String, required: true },
    intakeId: { type: String, required: true },
    consentId: { type: String, required: true },
    language: { type: String, required: true },
    reporter: { lineUserId: { type: String, required: true } },
    reportedBy: { type: String, enum: ['self', 'volunteer'], required: true },
    volunteer: {
      type: new Schema({ lineUserId: String, relation: String, householdInformed: Boolean }, { _id: false }),
      required: false,
    },
    household: {
      headName: String,
      size: Number,
      vulnerable: { type: [{ type: String, enum: VULNERABLE_MEMBERS }], default: [] },
      tenure: { type: String, enum: TENURES },
      phone: String,
      missing: { type: [{ type: String, enum: HOUSEHOLD_QUESTIONS }], default: undefined },
    },
    category: { type: String, enum: CATEGORIES, required: true },
    description: { text: String, voiceMediaId: String },
    mediaIds: { type: [String], default: [] },
    location: {
      // Plain numbers, not GeoJSON: FerretDB has no geo indexes; see `findNearbyCases`.
      lat: Number,
      lng: Number,
      typedAddress: { village: String, subdistrict: String, district: String, province: String },
      shared: { title: String, address: String },
      resolved: {
        province: String,
        provinceEn: String,
        provinceCode: String,
        district: String,
        districtEn: String,
        districtCode: String,
        subdistrict: String,
        subdistrictEn: String,
        subdistrictCode: String,
        source: { province: placeSource, district: placeSource, subdistrict: placeSource },
      },
    },
    priority: {
      score: { type: Number, required: true },
      level: { type: String, enum: PRIORITY_LEVELS, required: true },
      factors: [{ _id: false, key: String, points: Number, reasonKey: String }],
      missing: { type: [String], default: undefined },
    },
    status: { type: String, enum: CASE_STATUSES, required: true, default: 'new' },
    timeline: [
      {
        _id: false,
        at: { type: Date, required: true },
        kind: { type: String, enum: TIMELINE_KINDS, required: true },
        actor: { type: String, enum: ['system', 'reporter', 'volunteer', 'staff'], required: true },
        actorId: String,
        from: { type: String, enum: CASE_STATUSES },
        to: { type: String, enum: CASE_STATUSES },
        text: String,
        visibility: { type: String, enum: ['internal', 'reporter'] },
        mediaIds: { type: [String], default: undefined },
        reference: String,
      },
    ],
    possibleDuplicateOf: [
      {
        _id: false,
        reference: { type: String, required: true },
        reasons: [{ type: String, enum: DUPLICATE_REASONS }],
        distanceMeters: Number,
        flaggedAt: { type: Date, required: true },
      },
    ],
    keywords: { type: [String], default: [] },
    // Managed by the staff API (src/case-api).
    assigneeId: String,
    visitDate: String,
    declineReason: String,
    duplicateOf: String,
    changeSeq: Number,
    firstActionAt: Date,
    completedAt: Date,
    erasedAt: Date,
    erasureReason: String,
    extraReporters: {
      type: [{ _id: false, lineUserId: String, reference: String }],
      default: undefined,
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  // Times come from the caller's clock (tests fix it), not from mongoose's timestamps.
  { collection: 'cases', versionKey: false, minimize: true },
);

caseMongooseSchema.index({ reference: 1 }, { unique: true });
caseMongooseSchema.index({ intakeId: 1 }, { unique: true });
caseMongooseSchema.index({ status: 1, createdAt: -1 });
caseMongooseSchema.index({ 'location.resolved.provinceCode': 1, status: 1 });
// Bounding-box selection; refined by haversine in code (no 2dsphere on FerretDB).
caseMongooseSchema.index({ 'location.lat': 1, 'location.lng': 1 });
caseMongooseSchema.index({ 'reporter.lineUserId': 1, createdAt: -1 });
caseMongooseSchema.index({ 'volunteer.lineUserId': 1, createdAt: -1 });
caseMongooseSchema.index({ 'extraReporters.lineUserId': 1 }); // erasure finds merged cases by reporter
caseMongooseSchema.index({ keywords: 1 });
caseMongooseSchema.index({ assigneeId: 1, createdAt: -1 });
caseMongooseSchema.index({ createdAt: -1, reference: -1 });

export type CaseModel = Model<Case>;

/** The case model on this connection (registered once per connection, never on mongoose's global). */
export function caseModel(connection: Connection): CaseModel {
  return modelOn<Case>(connection, 'Case', caseMongooseSchema);
}
