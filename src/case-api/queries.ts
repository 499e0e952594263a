import type { Connection, QueryFilter } from 'mongoose';
import { caseModels } from '../cases/create-case';
import type { Case } from '../cases/case-schema';
import { scopeFilter } from '../cases/case-scope';
import type { CaseScope } from '../staff/permissions';
import { caseFeedbackModel } from '../feedback/model';
import { ingestionModels } from '../ingestion/models';
import { mediaModels } from '../media/models';
import { EXPORT_PROJECTION, type ExportRow } from './exports';
import { CASE_SORT } from './filters';

/**
 * Whose inbound messages are about a case. The household's own person (the reporter, or the family member
 * who claimed a surveyed household's case): all they wrote since it was opened. A volunteer speaks for
 * many households, one after the other: only the messages whose processing made or changed this case.
 */
function inboundAbout(record: Case) {
  const volunteer = record.volunteer?.lineUserId;
  return [
    ...(record.reporter.lineUserId !== volunteer
      ? [{ userId: record.reporter.lineUserId, receivedAt: { $gte: record.createdAt } }]
      : []),
    ...(volunteer ? [{ userId: volunteer, caseReference: record.reference }] : []),
  ];
}

/** What the staff case API reads, apart from the case service's own loads and writes. */
export function caseQueries(connection: Connection) {
  const { cases } = caseModels(connection);
  const media = mediaModels(connection);
  const ingestion = ingestionModels(connection);
  const feedback = caseFeedbackModel(connection);

  // Storage order, not sorted: on FerretDB 1.24 a sort costs the export about 40% of its speed.
  const exportRows = (filter: QueryFilter<Case>) =>
    // The driver's cursor: the filter is already typed, and mongoose's per-document work is not needed.
    // Batches of 500: with 2,000 the rows of a batch outlived V8's young generation and the export's
    // peak memory growth was 80–134 MB across runs (15–88 MB at 500, for about 10 % of the speed).
    cases.collection.find<ExportRow>(filter as Record<string, unknown>, {
      projection: EXPORT_PROJECTION,
      batchSize: 500,
    });

  /** One page of the list, newest first, with one more to tell whether a next page exists. */
  const listPage = (filter: QueryFilter<Case>, limit: number) =>
    cases
      .find(filter, { _id: 0, timeline: 0, keywords: 0 })
      .sort(CASE_SORT)
      .limit(limit + 1)
      .lean<Case[]>();

  async function mediaKinds(ids: string[]): Promise<Map<string, string>> {
    const docs = await media.Media.find({ _id: { $in: ids } }, { kind: 1 }).lean();
    return new Map(docs.map((m) => [m._id, m.kind]));
  }

  /** The reporters' ratings, comments (personal: free text) and "not solved" requests. */
  async function feedbackOf(reference: string, personal: boolean) {
    const items = await feedback
      .find({ reference }, { rating: 1, comment: 1, reopenRequestedAt: 1, at: 1 })
      .sort({ at: 1 })
      .lean();
    return items.map((item) => ({
      rating: item.rating ?? null,
      comment: personal ? (item.comment ?? null) : null,
      reopenRequestedAt: item.reopenRequestedAt?.toISOString() ?? null,
      at: item.at.toISOString(),
    }));
  }

  /** What we sent about the case, and what its reporters wrote to us since it was opened. */
  async function messagesOf(record: Case) {
    const outbound = await ingestion.OutboundMessage.find(
      // A coalesced status update speaks of several cases: it shows on each.
      { $or: [{ caseReference: record.reference }, { caseReferences: record.reference }] },
      { to: 1, purpose: 1, status: 1, messages: 1, createdAt: 1 },
    )
      .sort({ createdAt: 1 })
      .limit(200)
      .lean();
    const inbound = await ingestion.InboundEvent.find(
      { type: 'message', $or: inboundAbout(record) },
      { payload: 1, receivedAt: 1 },
    )
      .sort({ receivedAt: 1 })
      .limit(200)
      .lean();
    const outText = (messages: unknown[]) =>
      messages
        .map((m) => m as { type?: string; text?: string; altText?: string })
        .map((m) => m.text ?? m.altText ?? `[${m.type ?? 'message'}]`)
        .join('\n');
    const inText = (payload: string) => {
      try {
        const message = (JSON.parse(payload) as { message?: { type?: string; text?: string } }).message;
        return message?.type === 'text' ? (message.text ?? null) : `[${message?.type ?? 'message'}]`;
      } catch {
        return null;
      }
    };
    return [
      ...outbound.map((m) => ({
        direction: 'out' as const,
        at: m.createdAt.toISOString(),
        to: m.to,
        purpose: m.purpose,
        status: m.status,
        text: outText(m.messages),
      })),
      ...inbound.map((e) => ({
        direction: 'in' as const,
        at: e.receivedAt.toISOString(),
        text: inText(e.payload),
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Whether a stored photo or voice note belongs to a case the scope reaches. */
  async function mediaInScope(id: string, caseReference: string | undefined | null, scope: CaseScope) {
    if (scope.all) return true;
    const owner = await cases.exists({
      $and: [
        {
          $or: [
            { mediaIds: id },
            { 'description.voiceMediaId': id },
            ...(caseReference ? [{ reference: caseReference }] : []),
          ],
        },
        scopeFilter(scope),
      ],
    } as QueryFilter<Case>);
    return Boolean(owner);
  }

  /** Pairs flagged as possibly the same household within the scope, newest flag first. */
  async function flaggedDuplicates(scope: CaseScope) {
    const flagged = await cases
      .find(
        {
          $and: [{ 'possibleDuplicateOf.reference': { $exists: true } }, scopeFilter(scope)],
        } as QueryFilter<Case>,
        { _id: 0, reference: 1, status: 1, possibleDuplicateOf: 1 },
      )
      .sort({ createdAt: -1 })
      .limit(500)
      .lean<Pick<Case, 'reference' | 'status' | 'possibleDuplicateOf'>[]>();
    const others = await cases
      .find(
        { reference: { $in: flagged.flatMap((c) => c.possibleDuplicateOf.map((f) => f.reference)) } },
        { _id: 0, reference: 1, status: 1 },
      )
      .lean<Pick<Case, 'reference' | 'status'>[]>();
    const statusOf = new Map(others.map((c) => [c.reference, c.status]));
    return flagged
      .flatMap((c) =>
        c.possibleDuplicateOf.map((flag) => ({
          reference: c.reference,
          status: c.status,
          of: flag.reference,
          ofStatus: statusOf.get(flag.reference) ?? null,
          reasons: flag.reasons,
          distanceMeters: flag.distanceMeters ?? null,
          flaggedAt: flag.flaggedAt.toISOString(),
        })),
      )
      .sort((a, b) => b.flaggedAt.localeCompare(a.flaggedAt));
  }

  return {
    cases,
    media,
    exportRows,
    listPage,
    mediaKinds,
    feedbackOf,
    messagesOf,
    mediaInScope,
    flaggedDuplicates,
  };
}

export type CaseQueries = ReturnType<typeof caseQueries>;
