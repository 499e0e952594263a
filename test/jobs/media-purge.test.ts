import type { Database } from '../../src/db/connection';
import { handoffModel } from '../../src/handoffs/model';
import { ingestionModels } from '../../src/ingestion/models';
import { mediaModels } from '../../src/media/models';
import { purgeUnusedMedia } from '../../src/privacy/media-purge';
import { addCase, lineUserId } from '../case-api/helpers';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';

const HOUR = 3600_000;

describe('the media purge', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('mediapurge');
  });
  afterAll(() => dropTestDatabase(database));

  async function photo(id: string, userId: string, createdAt: Date) {
    const { Media, MediaChunk } = mediaModels(database.connection);
    await Media.create({
      _id: id,
      source: 'line',
      lineMessageId: id.slice(5),
      chatKey: `user:${userId}`,
      userId,
      kind: 'image',
      status: 'stored',
      contentType: 'image/jpeg',
      size: 3,
      chunkCount: 1,
      createdAt,
    });
    await MediaChunk.create({ _id: `${id}:0`, mediaId: id, n: 0, data: Buffer.from('abc') });
  }

  it('removes files that no case, no report in progress and no open hand-off refers to, after the grace period', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 7 * HOUR);
    const [loose, inCase, oldCase, inDraft, inHandoff, fresh] = [
      'loose',
      'case',
      'oldcase',
      'draft',
      'handoff',
      'fresh',
    ].map((name) => `line-${name}${Date.now()}`) as [string, string, string, string, string, string];
    const [person, reporter, drafter, talker] = [lineUserId(), lineUserId(), lineUserId(), lineUserId()];
    await photo(loose, person, old);
    await photo(fresh, person, new Date(now.getTime() - HOUR));
    // A case made now marks its files; one made by an earlier version did not.
    await photo(inCase, reporter, old);
    await photo(oldCase, reporter, old);
    await addCase(database, { reporter: { lineUserId: reporter }, mediaIds: [inCase] });
    await addCase(database, { reporter: { lineUserId: reporter }, mediaIds: [oldCase] });
    await mediaModels(database.connection).Media.updateOne(
      { _id: oldCase },
      { $unset: { caseReference: '' } },
    );
    await photo(inDraft, drafter, old);
    await ingestionModels(database.connection).Chat.create({
      _id: `user:${drafter}`,
      state: { run: { draft: { photos: [inDraft] } } },
    });
    await photo(inHandoff, talker, old);
    await handoffModel(database.connection).create({ _id: talker, status: 'open', since: old });

    const result = await purgeUnusedMedia(database.connection, {
      olderThan: new Date(now.getTime() - 6 * HOUR),
    });
    expect(result.removed).toBe(1);
    const { Media, MediaChunk } = mediaModels(database.connection);
    const left = (await Media.find({}, { _id: 1 }).lean()).map((m) => m._id).sort();
    expect(left).toEqual([inCase, oldCase, inDraft, inHandoff, fresh].sort());
    expect(await MediaChunk.countDocuments({ mediaId: loose })).toBe(0);
    // The earlier version's case file is now marked: the next run does not look at it again.
    expect((await Media.findById(oldCase).lean())?.caseReference).toMatch(/^NL-/);
  });

  it('removes at once the loose files of one person (consent withdrawn), and only theirs', async () => {
    const now = new Date();
    const [withdrawn, other] = [lineUserId(), lineUserId()];
    await photo(`line-w${Date.now()}`, withdrawn, new Date(now.getTime() - 60_000));
    await photo(`line-o${Date.now()}`, other, new Date(now.getTime() - 60_000));
    const result = await purgeUnusedMedia(database.connection, { olderThan: now, userId: withdrawn });
    expect(result).toEqual({ removed: 1, kept: 0 });
    expect(await mediaModels(database.connection).Media.countDocuments({ userId: other })).toBe(1);
  });
});
