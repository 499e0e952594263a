import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { modelOn } from '../db/models';

/** PDPA: each consent given, with the notice version and time; withdrawal is recorded, not deleted. */
const consentSchema = new Schema(
  {
    _id: { type: String, required: true },
    lineUserId: { type: String, required: true },
    noticeVersion: { type: String, required: true },
    sensitive: { type: Boolean, required: true },
    language: { type: String, required: true },
    givenAt: { type: Date, required: true },
    withdrawnAt: { type: Date },
  },
  { versionKey: false, collection: 'consents' },
);
consentSchema.index({ lineUserId: 1, givenAt: -1 });

export type ConsentDoc = InferSchemaType<typeof consentSchema>;
export type ConsentModel = Model<ConsentDoc>;

export function consentModel(connection: Connection): ConsentModel {
  return modelOn<ConsentDoc>(connection, 'Consent', consentSchema);
}
