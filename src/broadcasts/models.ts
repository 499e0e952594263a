import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/models';

export const BROADCAST_STATUSES = [
  'scheduled',
  'preparing',
  'sending',
  /** Chunks wait for the month's quota (or a raised plan); the scheduled job retries them. */
  'waiting_quota',
  'completed',
  'completed_with_failures',
  'failed',
  'cancelled',
] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/** Statuses the scheduled job picks up again: an interrupted or waiting broadcast resumes. */
export const UNFINISHED: BroadcastStatus[] = ['preparing', 'sending', 'waiting_quota'];

export const CHUNK_STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;
export type ChunkStatus = (typeof CHUNK_STATUSES)[number];

export type BroadcastContent = { text: string; imageUrl?: string };

export type BroadcastDoc = {
  _id: string;
  status: BroadcastStatus;
  audience: Record<string, unknown>;
  /** Per language (th always present); a recipient whose language has none gets th. */
  content: Record<string, BroadcastContent>;
  scheduledAt: Date;
  createdAt: Date;
  createdBy: { id: string; role: string };
  quotaOverriddenBy: string | null;
  /** The audience and quota as seen when the broadcast was created. */
  estimate: Record<string, unknown>;
  preparedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelledAt: Date | null;
  totals: { chunks: number; recipients: number } | null;
};

const broadcastSchema = new Schema<BroadcastDoc>(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: BROADCAST_STATUSES, required: true },
    audience: { type: Schema.Types.Mixed, required: true },
    content: { type: Schema.Types.Mixed, required: true },
    scheduledAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { id: { type: String, required: true }, role: { type: String, required: true } },
    quotaOverriddenBy: { type: String, default: null },
    estimate: { type: Schema.Types.Mixed, default: {} },
    preparedAt: { type: Date, default: null },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    totals: {
      type: new Schema({ chunks: Number, recipients: Number }, { _id: false }),
      default: null,
    },
  },
  { versionKey: false, collection: 'broadcasts', minimize: false },
);
broadcastSchema.index({ status: 1, scheduledAt: 1 });
broadcastSchema.index({ createdAt: -1 });

/**
 * At most 500 recipients of one language, written before anything is sent, with the retry key
 * LINE sees on every attempt: a resumed chunk is the same request, so LINE answers 409, not twice.
 */
export type ChunkDoc = {
  _id: string;
  broadcastId: string;
  index: number;
  language: string;
  /** The ids live in ChunkRecipients: this document is rewritten on every attempt, they are not. */
  recipientCount: number;
  /** The highest user id in the chunk: where a resumed preparation continues for this language. */
  lastRecipient: string;
  retryKey: string;
  /** Unfollowed users removed just before the first attempt; later attempts send exactly this. */
  recipientsFinal: boolean;
  status: ChunkStatus;
  attempts: number;
  firstAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  /** LINE answered 409: an earlier attempt had been accepted. */
  acceptedBefore: boolean;
  error: { status: number | null; message: string } | null;
};

const chunkSchema = new Schema<ChunkDoc>(
  {
    _id: { type: String, required: true },
    broadcastId: { type: String, required: true },
    index: { type: Number, required: true },
    language: { type: String, required: true },
    recipientCount: { type: Number, required: true },
    lastRecipient: { type: String, required: true },
    retryKey: { type: String, required: true },
    recipientsFinal: { type: Boolean, default: false },
    status: { type: String, enum: CHUNK_STATUSES, required: true },
    attempts: { type: Number, default: 0 },
    firstAttemptAt: { type: Date, default: null },
    lastAttemptAt: { type: Date, default: null },
    nextAttemptAt: { type: Date, default: null },
    sentAt: { type: Date, default: null },
    acceptedBefore: { type: Boolean, default: false },
    error: {
      type: new Schema({ status: Number, message: String }, { _id: false }),
      default: null,
    },
  },
  { versionKey: false, collection: 'broadcast_chunks', minimize: false },
);
chunkSchema.index({ broadcastId: 1, index: 1 }, { unique: true });
chunkSchema.index({ broadcastId: 1, status: 1 });

/** A chunk's LINE user ids, written with it (same _id) and read once per attempt. */
export type ChunkRecipientsDoc = { _id: string; recipients: string[] };

const chunkRecipientsSchema = new Schema<ChunkRecipientsDoc>(
  { _id: { type: String, required: true }, recipients: { type: [String], required: true } },
  { versionKey: false, collection: 'broadcast_chunk_recipients' },
);

/**
 * Who works on what, taken by inserting `key#seq`: a unique-key insert is atomic on MongoDB and on
 * FerretDB 1.24, whose conditional updates are not. A stale claim is superseded by the next seq.
 */
export type ClaimDoc = {
  _id: string;
  key: string;
  seq: number;
  owner: string;
  at: Date;
  released: boolean;
  outcome?: string;
};

const claimSchema = new Schema<ClaimDoc>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    seq: { type: Number, required: true },
    owner: { type: String, required: true },
    at: { type: Date, required: true },
    released: { type: Boolean, default: false },
    outcome: { type: String },
  },
  { versionKey: false, collection: 'broadcast_claims' },
);
claimSchema.index({ key: 1, seq: -1 });

export type BroadcastModels = {
  Broadcast: Model<BroadcastDoc>;
  Chunk: Model<ChunkDoc>;
  ChunkRecipients: Model<ChunkRecipientsDoc>;
  Claim: Model<ClaimDoc>;
};

export function broadcastModels(connection: Connection): BroadcastModels {
  return {
    Broadcast: modelOn<BroadcastDoc>(connection, 'Broadcast', broadcastSchema),
    Chunk: modelOn<ChunkDoc>(connection, 'BroadcastChunk', chunkSchema),
    ChunkRecipients: modelOn<ChunkRecipientsDoc>(
      connection,
      'BroadcastChunkRecipients',
      chunkRecipientsSchema,
    ),
    Claim: modelOn<ClaimDoc>(connection, 'BroadcastClaim', claimSchema),
  };
}
