import type { Connection } from 'mongoose';
import type { Case } from '../cases/case-schema';
import { caseModel } from '../cases/case-model';
import { readMedia } from '../media/media-store';
import { mediaModels } from '../media/models';
import { bangkokMonth } from './aggregates';
import type { PublicStory } from './page';
import { publicationConsentModel } from '../cases/publication-consent-model';

/**
 * The stories the public page shows: completed cases whose household said yes to publishing,
 * still not withdrawn nor erased, with at least one photo from the report (before) and one added
 * by staff (after). Read on every request, so a withdrawal or an erasure takes a story off at once.
 * A story names the kind of need, the province and the month; the public knows it by `storyId`.
 */
const MAX_STORIES = 12;

type StoryCase = Pick<
  Case,
  'reference' | 'reporter' | 'volunteer' | 'status' | 'category' | 'mediaIds' | 'timeline' | 'location'
> & { completedAt?: Date; erasedAt?: Date };

async function storedImages(connection: Connection, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await mediaModels(connection)
    .Media.find({ _id: { $in: ids }, status: 'stored', kind: 'image' }, { _id: 1 })
    .lean();
  return new Set(found.map((m) => m._id));
}

export async function publishedStories(connection: Connection): Promise<PublicStory[]> {
  const consents = await publicationConsentModel(connection)
    .find({ status: 'given' }, { _id: 1, storyId: 1, lineUserId: 1 })
    .lean();
  if (consents.length === 0) return [];
  const byReference = new Map(consents.map((c) => [c._id, c]));
  const cases = await caseModel(connection)
    .find({ reference: { $in: [...byReference.keys()] }, status: 'completed' })
    .lean<StoryCase[]>();
  const stories: (PublicStory & { completedAt: number })[] = [];
  for (const record of cases) {
    const consent = byReference.get(record.reference)!;
    // Erased, handed to someone else, or reported by a volunteer: not this household's yes.
    if (record.erasedAt || record.volunteer || record.reporter.lineUserId !== consent.lineUserId) continue;
    const afterIds = record.timeline
      .filter((entry) => entry.kind === 'media_added' && entry.actor === 'staff')
      .flatMap((entry) => entry.mediaIds ?? []);
    const images = await storedImages(connection, [...record.mediaIds, ...afterIds]);
    const before = record.mediaIds.filter((id) => images.has(id));
    const after = afterIds.filter((id) => images.has(id));
    if (before.length === 0 || after.length === 0) continue;
    const resolved = record.location.resolved;
    const completedAt = record.completedAt ?? new Date(0);
    stories.push({
      id: consent.storyId,
      category: record.category,
      provinceCode: resolved.provinceCode ?? null,
      provinceTh: resolved.province ?? null,
      provinceEn: resolved.provinceEn ?? null,
      month: bangkokMonth(completedAt),
      before,
      after,
      completedAt: completedAt.getTime(),
    });
  }
  return stories
    .sort((a, b) => b.completedAt - a.completedAt)
    .slice(0, MAX_STORIES)
    .map(({ completedAt: _completedAt, ...story }) => story);
}

/**
 * The n-th photo of a published story (its before photos first, then after), or undefined when
 * there is no such story (any more). The public never sees a media id: only the story and a number.
 */
export async function storyPhoto(
  connection: Connection,
  storyId: string,
  n: number,
): Promise<{ contentType: string; bytes: AsyncGenerator<Buffer> } | undefined> {
  const story = (await publishedStories(connection)).find((s) => s.id === storyId);
  const mediaId = story ? [...story.before, ...story.after][n] : undefined;
  if (!mediaId) return undefined;
  const media = await mediaModels(connection).Media.findById(mediaId, { contentType: 1 }).lean();
  if (!media?.contentType) return undefined;
  return { contentType: media.contentType, bytes: readMedia(mediaModels(connection), mediaId) };
}
