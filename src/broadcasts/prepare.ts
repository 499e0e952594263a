import { randomUUID } from 'node:crypto';
import { streamAudience } from './audience';
import type { Claim } from './claims';
import { messageLanguage } from './content';
import type { BroadcastContext } from './context';
import { type BroadcastDoc } from './models';
import type { Audience } from './schemas';
import { isDuplicateKey } from '../db/models';

export const chunkId = (broadcastId: string, index: number) =>
  `${broadcastId}:${String(index).padStart(6, '0')}`;

/**
 * Writes the audience as chunks of one language each, every one with its retry key, before anything
 * is sent. Users are read in id order, so a chunk of a language always follows the previous one of
 * that language: an interrupted preparation continues after each language's last stored recipient.
 */
export async function prepareChunks(
  ctx: BroadcastContext,
  broadcast: Pick<BroadcastDoc, '_id' | 'audience' | 'content'>,
  lease: Claim,
  /** Told each chunk as soon as it is stored, so sending can start before preparing ends. */
  onChunk: (id: string) => void = () => undefined,
): Promise<{ chunks: number; recipients: number }> {
  const { Chunk } = ctx.models;
  const languages = Object.keys(broadcast.content);
  const stored = await Chunk.find({ broadcastId: broadcast._id }, { index: 1, language: 1, lastRecipient: 1 })
    .sort({ index: 1 })
    .lean();
  const lastOf = new Map<string, string>();
  for (const chunk of stored) lastOf.set(chunk.language, chunk.lastRecipient);
  let nextIndex = (stored.at(-1)?.index ?? -1) + 1;
  const resumeAfter = languages.every((l) => lastOf.has(l))
    ? [...lastOf.values()].reduce((min, id) => (id < min ? id : min))
    : undefined;

  const buffers = new Map<string, string[]>(languages.map((l) => [l, []]));
  let renewedAt = Date.now();
  const flush = async (language: string) => {
    const recipients = buffers.get(language)!;
    if (recipients.length === 0) return;
    buffers.set(language, []);
    const index = nextIndex++;
    const id = chunkId(broadcast._id, index);
    // No chunk document yet, so nothing was sent from these ids: safe to overwrite after a crash.
    await ctx.models.ChunkRecipients.replaceOne({ _id: id }, { recipients }, { upsert: true });
    try {
      await Chunk.create({
        _id: id,
        broadcastId: broadcast._id,
        index,
        language,
        recipientCount: recipients.length,
        lastRecipient: recipients.at(-1)!,
        retryKey: randomUUID(),
        status: 'queued',
      });
    } catch (error) {
      // A runner that lost its lease wrote the same chunk: the first one stands.
      if (!isDuplicateKey(error)) throw error;
    }
    onChunk(id);
    // Often enough that no one takes the broadcast over, not a write per chunk.
    if (Date.now() - renewedAt > ctx.options.leaseMs / 4) {
      renewedAt = Date.now();
      await lease.renew();
    }
  };

  for await (const member of streamAudience(ctx.connection, broadcast.audience as Audience, resumeAfter)) {
    const language = messageLanguage(member.language, languages);
    const last = lastOf.get(language);
    if (last !== undefined && member.id <= last) continue;
    const buffer = buffers.get(language)!;
    buffer.push(member.id);
    if (buffer.length >= ctx.options.chunkSize) await flush(language);
  }
  for (const language of languages) await flush(language);

  const totals = await Chunk.aggregate<{ chunks: number; recipients: number }>([
    { $match: { broadcastId: broadcast._id } },
    { $group: { _id: null, chunks: { $sum: 1 }, recipients: { $sum: '$recipientCount' } } },
  ]);
  return { chunks: totals[0]?.chunks ?? 0, recipients: totals[0]?.recipients ?? 0 };
}
