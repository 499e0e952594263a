import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { modelOn } from '../db/models';

/** A user waiting for (or talking with) a person; the bot is quiet for them while it is open. */
const handoffSchema = new Schema(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: ['open', 'closed'], required: true },
    since: { type: Date, required: true },
    closedAt: { type: Date },
  },
  { versionKey: false, collection: 'handoffs' },
);
handoffSchema.index({ status: 1, since: 1 });

export type HandoffDoc = InferSchemaType<typeof handoffSchema>;
export type HandoffModel = Model<HandoffDoc>;

export function handoffModel(connection: Connection): HandoffModel {
  return modelOn<HandoffDoc>(connection, 'Handoff', handoffSchema);
}

/** Stored like a LINE event so it is applied in order with the user's own events. */
export const HANDOFF_CLOSED_EVENT_TYPE = 'needline.handoff.closed';
