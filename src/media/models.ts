import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { modelOn } from '../db/models';

/**
 * A photo, voice message, video or file: metadata here, bytes in `media_chunks`. GridFS is not on
 * FerretDB 1.x, so bytes are plain Binary documents well below the 16 MiB limit.
 */
const mediaSchema = new Schema(
  {
    _id: { type: String, required: true },
    source: { type: String, enum: ['line', 'staff'], required: true },
    lineMessageId: { type: String },
    chatKey: { type: String },
    userId: { type: String },
    kind: { type: String, enum: ['image', 'audio', 'video', 'file'], required: true },
    fileName: { type: String },
    imageSet: { id: String, index: Number, total: Number },
    status: {
      type: String,
      enum: ['pending', 'stored', 'unavailable', 'too_large', 'unsupported'],
      required: true,
    },
    contentType: { type: String },
    size: { type: Number },
    sha256: { type: String },
    chunkCount: { type: Number },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date },
    lastError: { type: String },
    caseReference: { type: String },
    createdAt: { type: Date, required: true },
    storedAt: { type: Date },
  },
  { versionKey: false, collection: 'media' },
);
mediaSchema.index({ lineMessageId: 1 });
mediaSchema.index({ status: 1, nextAttemptAt: 1 });
mediaSchema.index({ caseReference: 1 });
mediaSchema.index({ userId: 1 });

const mediaChunkSchema = new Schema(
  {
    _id: { type: String, required: true },
    mediaId: { type: String, required: true },
    n: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { versionKey: false, collection: 'media_chunks' },
);
mediaChunkSchema.index({ mediaId: 1, n: 1 }, { unique: true });

export type MediaDoc = InferSchemaType<typeof mediaSchema>;
export type MediaChunkDoc = InferSchemaType<typeof mediaChunkSchema>;
export type MediaModels = { Media: Model<MediaDoc>; MediaChunk: Model<MediaChunkDoc> };

export function mediaModels(connection: Connection): MediaModels {
  return {
    Media: modelOn(connection, 'Media', mediaSchema),
    MediaChunk: modelOn(connection, 'MediaChunk', mediaChunkSchema),
  } as MediaModels;
}
