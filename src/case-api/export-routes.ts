import type { Request, Router } from 'express';
import type { i18n } from 'i18next';
import { z } from 'zod';
import type { ErrorSink } from '../errors';
import { apiRoute } from '../staff/api-route';
import type { StaffContext } from '../staff/context';
import { scopedFilter, seesPersonal } from './access';
import { headerLabels, writeCsv, writeGeoJson, writeXlsx } from './exports';
import type { CaseQueries } from './queries';
import { exportQuery } from './schemas';
import { PERSONAL_FIELDS } from './views';

export const EXPORT_AUDIT = 'case.export';

/** GET /api/cases/export.{csv,xlsx,geojson}: the filtered cases, streamed, audited before the first byte. */
export function exportRoutes(
  router: Router,
  context: StaffContext,
  deps: { queries: CaseQueries; i18n: i18n; clock: () => Date; reportError: ErrorSink },
): void {
  const { audit } = context;
  const { queries, i18n, clock } = deps;
  const exportRows = queries.exportRows;

  async function exportAudit(req: Request, format: string, personal: boolean, rows: number) {
    await audit.recordRequest(req, EXPORT_AUDIT, { type: 'cases', id: 'export' }, { format, personal, rows });
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
}
