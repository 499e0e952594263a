import { assetsBeside, contentSecurityPolicy } from '../http/static-page';
import express, { Router, type Request, type Response } from 'express';
import type { i18n } from 'i18next';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { loadAddressDirectory } from '../geo/address-directory';
import { DISTRICT_CENTRE_CREDIT } from '../geo/district-centres';
import type { ApiRegistry } from '../http/openapi';
import { publicFigures, type PlaceName } from './aggregates';
import { readPublicRows } from './case-rows';
import { publicCentres } from './map-centres';
import { openDataCsv, openDataJson } from './open-data';
import {
  PUBLIC_LANGUAGES,
  renderPublicPage,
  renderWidget,
  type PublicLanguage,
  type PublicStory,
} from './page';
import { publicFiguresSchema, type PublicFigures } from './schemas';
import { publishedStories, storyPhoto } from './stories';

export type PublicRouterDeps = {
  connection: Connection;
  i18n: i18n;
  api: ApiRegistry;
  /** Households under which a figure is hidden. */
  threshold: number;
  addFriendUrl?: string;
  qrUrl?: string;
  sandbox: boolean;
  defaultLanguage?: string;
  now?: () => Date;
};

/** Figures change once a month; ten minutes of caching spares the database from every visitor. */
export const PUBLIC_MAX_AGE_SECONDS = 600;

const ASSETS_DIR = assetsBeside(__dirname, 'assets', 'public.css');

const languageQuery = z.object({ lang: z.enum(PUBLIC_LANGUAGES).optional() });

/** No script at all; images from here and, when configured, the LINE QR code's host. */
function pageCsp(qrUrl: string | undefined, frameAncestors: string) {
  return contentSecurityPolicy(
    "default-src 'none'",
    "style-src 'self'",
    // The bar widths are the only inline styles.
    "style-src-attr 'unsafe-inline'",
    `img-src 'self' data:${qrUrl ? ` ${new URL(qrUrl).origin}` : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  );
}

async function placeNames(): Promise<PlaceName> {
  const directory = await loadAddressDirectory();
  const names = new Map<string, { th: string; en: string }>();
  for (const province of directory.provinces) {
    names.set(province.code, { th: province.nameTh, en: province.nameEn });
    for (const district of province.districts) {
      if (district.code) names.set(district.code, { th: district.nameTh, en: district.nameEn });
    }
  }
  return (code) => names.get(code);
}

/**
 * The public face: the needs page, its JSON, the widget and open data. Nothing here needs a login
 * and nothing here carries personal data: only the protected aggregates of src/public/aggregates.ts
 * and, with their separate consent, the stories' photos.
 */
export function publicRouter(deps: PublicRouterDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  let names: Promise<PlaceName> | undefined;
  const placeName = () =>
    (names ??= placeNames().catch((error: unknown) => {
      names = undefined;
      throw error;
    }));

  const figures = async (): Promise<PublicFigures> => {
    const at = now();
    const [rows, name] = await Promise.all([readPublicRows(deps.connection, at), placeName()]);
    return publicFigures(rows, { now: at, threshold: deps.threshold, placeName: name });
  };
  const hasDemoData = async () =>
    (await deps.connection.collection('cases').findOne({ demo: true }, { projection: { _id: 1 } })) !== null;

  const language = (req: Request): PublicLanguage => {
    const parsed = languageQuery.safeParse(req.query);
    const fallback = PUBLIC_LANGUAGES.find((l) => l === deps.defaultLanguage) ?? 'th';
    return (parsed.success ? parsed.data.lang : undefined) ?? fallback;
  };
  const cached = (res: Response) => res.set('cache-control', `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`);
  const shared = (res: Response) =>
    cached(res).set('access-control-allow-origin', '*').set('cross-origin-resource-policy', 'cross-origin');
  const origin = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const context = async (req: Request, stories: PublicStory[] = []) => {
    const lang = language(req);
    const [data, demo] = await Promise.all([figures(), hasDemoData()]);
    return {
      language: lang,
      t: deps.i18n.getFixedT(lang, 'public'),
      vocabulary: deps.i18n.getFixedT(lang, 'cases'),
      figures: data,
      stories,
      addFriendUrl: deps.addFriendUrl,
      qrUrl: deps.qrUrl,
      sandbox: deps.sandbox,
      demo,
    };
  };

  deps.api.add({
    method: 'get',
    path: '/public/api/figures',
    summary:
      'Public figures: needs reported, completed, families helped and people reached by province, district, kind of need and month, up to the end of the last whole month. Any figure resting on fewer households than `threshold` is hidden, with a few more so none can be worked out. No login; cached.',
    tags: ['public'],
    roles: 'public',
    responses: { 200: { description: 'The figures', schema: publicFiguresSchema } },
  });
  router.get('/public/api/figures', async (_req, res) => {
    shared(res).json(await figures());
  });

  router.get(['/public', '/public/'], async (req, res) => {
    const page = renderPublicPage(await context(req, await publishedStories(deps.connection)), origin(req));
    // Revalidated on every visit (an unchanged page is a 304): a withdrawn or erased story goes at once.
    res
      .set('cache-control', 'no-cache')
      .set('content-security-policy', pageCsp(deps.qrUrl, "'none'"))
      .type('html')
      .send(page);
  });

  const photoParams = z.object({
    storyId: z.string().regex(/^[\w-]{8,40}$/),
    n: z.coerce.number().int().min(0).max(99),
  });
  router.get('/public/stories/:storyId/photos/:n', async (req, res) => {
    const params = photoParams.safeParse(req.params);
    const photo = params.success
      ? await storyPhoto(deps.connection, params.data.storyId, params.data.n)
      : undefined;
    if (!photo) {
      res
        .status(404)
        .set('cache-control', 'no-store')
        .json({ error: { code: 'not_found', message: 'No such photo.' } });
      return;
    }
    // Never kept by a cache: the photo must go the moment the household withdraws.
    res.set('cache-control', 'no-store').type(photo.contentType);
    for await (const chunk of photo.bytes) res.write(chunk);
    res.end();
  });

  // The widget is meant to sit in partners' pages: any site may frame it.
  router.get('/public/widget', async (req, res) => {
    const page = renderWidget(await context(req));
    res.removeHeader('x-frame-options');
    shared(res).set('content-security-policy', pageCsp(undefined, '*')).type('html').send(page);
  });

  deps.api.add({
    method: 'get',
    path: '/public/data/figures.csv',
    summary: `Open data: the public figures as one table (country, provinces, districts, kinds of need, months), with an HXL hashtag row, DOPA codes and the points of the public map (#geo+lat, #geo+lon: a shown district's seat town from ${DISTRICT_CENTRE_CREDIT}, a province's centre; never a home). Hidden figures are empty, with the reason in the last column. Header in the language asked (th, en, hmn).`,
    tags: ['public'],
    roles: 'public',
    schemas: { query: languageQuery },
    responses: { 200: { description: 'CSV, UTF-8 with BOM', contentType: 'text/csv' } },
  });
  router.get('/public/data/figures.csv', async (req, res) => {
    const t = deps.i18n.getFixedT(language(req), 'public');
    shared(res)
      .type('text/csv; charset=utf-8')
      .set('content-disposition', 'attachment; filename="needline-figures.csv"')
      .send(openDataCsv(await figures(), (key) => t(`data.columns.${key}`), publicCentres()));
  });

  deps.api.add({
    method: 'get',
    path: '/public/data/figures.json',
    summary:
      "Open data: the same table as the CSV in HXL's JSON objects form (one object per row, keyed by hashtag).",
    tags: ['public'],
    roles: 'public',
    responses: { 200: { description: 'HXL JSON objects' } },
  });
  router.get('/public/data/figures.json', async (_req, res) => {
    shared(res)
      .set('content-disposition', 'attachment; filename="needline-figures.json"')
      .json(openDataJson(await figures(), publicCentres()));
  });

  router.use(
    '/public/assets',
    express.static(ASSETS_DIR, {
      index: false,
      maxAge: PUBLIC_MAX_AGE_SECONDS * 1000,
      setHeaders: (res) => res.set('cross-origin-resource-policy', 'cross-origin'),
    }),
  );
  return router;
}
