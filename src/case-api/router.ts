import express, { Router, type Request, type Response } from 'express';
import i18next, { type i18n } from 'i18next';
import type { Connection, QueryFilter } from 'mongoose';
import { z } from 'zod';
import type { Case } from '../cases/case-schema';
import { caseModels } from '../cases/create-case';
import type { ErrorSink } from '../errors';
import { caseFeedbackModel } from '../feedback/model';
import { PublicError } from '../errors';
import type { ApiRegistry } from '../http/openapi';
import { loadResources } from '../i18n';
import { ingestionModels } from '../ingestion/models';
import type { Sender } from '../line/sender';
import type { Logger } from '../logger';
import { readMedia } from '../media/media-store';
import { mediaModels } from '../media/models';
import { apiRoute } from '../staff/api-route';
import { staffContext } from '../staff/context';
import { staffOf } from '../staff/middleware';
import { can, caseScope } from '../staff/permissions';
import { createCaseService, type Actor } from './case-service';
import { dashboardFigures } from './dashboard';
import {
  EXPORT_PROJECTION,
  headerLabels,
  writeCsv,
  writeGeoJson,
  writeXlsx,
  type ExportRow,
} from './exports';
import { CASE_SORT, caseFilter, cursorFilter, encodeCursor } from './filters';
import { caseApiModels } from './models';
import { createNotifier } from './notifications';
import { createUpdateDelivery, type UpdateDelivery } from '../reporter-updates/delivery';
import { updateModels } from '../reporter-updates/store';
import {
  caseDetailView,
  caseItemView,
  type CaseFilterQuery,
  dashboardQuery,
  dismissBody,
  exportQuery,
  listCasesQuery,
  mediaParams,
  mergeBody,
  noteBody,
  pageView,
  patchCaseBody,
  referenceParams,
} from './schemas';
import { caseMediaIds, PERSONAL_FIELDS, viewCaseItem, viewTimeline } from './views';

export type CaseApiDeps = {
  connection: Connection;
  sender: Sender;
  logger: Logger;
  reportError: ErrorSink;
  /** Shared with the staff routers, so /api/openapi.json lists every route. */
  api: ApiRegistry;
  /** The app's i18next instance; one is made from locales/ when absent. */
  i18n?: i18n;
  clock?: () => Date;
  /**
   * How long a reporter's status news waits for them to write (a free reply) or for more news
   * before one push (NOTIFY_COALESCE_MINUTES); 0 or absent: delivered at once.
   */
  coalesceMs?: number;
};

export const CASE_AUDIT = {
  update: 'case.update',
  note: 'case.note',
  photo: 'case.photo',
  merge: 'case.merge',
  dismissDuplicate: 'case.duplicate_dismiss',
  export: 'case.export',
} as const;

function defaultI18n(): i18n {
  const resources = loadResources();
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: 'th',
    fallbackLng: 'th',
    supportedLngs: Object.keys(resources),
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}

const actorOf = (req: Request): Actor => {
  const staff = staffOf(req);
  return { id: staff.id, scope: caseScope(staff) };
};
const seesPersonal = (req: Request) => can(staffOf(req).role, 'cases.readPersonal');

/** Registers the case models this router reads; call before `database.ensureIndexes()`. */
export function registerCaseApiModels(connection: Connection): void {
  caseModels(connection);
  caseApiModels(connection);
  mediaModels(connection);
  ingestionModels(connection);
  caseFeedbackModel(connection);
  updateModels(connection);
}

function caseApiServices(deps: CaseApiDeps) {
  const clock = deps.clock ?? (() => new Date());
  const i18n = deps.i18n ?? defaultI18n();
  const updates = createUpdateDelivery({
    connection: deps.connection,
    ingestion: ingestionModels(deps.connection),
    sender: deps.sender,
    i18n,
    clock,
    coalesceMs: deps.coalesceMs ?? 0,
  });
  const notifier = createNotifier({
    models: caseApiModels(deps.connection),
    ingestion: ingestionModels(deps.connection),
    sender: deps.sender,
    i18n,
    clock,
    updates,
  });
  const service = createCaseService({
    connection: deps.connection,
    notifier,
    reportError: deps.reportError,
    clock,
  });
  return { clock, service, i18n, updates };
}

/** For the scheduler (every minute or so): sends notifications a crash interrupted; idempotent. */
export function caseNotificationSweep(deps: CaseApiDeps): () => Promise<number> {
  const { service } = caseApiServices(deps);
  return () => service.resendPending();
}

/** For the scheduler (every minute): pushes the status news whose coalescing window has ended. */
export function reporterUpdatesJob(deps: CaseApiDeps): UpdateDelivery {
  return caseApiServices(deps).updates;
}

/**
 * The staff case API: cases, notes, photos, media, duplicates, dashboard and exports. Mount it in
 * createApp's `routers` (it parses its own JSON).
 */
export function caseApiRouter(deps: CaseApiDeps): Router {
  const { clock, service, i18n } = caseApiServices(deps);
  const context = staffContext({ connection: deps.connection, logger: deps.logger, api: deps.api, clock });
  const { audit } = context;
  const { cases } = caseModels(deps.connection);
  const media = mediaModels(deps.connection);
  const ingestion = ingestionModels(deps.connection);
  const feedback = caseFeedbackModel(deps.connection);

  const router = Router();
  for (const prefix of ['/api/cases', '/api/duplicates'])
    router.use(prefix, express.json({ limit: '100kb' }));

  const scopedFilter = (req: Request, query: CaseFilterQuery): QueryFilter<Case> => {
    if (query.lineUserId && !seesPersonal(req))
      throw new PublicError(403, 'forbidden', 'Filtering by LINE user needs access to personal data.');
    return caseFilter(query, caseScope(staffOf(req)), { personal: seesPersonal(req) });
  };

  // Storage order, not sorted: on FerretDB 1.24 a sort costs the export about 40% of its speed.
  const exportRows = (filter: QueryFilter<Case>) =>
    // The driver's cursor: the filter is already typed, and mongoose's per-document work is not needed.
    // Batches of 500: with 2,000 the rows of a batch outlived V8's young generation and the export's
    // peak memory growth was 80–134 MB across runs (15–88 MB at 500, for about 10 % of the speed).
    cases.collection.find<ExportRow>(filter as Record<string, unknown>, {
      projection: EXPORT_PROJECTION,
      batchSize: 500,
    });

  async function exportAudit(req: Request, format: string, personal: boolean, rows: number) {
    await audit.recordRequest(
      req,
      CASE_AUDIT.export,
      { type: 'cases', id: 'export' },
      { format, personal, rows },
    );
  }

  const exportFormats = [
    { ext: 'csv', type: 'text/csv; charset=utf-8', write: writeCsv },
    {
      ext: 'xlsx',
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      write: writeXlsx,
    },
    { ext: 'geojson', type: 'application/geo+json', write: writeGeoJson },
  ] as const;

  for (const format of exportFormats)
    apiRoute(
      router,
      context,
      {
        method: 'get',
        path: `/api/cases/export.${format.ext}`,
        summary: `Export the filtered cases as ${format.ext.toUpperCase()}, streamed${format.ext === 'geojson' ? ' (cases with a point; rounded to 0.01° without personal-data access)' : ' (UTF-8 with BOM for CSV; ISO and Buddhist-Era dates; personal columns only with personal-data access)'}`,
        tags: ['cases', 'exports'],
        access: 'cases.export',
        schemas: { query: exportQuery },
        responses: {
          200: { description: 'The file', contentType: format.type.split(';')[0], schema: z.string() },
        },
      },
      async (req, res, { query }) => {
        const personal = seesPersonal(req);
        const filter = scopedFilter(req, query);
        // Audited before the first byte: no personal data leaves without its entry.
        if (personal)
          await audit.personalDataRead(req, { type: 'cases', id: `export.${format.ext}` }, PERSONAL_FIELDS);
        res.setHeader('Content-Type', format.type);
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="needline-cases-${clock().toISOString().slice(0, 10)}.${format.ext}"`,
        );
        res.setHeader('Cache-Control', 'no-store');
        const rows = await format.write(res, exportRows(filter), {
          personal,
          hxl: query.hxl === '1',
          header: headerLabels(i18n.t, query.lang),
        });
        res.end();
        await exportAudit(req, format.ext, personal, rows).catch((error) =>
          deps.reportError(error, { what: 'export audit' }),
        );
      },
    );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/cases',
      summary: 'List cases, newest first, with filters; personal data masked for viewers',
      tags: ['cases'],
      access: 'cases.read',
      schemas: { query: listCasesQuery },
      responses: {
        200: { description: 'A page; pass nextCursor as cursor for the next one', schema: pageView },
      },
    },
    async (req, res, { query }) => {
      const personal = seesPersonal(req);
      const filter = scopedFilter(req, query);
      const after = query.cursor ? cursorFilter(query.cursor) : null;
      if (query.cursor && !after)
        throw new PublicError(400, 'invalid_request', 'The request is not valid.', {
          problems: [{ in: 'query', path: 'cursor', message: 'is not a cursor from a previous page' }],
        });
      const docs = await cases
        .find(after ? { $and: [filter, after] } : filter, { _id: 0, timeline: 0, keywords: 0 })
        .sort(CASE_SORT)
        .limit(query.limit + 1)
        .lean<Case[]>();
      const page = docs.slice(0, query.limit);
      if (personal && page.length > 0)
        await audit.personalDataRead(req, { type: 'cases', id: 'list' }, [
          ...PERSONAL_FIELDS,
          ...page.map((c) => c.reference),
        ]);
      const last = page.at(-1);
      res.json({
        items: page.map((c) => viewCaseItem(c, !personal)),
        nextCursor: docs.length > query.limit && last ? encodeCursor(last) : null,
      });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/cases/:reference',
      summary: 'One case: full record, timeline, media links and the messages exchanged',
      tags: ['cases'],
      access: 'cases.read',
      schemas: { params: referenceParams },
      responses: {
        200: { description: 'The case', schema: caseDetailView },
        404: { description: 'No such case in your scope' },
      },
    },
    async (req, res, { params }) => {
      const personal = seesPersonal(req);
      const record = await service.load(params.reference, actorOf(req).scope);
      if (personal)
        await audit.personalDataRead(req, { type: 'case', id: record.reference }, PERSONAL_FIELDS);
      const mediaIds = personal ? caseMediaIds(record) : [];
      const mediaDocs = await media.Media.find({ _id: { $in: mediaIds } }, { kind: 1 }).lean();
      const kinds = new Map(mediaDocs.map((m) => [m._id, m.kind]));
      res.json({
        ...viewCaseItem(record, !personal),
        language: record.language,
        household: {
          size: record.household.size,
          vulnerable: record.household.vulnerable,
          tenure: record.household.tenure,
        },
        priorityFactors: record.priority.factors.map((f) => ({ key: f.key, points: f.points })),
        declineReason: record.declineReason ?? null,
        duplicateOf: record.duplicateOf ?? null,
        possibleDuplicateOf: record.possibleDuplicateOf.map((f) => ({
          reference: f.reference,
          reasons: f.reasons,
        })),
        timeline: viewTimeline(record, !personal),
        media: mediaIds.map((id) => ({
          id,
          url: `/api/media/${encodeURIComponent(id)}`,
          kind: kinds.get(id) ?? null,
        })),
        messages: personal ? await messagesOf(record) : [],
        // An erased case shows no comment even if its feedback predates the erasure of feedback.
        feedback: await feedbackOf(record.reference, personal && !record.erasedAt),
      });
    },
  );

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
    const reporters = [
      record.reporter.lineUserId,
      ...(record.volunteer ? [record.volunteer.lineUserId] : []),
    ];
    const inbound = await ingestion.InboundEvent.find(
      { userId: { $in: reporters }, type: 'message', receivedAt: { $gte: record.createdAt } },
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

  apiRoute(
    router,
    context,
    {
      method: 'patch',
      path: '/api/cases/:reference',
      summary:
        'Change status (lifecycle), priority, assignee or visit date; the reporter hears about status changes once, in their language',
      tags: ['cases'],
      access: 'cases.update',
      schemas: { params: referenceParams, body: patchCaseBody },
      responses: {
        200: { description: 'The updated case', schema: caseItemView },
        404: { description: 'No such case in your scope' },
        409: { description: 'Illegal move from the current status, or a concurrent change' },
        422: { description: 'The move lacks what it needs: reason, duplicateOf or visitDate' },
      },
    },
    async (req, res, { params, body }) => {
      if (body.assigneeId !== undefined && !can(staffOf(req).role, 'cases.assign'))
        throw new PublicError(403, 'forbidden', 'Your role does not allow assigning cases.', {
          role: staffOf(req).role,
        });
      const { record, change, fields } = await service.update(params.reference, body, actorOf(req));
      if (fields.length > 0)
        await audit.recordRequest(
          req,
          CASE_AUDIT.update,
          { type: 'case', id: record.reference },
          {
            fields,
            ...(change ? { from: change.from, to: change.to, change: change._id } : {}),
          },
        );
      res.json(viewCaseItem(record, false));
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/cases/:reference/notes',
      summary: 'Add a note: internal, or sent to the reporter on LINE',
      tags: ['cases'],
      access: 'cases.notes',
      schemas: { params: referenceParams, body: noteBody },
      responses: {
        201: { description: 'Added', schema: z.object({ reference: z.string(), notes: z.number() }) },
      },
    },
    async (req, res, { params, body }) => {
      const record = await service.addNote(params.reference, body, actorOf(req));
      await audit.recordRequest(
        req,
        CASE_AUDIT.note,
        { type: 'case', id: record.reference },
        { visibility: body.visibility },
      );
      res.status(201).json({
        reference: record.reference,
        notes: record.timeline.filter((e) => e.kind === 'note').length,
      });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/cases/:reference/photos',
      summary:
        'Attach an after-repair photo: the raw image as the body, Content-Type image/jpeg, png, gif, webp or heic (max 10 MiB)',
      tags: ['cases'],
      access: 'cases.update',
      schemas: { params: referenceParams },
      responses: {
        201: {
          description: 'Stored',
          schema: z.object({ mediaId: z.string(), url: z.string(), size: z.number() }),
        },
        413: { description: 'Too large' },
        415: { description: 'Not an image type we keep' },
      },
    },
    async (req, res, { params }) => {
      const stored = await service.addPhoto(
        params.reference,
        { body: req, contentType: req.get('content-type') ?? '' },
        actorOf(req),
      );
      await audit.recordRequest(
        req,
        CASE_AUDIT.photo,
        { type: 'case', id: params.reference },
        { mediaId: stored.mediaId },
      );
      res.status(201).json({ ...stored, url: `/api/media/${stored.mediaId}` });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/media/:id',
      summary: 'The bytes of a photo or voice message',
      tags: ['media'],
      access: 'media.read',
      schemas: { params: mediaParams },
      responses: {
        200: { description: 'The media bytes', contentType: 'application/octet-stream', schema: z.string() },
        404: { description: 'No such media in your scope' },
      },
    },
    async (req, res, { params }) => {
      const doc = await media.Media.findById(params.id).lean();
      const missing = () =>
        new PublicError(404, 'media_not_found', 'No such media, or not one of your cases.');
      if (!doc || doc.status !== 'stored') throw missing();
      const scope = actorOf(req).scope;
      if (!scope.all) {
        const owner = await cases.exists({
          $and: [
            {
              $or: [
                { mediaIds: params.id },
                { 'description.voiceMediaId': params.id },
                ...(doc.caseReference ? [{ reference: doc.caseReference }] : []),
              ],
            },
            caseFilter({}, scope),
          ],
        } as QueryFilter<Case>);
        if (!owner) throw missing();
      }
      await audit.personalDataRead(req, { type: 'media', id: params.id }, ['media']);
      res.setHeader('Content-Type', doc.contentType ?? 'application/octet-stream');
      res.setHeader('Content-Length', String(doc.size ?? 0));
      res.setHeader('Cache-Control', 'private, no-store');
      await streamOut(res, readMedia(media, params.id));
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/duplicates',
      summary: 'Pairs of cases flagged as possibly the same household',
      tags: ['duplicates'],
      access: 'cases.read',
      responses: {
        200: {
          description: 'Flagged pairs, newest flag first',
          schema: z.object({
            items: z.array(
              z.object({
                reference: z.string(),
                status: z.string(),
                of: z.string(),
                ofStatus: z.string().nullable(),
                reasons: z.array(z.string()),
                distanceMeters: z.number().nullable(),
                flaggedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req, res) => {
      const flagged = await cases
        .find(
          {
            $and: [
              { 'possibleDuplicateOf.reference': { $exists: true } },
              caseFilter({}, actorOf(req).scope),
            ],
          } as QueryFilter<Case>,
          {
            _id: 0,
            reference: 1,
            status: 1,
            possibleDuplicateOf: 1,
          },
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
      const items = flagged
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
      res.json({ items });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/duplicates/merge',
      summary: 'Merge case `from` into `into`: photos, notes and reporters kept; both reporters told',
      tags: ['duplicates'],
      access: 'cases.merge',
      schemas: { body: mergeBody },
      responses: {
        200: { description: 'The surviving case', schema: caseItemView },
        409: { description: 'Either case cannot take part' },
      },
    },
    async (req, res, { body }) => {
      const merged = await service.merge(body.from, body.into, actorOf(req));
      await audit.recordRequest(req, CASE_AUDIT.merge, { type: 'case', id: body.into }, { from: body.from });
      res.json(viewCaseItem(merged, false));
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/duplicates/dismiss',
      summary: 'Dismiss the flag between two cases: they are different households',
      tags: ['duplicates'],
      access: 'cases.update',
      schemas: { body: dismissBody },
      responses: { 204: { description: 'Dismissed' }, 404: { description: 'No such flag' } },
    },
    async (req, res, { body }) => {
      await service.dismiss(body.reference, body.of, actorOf(req));
      await audit.recordRequest(
        req,
        CASE_AUDIT.dismissDuplicate,
        { type: 'case', id: body.reference },
        { of: body.of },
      );
      res.status(204).end();
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/dashboard',
      summary:
        'Cases by status, category, province and priority; new per week; median days to first action and to completion',
      tags: ['dashboard'],
      access: 'dashboard.read',
      schemas: { query: dashboardQuery },
      responses: {
        200: { description: 'The figures, within your scope', schema: z.record(z.string(), z.unknown()) },
      },
    },
    async (req, res, { query }) => {
      res.json(await dashboardFigures(cases, caseFilter({}, actorOf(req).scope), clock(), query.weeks));
    },
  );

  return router;
}

async function streamOut(res: Response, chunks: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of chunks) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
