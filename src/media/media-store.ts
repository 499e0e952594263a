import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HTTPFetchError } from '@line/bot-sdk';
import type { LineApi } from '../line/line-api';
import type { MediaDoc, MediaModels } from './models';

export type MediaKind = 'image' | 'audio' | 'video' | 'file';

/** 1 MiB chunks: far below MongoDB's 16 MiB document limit, and few round trips. */
export const CHUNK_SIZE = 1024 * 1024;

/** What we accept, and how large: enough for phone photos, a few minutes of voice, a short video. */
export const MEDIA_LIMITS: Record<MediaKind, { maxBytes: number; types: RegExp }> = {
  image: { maxBytes: 10 * 1024 * 1024, types: /^image\/(jpeg|png|gif|webp|heic|heif)$/ },
  audio: { maxBytes: 20 * 1024 * 1024, types: /^audio\/(m4a|x-m4a|mp4|aac|mpeg|ogg|wav|webm)$/ },
  video: { maxBytes: 50 * 1024 * 1024, types: /^video\/(mp4|quicktime|3gpp|webm)$/ },
  file: { maxBytes: 20 * 1024 * 1024, types: /^(application\/pdf|image\/(jpeg|png|heic|heif))$/ },
};

export type CaptureResult = { mediaId: string; status: MediaDoc['status'] };

export type CaptureRequest = {
  lineMessageId: string;
  kind: MediaKind;
  chatKey: string;
  userId?: string;
  fileName?: string;
  imageSet?: { id: string; index: number; total: number };
  now: Date;
};

export function lineMediaId(lineMessageId: string): string {
  return `line-${lineMessageId}`;
}

/**
 * Downloads LINE content as soon as it arrives (LINE deletes it after a while) and stores it.
 * Idempotent per LINE message id; 202 (still preparing) leaves it pending for the retry job.
 */
export async function captureLineMedia(
  models: MediaModels,
  api: LineApi,
  request: CaptureRequest,
): Promise<CaptureResult> {
  const mediaId = lineMediaId(request.lineMessageId);
  await models.Media.updateOne(
    { _id: mediaId },
    {
      $setOnInsert: {
        source: 'line',
        lineMessageId: request.lineMessageId,
        chatKey: request.chatKey,
        userId: request.userId,
        kind: request.kind,
        fileName: request.fileName,
        imageSet: request.imageSet,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: request.now,
        createdAt: request.now,
      },
    },
    { upsert: true },
  );
  return downloadPending(models, api, mediaId, request.now);
}

/** One download attempt for a pending media item. */
export async function downloadPending(
  models: MediaModels,
  api: LineApi,
  mediaId: string,
  now: Date,
): Promise<CaptureResult> {
  const media = await models.Media.findById(mediaId).lean();
  if (!media) throw new Error(`no media ${mediaId}`);
  if (media.status !== 'pending' || !media.lineMessageId) return { mediaId, status: media.status };
  const attempts = media.attempts + 1;
  const retryLater = async (error: string): Promise<CaptureResult> => {
    const giveUp = attempts >= 8;
    await models.Media.updateOne(
      { _id: mediaId },
      {
        $set: {
          attempts,
          lastError: error,
          status: giveUp ? 'unavailable' : 'pending',
          nextAttemptAt: new Date(now.getTime() + 15_000 * 2 ** Math.min(attempts - 1, 6)),
        },
      },
    );
    return { mediaId, status: giveUp ? 'unavailable' : 'pending' };
  };

  let response: Awaited<ReturnType<LineApi['blob']['getMessageContentWithHttpInfo']>>;
  try {
    response = await api.call(({ blob }) => blob.getMessageContentWithHttpInfo(media.lineMessageId!));
  } catch (error) {
    if (error instanceof HTTPFetchError && (error.status === 404 || error.status === 410)) {
      // 404: no such message; 410: the user unsent it. Recorded, never retried.
      await models.Media.updateOne(
        { _id: mediaId },
        { $set: { attempts, status: 'unavailable', lastError: `LINE answered ${error.status}` } },
      );
      return { mediaId, status: 'unavailable' };
    }
    return retryLater(
      error instanceof HTTPFetchError ? `LINE answered ${error.status}` : String(error).slice(0, 200),
    );
  }
  if (response.httpResponse.status === 202) {
    response.body.destroy();
    return retryLater('LINE is still preparing the content (202)');
  }

  const contentType = (response.httpResponse.headers.get('content-type') ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const limits = MEDIA_LIMITS[media.kind];
  if (!limits.types.test(contentType)) {
    response.body.destroy();
    await models.Media.updateOne(
      { _id: mediaId },
      { $set: { attempts, status: 'unsupported', contentType } },
    );
    return { mediaId, status: 'unsupported' };
  }
  const stored = await storeStream(models, mediaId, response.body, limits.maxBytes);
  if (stored === 'too_large') {
    await models.Media.updateOne({ _id: mediaId }, { $set: { attempts, status: 'too_large', contentType } });
    return { mediaId, status: 'too_large' };
  }
  await models.Media.updateOne(
    { _id: mediaId },
    {
      $set: {
        attempts,
        status: 'stored',
        contentType,
        size: stored.size,
        sha256: stored.sha256,
        chunkCount: stored.chunkCount,
        storedAt: now,
      },
    },
  );
  return { mediaId, status: 'stored' };
}

/** Stores bytes from any source (LINE content, a staff upload) as numbered chunks. */
export async function storeStream(
  models: MediaModels,
  mediaId: string,
  stream: Readable | AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<{ size: number; sha256: string; chunkCount: number } | 'too_large'> {
  const hash = createHash('sha256');
  let size = 0;
  let n = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (final: boolean) => {
    while (pendingBytes >= CHUNK_SIZE || (final && pendingBytes > 0)) {
      const all = Buffer.concat(pending);
      const data = all.subarray(0, CHUNK_SIZE);
      const rest = all.subarray(data.length);
      // Upsert: a retried download overwrites a partial earlier attempt.
      await models.MediaChunk.replaceOne(
        { _id: `${mediaId}:${n}` },
        { _id: `${mediaId}:${n}`, mediaId, n, data },
        { upsert: true },
      );
      n++;
      pending = rest.length > 0 ? [Buffer.from(rest)] : [];
      pendingBytes = rest.length;
    }
  };
  for await (const part of stream) {
    const buffer = Buffer.from(part);
    size += buffer.length;
    if (size > maxBytes) {
      if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
      await models.MediaChunk.deleteMany({ mediaId });
      return 'too_large';
    }
    hash.update(buffer);
    pending.push(buffer);
    pendingBytes += buffer.length;
    await flush(false);
  }
  await flush(true);
  // Chunks from an earlier, longer attempt would corrupt the file.
  await models.MediaChunk.deleteMany({ mediaId, n: { $gte: n } });
  return { size, sha256: hash.digest('hex'), chunkCount: n };
}

/** The bytes of stored media, chunk by chunk, for the authenticated staff endpoint. */
export async function* readMedia(models: MediaModels, mediaId: string): AsyncGenerator<Buffer> {
  const media = await models.Media.findById(mediaId, { chunkCount: 1 }).lean();
  for (let n = 0; n < (media?.chunkCount ?? 0); n++) {
    const chunk = await models.MediaChunk.findById(`${mediaId}:${n}`).lean();
    if (!chunk) throw new Error(`media ${mediaId} is missing chunk ${n}`);
    yield Buffer.from(chunk.data.buffer ?? chunk.data);
  }
}

/** Really deletes: metadata and every byte (unsend, PDPA erasure). */
export async function deleteMedia(models: MediaModels, mediaId: string): Promise<void> {
  await models.MediaChunk.deleteMany({ mediaId });
  await models.Media.deleteOne({ _id: mediaId });
}

/** For the scheduled job: downloads whose earlier attempt got a 202, a timeout or a 5xx. */
export async function retryPendingMedia(
  models: MediaModels,
  api: LineApi,
  now: Date,
  limit = 20,
): Promise<number> {
  const due = await models.Media.find(
    { status: 'pending', nextAttemptAt: { $lte: now } },
    { _id: 1 },
    { limit, sort: { nextAttemptAt: 1 }, lean: true },
  );
  let stored = 0;
  for (const { _id } of due) {
    if ((await downloadPending(models, api, _id, now)).status === 'stored') stored++;
  }
  return stored;
}
