import type { IngestionModels } from './models';
import { chatKeyOf, eventIdOf, type LineEvent } from './line-event';

/** LINE says a reply token is valid for about a minute after the webhook; keep a margin. */
export const REPLY_TOKEN_LIFETIME_MS = 50_000;

export type AcceptResult = { accepted: number; duplicates: number; chatKeys: string[] };

/**
 * Persists events before the webhook answers. Duplicates (same webhookEventId) are refused by the
 * primary key and counted, never applied twice.
 */
export async function acceptEvents(
  models: IngestionModels,
  events: LineEvent[],
  now: Date,
): Promise<AcceptResult> {
  if (events.length === 0) return { accepted: 0, duplicates: 0, chatKeys: [] };
  const docs = events.map((event) => ({
    _id: eventIdOf(event),
    chatKey: chatKeyOf(event),
    userId: event.source?.userId,
    type: event.type,
    timestamp: event.timestamp,
    receivedAt: now,
    replyToken: event.replyToken,
    payload: JSON.stringify(event),
    status: 'pending' as const,
    attempts: 0,
    nextAttemptAt: now,
  }));
  let duplicates = 0;
  try {
    await models.InboundEvent.insertMany(docs, { ordered: false, rawResult: false });
  } catch (error) {
    const writeErrors = duplicateKeyErrors(error);
    if (writeErrors === undefined) throw error;
    duplicates = writeErrors;
  }
  return {
    accepted: docs.length - duplicates,
    duplicates,
    chatKeys: [...new Set(docs.map((doc) => doc.chatKey))],
  };
}

/** The number of duplicate-key refusals in a bulk insert error, or undefined if it failed otherwise. */
function duplicateKeyErrors(error: unknown): number | undefined {
  const err = error as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] };
  const writeErrors = err.writeErrors ?? (err.code === 11000 ? [{ code: 11000 }] : undefined);
  if (!writeErrors || writeErrors.length === 0) return undefined;
  const allDuplicates = writeErrors.every((w) => (w.code ?? w.err?.code) === 11000);
  return allDuplicates ? writeErrors.length : undefined;
}
