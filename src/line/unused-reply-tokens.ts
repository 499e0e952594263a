import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/models';

/**
 * The reply token of a user's last event when the bot did not answer it (typically a user in a
 * hand-off to staff): a message sent within its lifetime can be a free reply instead of a paid
 * push. Only tokens of one-to-one chats belong here: a token from a group would reply to the group.
 * Keyed by the LINE user id, so every read and write is an `_id` lookup (the only index FerretDB
 * 1.24 uses).
 */
export type UnusedReplyTokenDoc = { _id: string; token: string; expiresAt: Date };

export type UnusedReplyToken = { token: string; expiresAt: Date };

const unusedReplyTokenSchema = new Schema<UnusedReplyTokenDoc>(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'unused_reply_tokens', versionKey: false },
);

export function unusedReplyTokenModel(connection: Connection): Model<UnusedReplyTokenDoc> {
  return modelOn<UnusedReplyTokenDoc>(connection, 'UnusedReplyToken', unusedReplyTokenSchema);
}

/** Keeps the user's latest unused token; a newer one replaces the older (a user has one live token). */
export async function rememberUnusedReplyToken(
  connection: Connection,
  entry: { lineUserId: string; token: string; expiresAt: Date },
): Promise<void> {
  await unusedReplyTokenModel(connection).updateOne(
    { _id: entry.lineUserId },
    { $set: { token: entry.token, expiresAt: entry.expiresAt } },
    { upsert: true },
  );
}

/**
 * Hands the user's token out at most once, across instances: the read finds it, and only the
 * claimer whose delete of that exact token removes a row may use it (the database counts a delete
 * itself, where FerretDB 1.24's conditional updates are not atomic). An expired token is dropped.
 */
export async function claimUnusedReplyToken(
  connection: Connection,
  lineUserId: string,
  now: Date,
): Promise<UnusedReplyToken | undefined> {
  const model = unusedReplyTokenModel(connection);
  const found = await model.findById(lineUserId).lean();
  if (!found) return undefined;
  const { deletedCount } = await model.deleteOne({ _id: lineUserId, token: found.token });
  if (deletedCount !== 1 || found.expiresAt.getTime() <= now.getTime()) return undefined;
  return { token: found.token, expiresAt: found.expiresAt };
}

/** For a job: tokens live under a minute, so the collection only holds recent writers. */
export async function purgeExpiredReplyTokens(connection: Connection, now: Date): Promise<number> {
  const { deletedCount } = await unusedReplyTokenModel(connection).deleteMany({ expiresAt: { $lte: now } });
  return deletedCount;
}
