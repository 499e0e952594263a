import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { modelOn } from '../db/models';
import { lineModels, type LineModels } from '../line/models';

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
    /** The case this event made or changed, when it did (a volunteer's messages shown on that case only). */
    caseReference: { type: String },
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
    /** Status news waits for this chat's person: the reply to their next message looks it up (cases/updates). */
    newsWaiting: { type: Boolean },
    /** Each commit's own id: a grouped commit reads it back to tell which chats it reached (chat-store.ts). */
    commitId: { type: String },
    updatedAt: { type: Date },
  },
  { versionKey: false, collection: 'chats', minimize: false },
);

chatSchema.index({ wakeAt: 1 });

export type InboundEventDoc = InferSchemaType<typeof inboundEventSchema>;
export type QueuedEventDoc = InferSchemaType<typeof queuedEventSchema>;
export type ChatDoc = InferSchemaType<typeof chatSchema>;

/** The event path's own collections, with the LINE users and messages it reads and writes. */
export type IngestionModels = LineModels & {
  InboundEvent: Model<InboundEventDoc>;
  QueuedEvent: Model<QueuedEventDoc>;
  Chat: Model<ChatDoc>;
};

export function ingestionModels(connection: Connection): IngestionModels {
  return {
    InboundEvent: modelOn(connection, 'InboundEvent', inboundEventSchema),
    QueuedEvent: modelOn(connection, 'QueuedEvent', queuedEventSchema),
    Chat: modelOn(connection, 'Chat', chatSchema),
    ...lineModels(connection),
  } as IngestionModels;
}
