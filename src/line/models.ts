import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { modelOn } from '../db/models';

/** What we know of a LINE user: whether they follow us (no pushes otherwise) and their language. */
const lineUserSchema = new Schema(
  {
    _id: { type: String, required: true },
    followed: { type: Boolean, required: true, default: true },
    language: { type: String },
    displayName: { type: String },
    followedAt: { type: Date },
    unfollowedAt: { type: Date },
    profileFetchedAt: { type: Date },
    /** The last time this user wrote to us: status updates reply while a token is fresh. */
    lastSeenAt: { type: Date },
  },
  { versionKey: false, collection: 'line_users' },
);
lineUserSchema.index({ followed: 1 });

const chunkSchema = new Schema(
  {
    index: { type: Number, required: true },
    retryKey: { type: String, required: true },
    status: { type: String, enum: ['pending', 'sent', 'failed', 'skipped'], required: true },
    via: { type: String, enum: ['reply', 'push'] },
    attempts: { type: Number, required: true, default: 0 },
    lastError: { type: String },
    requestId: { type: String },
    sentAt: { type: Date },
  },
  { _id: false },
);

/**
 * Every message we send or mean to send: the delivery queue, the record of what each person was
 * told (case timeline) and the basis of quota accounting. Retry keys are stored before the first try.
 */
const outboundMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    to: { type: String, required: true },
    purpose: { type: String, required: true },
    eventId: { type: String },
    caseReference: { type: String },
    /** Set when a batch speaks of several cases (coalesced status updates); the first is `caseReference`. */
    caseReferences: { type: [String], default: undefined },
    messages: { type: [Schema.Types.Mixed], required: true },
    replyToken: { type: String },
    replyTokenExpiresAt: { type: Date },
    replyAttempted: { type: Boolean, default: false },
    replyOnly: { type: Boolean, default: false },
    /** Drop `messages` once delivered, keeping their number in `forgottenMessages`. */
    forgetContent: { type: Boolean },
    forgottenMessages: { type: Number },
    chunks: { type: [chunkSchema], required: true },
    status: {
      type: String,
      enum: ['pending', 'sent', 'failed', 'skipped'],
      required: true,
      default: 'pending',
    },
    /** Status updates go before broadcasts when the quota is short. */
    priority: { type: Number, required: true, default: 0 },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    claimOwner: { type: String, default: null },
    claimUntil: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date },
  },
  { versionKey: false, collection: 'outbound_messages' },
);
outboundMessageSchema.index({ status: 1, nextAttemptAt: 1 });
outboundMessageSchema.index({ to: 1, createdAt: 1 });
outboundMessageSchema.index({ caseReference: 1, createdAt: 1 });

export type LineUserDoc = InferSchemaType<typeof lineUserSchema>;
export type OutboundMessageDoc = InferSchemaType<typeof outboundMessageSchema>;
export type OutboundChunk = InferSchemaType<typeof chunkSchema>;

/** The LINE users we know and the messages we send them: what features read to reach a person. */
export type LineModels = {
  LineUser: Model<LineUserDoc>;
  OutboundMessage: Model<OutboundMessageDoc>;
};

export function lineModels(connection: Connection): LineModels {
  return {
    LineUser: modelOn(connection, 'LineUser', lineUserSchema),
    OutboundMessage: modelOn(connection, 'OutboundMessage', outboundMessageSchema),
  } as LineModels;
}

/** The messages we sent about a case name the person and their need: they go with its personal data. */
export async function forgetMessagesAbout(connection: Connection, caseReference: string): Promise<void> {
  await lineModels(connection).OutboundMessage.deleteMany({ caseReference });
}
