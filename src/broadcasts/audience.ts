import type { Connection } from 'mongoose';
import { caseModel } from '../cases/case-model';
import { OPEN_STATUSES } from '../cases/status';
import { lineModels } from '../line/models';
import { messageLanguage } from './content';
import type { Audience } from './schemas';

export type AudienceMember = { id: string; language: string | null };

const LOOKUP_BATCH = 500;

/** The cases whose people an audience reaches, and whose LINE id identifies them; null for everyone. */
export function caseSelection(
  audience: Audience,
): { match: Record<string, unknown>; userIdField: string } | null {
  if (audience.type === 'all') return null;
  const match: Record<string, unknown> = {};
  if (audience.provinceCode) match['location.resolved.provinceCode'] = audience.provinceCode;
  if (audience.districtCode) match['location.resolved.districtCode'] = audience.districtCode;
  switch (audience.type) {
    case 'volunteers':
      match.reportedBy = 'volunteer';
      match['volunteer.lineUserId'] = { $exists: true };
      return { match, userIdField: 'volunteer.lineUserId' };
    case 'open_cases':
      match.status = { $in: OPEN_STATUSES };
      break;
    case 'cases':
      if (audience.statuses) match.status = { $in: audience.statuses };
      if (audience.categories) match.category = { $in: audience.categories };
      break;
    case 'area':
      break;
  }
  return { match, userIdField: 'reporter.lineUserId' };
}

/**
 * The audience in LINE user id order, each once, never anyone who unfollowed; streamed with
 * cursors so memory does not grow with its size. `after` resumes past an id.
 */
export async function* streamAudience(
  connection: Connection,
  audience: Audience,
  after?: string,
): AsyncGenerator<AudienceMember> {
  const { LineUser } = lineModels(connection);
  const selection = caseSelection(audience);
  if (!selection) {
    const cursor = LineUser.find(
      { followed: { $ne: false }, ...(after ? { _id: { $gt: after } } : {}) },
      { language: 1 },
    )
      .sort({ _id: 1 })
      .lean()
      .cursor({ batchSize: 1000 });
    for await (const user of cursor) yield { id: user._id, language: user.language ?? null };
    return;
  }
  // $group is the one way to get distinct ids as a cursor on FerretDB (no $lookup).
  const ids = caseModel(connection)
    .aggregate<{ _id: string }>([
      { $match: selection.match },
      { $group: { _id: `$${selection.userIdField}`, cases: { $sum: 1 } } },
      ...(after ? [{ $match: { _id: { $gt: after } } }] : []),
      { $sort: { _id: 1 } },
    ])
    .cursor({ batchSize: LOOKUP_BATCH });
  let batch: string[] = [];
  for await (const row of ids) {
    if (typeof row._id !== 'string' || row._id === '') continue;
    batch.push(row._id);
    if (batch.length === LOOKUP_BATCH) {
      yield* known(connection, batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield* known(connection, batch);
}

/** Users we have no record of have not unfollowed: they get the Thai text. */
async function* known(connection: Connection, ids: string[]): AsyncGenerator<AudienceMember> {
  const users = await lineModels(connection)
    .LineUser.find({ _id: { $in: ids } }, { followed: 1, language: 1 })
    .lean();
  const byId = new Map(users.map((user) => [user._id, user]));
  for (const id of ids) {
    const user = byId.get(id);
    if (user?.followed === false) continue;
    yield { id, language: user?.language ?? null };
  }
}

export type AudienceCount = { total: number; byLanguage: Record<string, number> };

/** How many receive which language's message. */
export async function countAudience(
  connection: Connection,
  audience: Audience,
  languages: readonly string[],
): Promise<AudienceCount> {
  const byLanguage: Record<string, number> = Object.fromEntries(languages.map((l) => [l, 0]));
  let total = 0;
  if (audience.type === 'all') {
    // One grouped query instead of reading every user.
    const rows = await lineModels(connection).LineUser.aggregate<{ _id: string | null; users: number }>([
      { $match: { followed: { $ne: false } } },
      { $group: { _id: '$language', users: { $sum: 1 } } },
    ]);
    for (const row of rows) {
      const language = messageLanguage(row._id, languages);
      byLanguage[language] = (byLanguage[language] ?? 0) + row.users;
      total += row.users;
    }
    return { total, byLanguage };
  }
  for await (const member of streamAudience(connection, audience)) {
    const language = messageLanguage(member.language, languages);
    byLanguage[language] = (byLanguage[language] ?? 0) + 1;
    total += 1;
  }
  return { total, byLanguage };
}
