import { caseServices, type CaseServiceDeps } from '../cases/case-services';
import { scopeFilter } from '../cases/case-scope';
import { actorOf, scopedFilter, seesPersonal } from './access';
import { EXPORT_AUDIT, exportRoutes } from './export-routes';
import { caseQueries } from './queries';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { PublicError } from '../errors';
import type { ApiRegistry } from '../http/openapi';
import type { Logger } from '../logger';
import { readMedia } from '../media/media-store';
import { apiRoute } from '../staff/api-route';
import { staffContext } from '../staff/context';
import { staffOf } from '../staff/middleware';
import { can } from '../staff/permissions';
import { dashboardFigures } from './dashboard';
import { cursorFilter, encodeCursor } from './filters';
import {
  caseDetailView,
  caseItemView,
  dashboardQuery,
  dismissBody,
  listCasesQuery,
  mediaParams,
  mergeBody,
  noteBody,
  pageView,
  patchCaseBody,
  referenceParams,
} from './schemas';
import { caseMediaIds, PERSONAL_FIELDS, viewCaseItem, viewTimeline } from './views';

export type CaseApiDeps = CaseServiceDeps & {
  logger: Logger;
  /** Shared with the staff routers, so /api/openapi.json lists every route. */
  api: ApiRegistry;
};

export const CASE_AUDIT = {
  update: 'case.update',
  note: 'case.note',
  photo: 'case.photo',
  merge: 'case.merge',
  dismissDuplicate: 'case.duplicate_dismiss',
  export: EXPORT_AUDIT,
} as const;

/**
 * The staff case API: cases, notes, photos, media, duplicates, dashboard and exports. Mount it in
 * createApp's `routers` (it parses its own JSON).
 */
export function caseApiRouter(deps: CaseApiDeps): Router {
  const { clock, service, i18n } = caseServices(deps);
  const context = staffContext({ connection: deps.connection, logger: deps.logger, api: deps.api, clock });
  const { audit } = context;
  const queries = caseQueries(deps.connection);
  const { media } = queries;

  const router = Router();
  for (const prefix of ['/api/cases', '/api/duplicates'])
    router.use(prefix, express.json({ limit: '100kb' }));

  exportRoutes(router, context, { queries, i18n, clock, reportError: deps.reportError });

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
      const docs = await queries.listPage(after ? { $and: [filter, after] } : filter, query.limit);
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
      const kinds = await queries.mediaKinds(mediaIds);
      res.json({
        ...viewCaseItem(record, !personal),
        language: record.language,
        household: {
          size: record.household.size ?? null,
          vulnerable: record.household.vulnerable,
          tenure: record.household.tenure ?? null,
        },
        priorityFactors: record.priority.factors.map((f) => ({ key: f.key, points: f.points })),
        priorityMissing: record.priority.missing ?? [],
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
        messages: personal ? await queries.messagesOf(record) : [],
        // An erased case shows no comment even if its feedback predates the erasure of feedback.
        feedback: await queries.feedbackOf(record.reference, personal && !record.erasedAt),
      });
    },
  );

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
      if (!(await queries.mediaInScope(params.id, doc.caseReference, actorOf(req).scope))) throw missing();
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
      const items = await queries.flaggedDuplicates(actorOf(req).scope);
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
      res.json(await dashboardFigures(queries.cases, scopeFilter(actorOf(req).scope), clock(), query.weeks));
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
