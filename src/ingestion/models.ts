import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Every webhook event, stored before LINE gets its 200. Its `_id` is LINE's webhookEventId, so a
 * redelivered or duplicated event is refused by the primary key: that is the dedupe marker. While
 * its entry is in event_queue it is pending; once the entry is gone it is done, so finishing an
 * event writes nothing here (one write fewer per event). Only an event set aside is marked.
 */
const inboundEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    chatKey: { type: String, required: true },
    userId: { type: String },
    type: { type: String, required: true },
    timestamp: { type: Number, required: true },
    receivedAt: { type: Date, required: true },
    replyToken: { type: String },
    /** The event exactly as LINE sent it, as JSON text (LINE may add fields; keys are never interpreted by the database). */
    payload: { type: String, required: true },
    /** Set only when the event was set aside after repeated failures, with its tries and last error. */
    status: { type: String, enum: ['failed'] },
    attempts: { type: Number },
    lastError: { type: String },
    processedAt: { type: Date },
    /** A photo, file or place sent before consent: not downloaded, and the record keeps only its kind. */
    notKept: { type: String, enum: ['no_consent'] },
  },
  { versionKey: false, collection: 'inbound_events' },
);
inboundEventSchema.index({ userId: 1, receivedAt: 1 });
inboundEventSchema.index({ receivedAt: 1 });

/**
 * The work still to do: one small document per pending event, deleted when the event is done or
 * set aside. The processor's "next event of this chat" and "what is due" read only this
 * collection, which stays as small as the backlog while inbound_events keeps the record.
 */
const queuedEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    chatKey: { type: String, required: true },
    timestamp: { type: Number, required: true },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    /** The request that queued it; the record of the same request carries the same time. */
    receivedAt: { type: Date },
    /** A photo of an image set: the set's photos are applied in `index` order, whatever their timestamps. */
    setId: { type: String },
    setIndex: { type: Number },
    /** The event itself, so applying it needs no read of its record (absent on entries of older versions). */
    payload: { type: String },
    replyToken: { type: String },
  },
  { versionKey: false, collection: 'event_queue' },
);
queuedEventSchema.index({ chatKey: 1, timestamp: 1 });
queuedEventSchema.index({ nextAttemptAt: 1 });

/**
 * One document per chat (a LINE user, or a group/room): the conversation state, its revision and
 * the outbox. Applying an event is one conditional write on this document.
 */
const chatSchema = new Schema(
  {
    _id: { type: String, required: true },
    rev: { type: Number, required: true, default: 0 },
    state: { type: Schema.Types.Mixed, default: {} },
    /** Recent applied event ids: a crash between the commit and marking the event done must not apply it twice. */
    appliedEventIds: { type: [String], default: [] },
    /** The instance applying this chat's events, until when (see ingestion/chat-store.ts). */
    leaseOwner: { type: String },
    leaseUntil: { type: Date },
    /** When the conversation wants a reminder or an expiry tick (see TIMEOUT_EVENT_TYPE). */
    wakeAt: { type: Date, default: null },
    updatedAt: { type: Date },
  },
  { versionKey: false, collection: 'chats', minimize: false },
);

chatSchema.index({ wakeAt: 1 });

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

export type InboundEventDoc = InferSchemaType<typeof inboundEventSchema>;
export type QueuedEventDoc = InferSchemaType<typeof queuedEventSchema>;
export type ChatDoc = InferSchemaType<typeof chatSchema>;
export type LineUserDoc = InferSchemaType<typeof lineUserSchema>;
export type OutboundMessageDoc = InferSchemaType<typeof outboundMessageSchema>;
export type OutboundChunk = InferSchemaType<typeof chunkSchema>;

export type IngestionModels = {
  InboundEvent: Model<InboundEventDoc>;
  QueuedEvent: Model<QueuedEventDoc>;
  Chat: Model<ChatDoc>;
  LineUser: Model<LineUserDoc>;
  OutboundMessage: Model<OutboundMessageDoc>;
};

export function ingestionModels(connection: Connection): IngestionModels {
  return {
    InboundEvent: connection.models.InboundEvent ?? connection.model('InboundEvent', inboundEventSchema),
    QueuedEvent: connection.models.QueuedEvent ?? connection.model('QueuedEvent', queuedEventSchema),
    Chat: connection.models.Chat ?? connection.model('Chat', chatSchema),
    LineUser: connection.models.LineUser ?? connection.model('LineUser', lineUserSchema),
    OutboundMessage:
      connection.models.OutboundMessage ?? connection.model('OutboundMessage', outboundMessageSchema),
  } as IngestionModels;
}
