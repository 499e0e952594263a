import path from 'node:path';
import express, { Router, type Response } from 'express';
import { SURVEY_FLOWS } from '../campaigns/schemas';
import { CASE_STATUSES, CATEGORIES, PRIORITY_LEVELS } from '../cases/case-schema';
import { TRANSITIONS } from '../cases/lifecycle';
import { TOLD_BY_DEFAULT } from '../cases/updates/policy';
import { loadAddressDirectory } from '../geo/address-directory';
import { loadResources } from '../i18n';
import { ROLES } from '../staff/permissions';
import { assetsBeside, contentSecurityPolicy, serveLeaflet } from '../http/static-page';

export const CONSOLE_LANGUAGES = ['th', 'en'] as const;

const ASSETS_DIR = assetsBeside(__dirname, 'assets');

// Only our own scripts; photos and voice arrive as blob: URLs fetched with the token; map tiles
// come from OpenStreetMap when the browser is online.
const CONSOLE_CSP = contentSecurityPolicy(
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https://tile.openstreetmap.org",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
);

/**
 * The staff console: one static page and its ES modules, Leaflet from node_modules, the console
 * strings per language and the fixed vocabulary (statuses, categories, the lifecycle). Everything
 * else the page does goes through the documented staff API with the signed-in member's token.
 */
export function consoleRouter(
  options: {
    /** NOTIFY_COALESCE_MINUTES: the status form says how long news waits for a free reply. */
    notifyCoalesceMinutes?: number;
  } = {},
): express.Router {
  const router = Router();
  const resources = loadResources();
  const strings = Object.fromEntries(
    CONSOLE_LANGUAGES.map((language) => [
      language,
      // The case vocabulary (statuses, categories...) is the one the bot uses, from the cases namespace.
      JSON.stringify({
        ...resources.th?.console,
        ...resources[language]?.console,
        vocab: { ...resources.th?.cases, ...resources[language]?.cases },
      }),
    ]),
  );
  const meta = {
    languages: CONSOLE_LANGUAGES,
    statuses: CASE_STATUSES,
    categories: CATEGORIES,
    priorities: PRIORITY_LEVELS,
    roles: ROLES,
    // The survey flows a campaign may use.
    surveyFlows: SURVEY_FLOWS,
    transitions: TRANSITIONS,
    // Which steps reach the reporter by default, and how long news waits for a free reply.
    toldByDefault: TOLD_BY_DEFAULT,
    notifyCoalesceMinutes: options.notifyCoalesceMinutes ?? 0,
    // The texts of the card a status change sends, so the page can preview it word for word.
    reporterTexts: Object.fromEntries(
      Object.entries(resources).map(([language, namespaces]) => [language, namespaces.notifications ?? {}]),
    ),
  };
  // Staff choose places by name; the API and the stored cases keep the DOPA codes.
  const placesMeta = () =>
    loadAddressDirectory().then((directory) =>
      JSON.stringify({
        ...meta,
        provinces: directory.provinces.map((province) => ({
          code: province.code,
          th: province.nameTh,
          en: province.nameEn,
          districts: province.districts.flatMap((district) =>
            district.code ? [{ code: district.code, th: district.nameTh, en: district.nameEn }] : [],
          ),
        })),
      }),
    );
  // Built on the first request, and again after a failure rather than failing for good.
  let metaWithPlaces: Promise<string> | undefined;
  const metaJson = () =>
    (metaWithPlaces ??= placesMeta().catch((error: unknown) => {
      metaWithPlaces = undefined;
      throw error;
    }));

  const secured = (res: Response) => res.set('content-security-policy', CONSOLE_CSP);

  router.get(['/console', '/console/'], (_req, res) => {
    secured(res).set('cache-control', 'no-store').sendFile(path.join(ASSETS_DIR, 'index.html'));
  });
  router.get('/console/strings/:language.json', (req, res) => {
    const json = strings[req.params.language];
    if (!json) {
      res
        .status(404)
        .json({ error: { code: 'not_found', message: 'No console strings for this language.' } });
      return;
    }
    res.set('cache-control', 'no-cache').type('json').send(json);
  });
  router.get('/console/meta.json', async (_req, res) => {
    res
      .set('cache-control', 'no-cache')
      .type('json')
      .send(await metaJson());
  });
  // A district's subdistricts, asked for when staff pick one (all of Thailand's would weigh down meta.json).
  // Only those with a DOPA code: the API takes codes.
  router.get('/console/places/:district.json', async (req, res) => {
    const code = req.params.district;
    const directory = await loadAddressDirectory();
    const district = /^\d{4}$/.test(code)
      ? directory.provinces.flatMap((p) => p.districts).find((d) => d.code === code)
      : undefined;
    if (!district) {
      res.status(404).json({ error: { code: 'not_found', message: 'No district with this code.' } });
      return;
    }
    res.set('cache-control', 'max-age=3600').json({
      subdistricts: district.subdistricts.flatMap((s) =>
        s.code ? [{ code: s.code, th: s.nameTh, en: s.nameEn }] : [],
      ),
    });
  });
  router.use('/console/assets', (_req, res, next) => {
    secured(res);
    next();
  });
  router.use('/console/assets', express.static(ASSETS_DIR, { index: false, maxAge: 0 }));
  serveLeaflet(router, '/console/vendor/leaflet');
  return router;
}
