import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { modelOn } from '../db/models';

/** A reporter's rating of a completed case, an optional comment, and a request to reopen it. */
const caseFeedbackSchema = new Schema(
  {
    /** `<reference>:<lineUserId>`: one rating per person per case, the first tap wins. */
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    lineUserId: { type: String, required: true },
    rating: { type: Number, min: 1, max: 5 },
    comment: { type: String, maxlength: 2000 },
    reopenRequestedAt: { type: Date },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'case_feedback' },
);
caseFeedbackSchema.index({ lineUserId: 1 });
caseFeedbackSchema.index({ reference: 1 });

export type CaseFeedbackDoc = InferSchemaType<typeof caseFeedbackSchema>;
export type CaseFeedbackModel = Model<CaseFeedbackDoc>;

export function caseFeedbackModel(connection: Connection): CaseFeedbackModel {
  return modelOn<CaseFeedbackDoc>(connection, 'CaseFeedback', caseFeedbackSchema);
}
