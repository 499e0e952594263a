import type { TFunction } from 'i18next';
import { escapeHtml } from './html';
import { renderMap, renderProvinceMap, type MapWords } from './page-map';
import type { Figure, ProvinceFigures, PublicFigures } from './schemas';

/**
 * The public page and the widget, rendered on the server as plain HTML: no script, one small
 * stylesheet and an inline SVG map, so it opens fast on a phone over a slow link and reads the same
 * in any browser. Every word comes from locales/<language>/public.json.
 */

export const PUBLIC_LANGUAGES = ['th', 'en', 'hmn'] as const;
export type PublicLanguage = (typeof PUBLIC_LANGUAGES)[number];

export type PublicStory = {
  id: string;
  category: string;
  provinceCode: string | null;
  provinceTh: string | null;
  provinceEn: string | null;
  /** YYYY-MM, Bangkok. */
  month: string;
  before: string[];
  after: string[];
};

export type PageContext = {
  language: PublicLanguage;
  t: TFunction;
  /** The case vocabulary (category names) in the same language. */
  vocabulary: TFunction;
  figures: PublicFigures;
  stories: PublicStory[];
  addFriendUrl?: string;
  qrUrl?: string;
  /** Sandbox mode: the "how to report" block points at the sandbox chat. */
  sandbox: boolean;
  /** The database holds generated demo data. */
  demo: boolean;
};

/** Intl has no Hmong data: Hmong pages format numbers and dates as Thai does (th-TH), digits only. */
const intlLocale = (language: PublicLanguage) => (language === 'en' ? 'en-GB' : 'th-TH');

function formatters(language: PublicLanguage) {
  const locale = intlLocale(language);
  const number = new Intl.NumberFormat(locale);
  const day = new Intl.DateTimeFormat(
    locale,
    language === 'hmn' ? { dateStyle: 'short', timeZone: 'UTC' } : { dateStyle: 'long', timeZone: 'UTC' },
  );
  const month = new Intl.DateTimeFormat(
    locale,
    language === 'hmn'
      ? { year: 'numeric', month: 'numeric', timeZone: 'UTC' }
      : { year: 'numeric', month: 'short', timeZone: 'UTC' },
  );
  return {
    number: (n: number) => number.format(n),
    day: (iso: string) => day.format(new Date(`${iso}T00:00:00Z`)),
    month: (yyyyMm: string) => month.format(new Date(`${yyyyMm}-01T00:00:00Z`)),
  };
}

type Render = ReturnType<typeof renderer>;

function renderer(context: PageContext) {
  const { t, figures, language } = context;
  const format = formatters(language);
  const threshold = figures.threshold;
  const figure = (f: Figure) =>
    f.value !== null
      ? escapeHtml(format.number(f.value))
      : f.hidden === 'small'
        ? `<span class="small">${escapeHtml(t('fewerThan', { threshold }))}</span>`
        : `<abbr class="hidden" title="${escapeHtml(t('hiddenTitle'))}">${escapeHtml(t('hidden'))}</abbr>`;
  const remainder = (n: number | null) => (n === null ? '–' : escapeHtml(format.number(n)));
  const name = (place: { nameTh: string | null; nameEn: string | null }, unknownKey: string) => {
    const text = language === 'th' ? (place.nameTh ?? place.nameEn) : (place.nameEn ?? place.nameTh);
    return escapeHtml(text ?? t(unknownKey));
  };
  return { t, figures, format, figure, remainder, name, threshold, context };
}

const text = (r: Render, key: string, options?: Record<string, unknown>) => escapeHtml(r.t(key, options));

function keyFigures(r: Render): string {
  const totals = r.figures.totals;
  const days = (value: number | null) =>
    value === null
      ? `<span class="small">${text(r, 'figures.notEnough')}</span>`
      : text(r, 'figures.days', { count: value, count_formatted: r.format.number(value) });
  const cards: [string, string][] = [
    ['needs', r.figure(totals.needs)],
    ['familiesHelped', r.figure(totals.familiesHelped)],
    ['homesRepaired', r.figure(totals.homesRepaired)],
    ['homesBuilt', r.figure(totals.homesBuilt)],
    ['peopleReached', r.figure(totals.peopleReached)],
    ['daysToFirstVisit', days(totals.medians.daysToFirstVisit)],
    ['daysToCompletion', days(totals.medians.daysToCompletion)],
  ];
  return `<section aria-labelledby="figures-title"><h2 id="figures-title">${text(r, 'figures.title')}</h2>
<dl class="cards">${cards
    .map(
      ([key, value]) =>
        `<div class="card" data-figure="${key}"><dt>${text(r, `figures.${key}`)}</dt><dd>${value}</dd></div>`,
    )
    .join('')}</dl></section>`;
}

function mapWords(r: Render): MapWords {
  return {
    figures: r.figures,
    threshold: r.threshold,
    text: (key, options) => text(r, key, options),
    number: r.format.number,
    name: r.name,
    figureText: (f) => stripTags(r.figure(f)),
  };
}

const stripTags = (html: string) => html.replace(/<[^>]*>/g, '');

function areaRow(
  r: Render,
  label: string,
  f: Pick<ProvinceFigures, 'needs' | 'completed' | 'familiesHelped' | 'peopleReached'>,
  attributes = '',
) {
  return `<tr${attributes}><th scope="row">${label}</th><td>${r.figure(f.needs)}</td><td>${r.figure(f.completed)}</td><td>${r.figure(f.familiesHelped)}</td><td>${r.figure(f.peopleReached)}</td></tr>`;
}

function remainderRow(r: Render, label: string, rest: PublicFigures['otherProvinces']) {
  if (!rest.needs) return '';
  return `<tr class="rest"><th scope="row">${label}</th><td>${r.remainder(rest.needs)}</td><td>${r.remainder(rest.completed)}</td><td>${r.remainder(rest.familiesHelped)}</td><td>${r.remainder(rest.peopleReached)}</td></tr>`;
}

function tableHead(r: Render, first: string) {
  return `<thead><tr><th scope="col">${first}</th><th scope="col">${text(r, 'figures.needs')}</th><th scope="col">${text(r, 'figures.completed')}</th><th scope="col">${text(r, 'figures.familiesHelped')}</th><th scope="col">${text(r, 'figures.peopleReached')}</th></tr></thead>`;
}

function bars(r: Render, rows: { label: string; figure: Figure }[]) {
  const max = Math.max(1, ...rows.map((row) => row.figure.value ?? 0));
  return `<ul class="bars">${rows
    .map(
      (row) =>
        `<li><span class="label">${row.label}</span><span class="bar"><span style="width:${Math.round(((row.figure.value ?? 0) / max) * 100)}%"></span></span><span class="value">${r.figure(row.figure)}</span></li>`,
    )
    .join('')}</ul>`;
}

function monthLabel(r: Render, month: string) {
  return month === 'earlier' ? text(r, 'months.earlier') : escapeHtml(r.format.month(month));
}

function areas(r: Render): string {
  const provinces = r.figures.provinces
    .map((p) => {
      const row = areaRow(r, r.name(p, 'areas.unknownProvince'), p, ` data-province="${p.code ?? ''}"`);
      if (p.districts.length === 0) return row;
      const details = `<tr class="details"><td colspan="5"><details><summary>${text(r, 'areas.details')}</summary>
<table class="figures">${tableHead(r, text(r, 'areas.district'))}<tbody>${p.districts
        .map((d) => areaRow(r, r.name(d, 'areas.unknownDistrict'), d, ` data-district="${d.code ?? ''}"`))
        .join('')}${remainderRow(r, text(r, 'areas.otherDistricts'), p.otherDistricts)}</tbody></table>
${p.code ? renderProvinceMap(mapWords(r), p.code, text(r, 'map.provinceMap', { province: (r.context.language === 'th' ? p.nameTh : p.nameEn) ?? p.code })) : ''}
<h4>${text(r, 'categories.title')}</h4>${bars(
        r,
        p.categories
          .filter((c) => c.needs.value !== 0)
          .map((c) => ({
            label: escapeHtml(r.context.vocabulary(`category.${c.category}`)),
            figure: c.needs,
          })),
      )}
<h4>${text(r, 'months.title')}</h4>${bars(
        r,
        p.months.map((m) => ({ label: monthLabel(r, m.month), figure: m.needs })),
      )}</details></td></tr>`;
      return row + details;
    })
    .join('');
  return `<section aria-labelledby="areas-title"><h2 id="areas-title">${text(r, 'areas.title')}</h2>
<div class="scroll"><table class="figures">${tableHead(r, text(r, 'areas.province'))}<tbody>${provinces}${remainderRow(
    r,
    text(r, 'areas.otherProvinces'),
    r.figures.otherProvinces,
  )}</tbody></table></div></section>`;
}

function categories(r: Render): string {
  return `<section aria-labelledby="categories-title"><h2 id="categories-title">${text(r, 'categories.title')}</h2>${bars(
    r,
    r.figures.categories.map((c) => ({
      label: escapeHtml(r.context.vocabulary(`category.${c.category}`)),
      figure: c.needs,
    })),
  )}</section>`;
}

function months(r: Render): string {
  if (r.figures.months.length === 0) return '';
  const max = Math.max(1, ...r.figures.months.map((m) => m.needs.value ?? 0));
  const rows = r.figures.months
    .map(
      (m) =>
        `<tr><th scope="row">${monthLabel(r, m.month)}</th><td class="barcell"><span class="bar"><span style="width:${Math.round(((m.needs.value ?? 0) / max) * 100)}%"></span></span>${r.figure(m.needs)}</td><td>${r.figure(m.completed)}</td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="months-title"><h2 id="months-title">${text(r, 'months.title')}</h2>
<div class="scroll"><table class="figures months"><thead><tr><th scope="col">${text(r, 'months.month')}</th><th scope="col">${text(r, 'figures.needs')}</th><th scope="col">${text(r, 'figures.completed')}</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function stories(r: Render): string {
  if (r.context.stories.length === 0) return '';
  const items = r.context.stories
    .map((story) => {
      const province =
        r.context.language === 'th'
          ? (story.provinceTh ?? story.provinceEn)
          : (story.provinceEn ?? story.provinceTh);
      // Photos by their number in the story (before ones first): the public never sees a media id.
      const photos = (count: number, first: number, key: string) =>
        Array.from({ length: Math.min(2, count) }, (_, i) => first + i)
          .map(
            (n) =>
              `<figure><img src="/public/stories/${encodeURIComponent(story.id)}/photos/${n}" alt="${text(r, key)}" loading="lazy" width="320" height="240"><figcaption>${text(r, key)}</figcaption></figure>`,
          )
          .join('');
      return `<article class="story" data-story="${escapeHtml(story.id)}"><div class="photos">${photos(story.before.length, 0, 'stories.before')}${photos(story.after.length, story.before.length, 'stories.after')}</div>
<p>${text(r, 'stories.story', { category: r.context.vocabulary(`category.${story.category}`), province: province ?? '', month: r.format.month(story.month) })}</p></article>`;
    })
    .join('');
  return `<section aria-labelledby="stories-title"><h2 id="stories-title">${text(r, 'stories.title')}</h2><p class="note">${text(r, 'stories.intro')}</p><div class="stories">${items}</div></section>`;
}

function howToReport(r: Render): string {
  const { addFriendUrl, qrUrl, sandbox } = r.context;
  const link = sandbox ? '/sandbox' : addFriendUrl;
  return `<section aria-labelledby="report-title" class="report"><h2 id="report-title">${text(r, 'report.title')}</h2>
<ol><li>${text(r, 'report.step1')}</li><li>${text(r, 'report.step2')}</li><li>${text(r, 'report.step3')}</li></ol>
${link ? `<p><a class="line-button" href="${escapeHtml(link)}" rel="noopener">${text(r, 'report.addFriend')}</a></p>` : ''}
${sandbox ? `<p class="note">${text(r, 'report.sandbox')}</p>` : ''}
${qrUrl && !sandbox ? `<figure class="qr"><img src="${escapeHtml(qrUrl)}" alt="${text(r, 'report.qr')}" width="180" height="180"><figcaption>${text(r, 'report.qr')}</figcaption></figure>` : ''}</section>`;
}

function openData(r: Render, origin: string): string {
  const lang = r.context.language;
  const embed = `<iframe src="${origin}/public/widget?lang=${lang}" title="NeedLine" width="340" height="300" style="border:0"></iframe>`;
  return `<section aria-labelledby="data-title"><h2 id="data-title">${text(r, 'data.title')}</h2><p>${text(r, 'data.intro')}</p>
<ul class="downloads"><li><a href="/public/data/figures.csv?lang=${lang}" download>${text(r, 'data.csv')}</a></li><li><a href="/public/data/figures.json" download>${text(r, 'data.json')}</a></li><li><a href="/api/openapi.json">${text(r, 'data.api')}</a></li></ul>
<h3>${text(r, 'data.widget')}</h3><p>${text(r, 'data.widgetCode')}</p><pre class="embed"><code>${escapeHtml(embed)}</code></pre></section>`;
}

function languageLinks(r: Render, path: string) {
  const names: Record<PublicLanguage, string> = { th: 'ไทย', en: 'English', hmn: 'Hmoob' };
  return `<nav class="languages" aria-label="${text(r, 'languages')}">${PUBLIC_LANGUAGES.map((language) =>
    language === r.context.language
      ? `<strong lang="${language}">${names[language]}</strong>`
      : `<a href="${path}?lang=${language}" lang="${language}" hreflang="${language}">${names[language]}</a>`,
  ).join(' · ')}</nav>`;
}

function documentShell(r: Render, title: string, body: string, bodyClass: string) {
  return `<!doctype html>
<html lang="${r.context.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><meta name="description" content="${text(r, 'intro')}"><link rel="stylesheet" href="/public/assets/public.css"></head>
<body class="${bodyClass}">${body}</body></html>`;
}

export function renderPublicPage(context: PageContext, origin: string): string {
  const r = renderer(context);
  const empty = context.figures.totals.needs.value === 0;
  const body = `<header><p class="brand">${text(r, 'brand')}</p>${languageLinks(r, '/public')}
<h1>${text(r, 'title')}</h1><p class="partners">${text(r, 'partners')}</p><p>${text(r, 'intro')}</p></header>
<main>${context.demo ? `<p class="demo" data-testid="demo-banner">${text(r, 'demo')}</p>` : ''}
<p class="note" data-testid="as-of">${text(r, 'asOf', { date: r.format.day(context.figures.asOf) })}</p>
<p class="note privacy" data-testid="privacy">${text(r, 'privacy', { threshold: r.threshold })}</p>
${empty ? `<p class="empty">${text(r, 'empty')}</p>` : `${keyFigures(r)}${renderMap(mapWords(r))}${areas(r)}${categories(r)}${months(r)}`}
${stories(r)}${howToReport(r)}${openData(r, origin)}</main>`;
  return documentShell(r, `${text(r, 'brand')} · ${text(r, 'title')}`, body, 'public');
}

export function renderWidget(context: PageContext): string {
  const r = renderer(context);
  const totals = context.figures.totals;
  const items: [string, Figure][] = [
    ['needs', totals.needs],
    ['familiesHelped', totals.familiesHelped],
    ['homesRepaired', totals.homesRepaired],
    ['peopleReached', totals.peopleReached],
  ];
  const body = `<h1>${text(r, 'widget.title')}</h1>${context.demo ? `<p class="demo">${text(r, 'demo')}</p>` : ''}
<dl class="cards">${items.map(([key, f]) => `<div class="card" data-figure="${key}"><dt>${text(r, `figures.${key}`)}</dt><dd>${r.figure(f)}</dd></div>`).join('')}</dl>
<p class="note">${text(r, 'asOf', { date: r.format.day(context.figures.asOf) })}</p>
<p><a href="/public?lang=${context.language}" target="_blank" rel="noopener">${text(r, 'widget.more')}</a></p>`;
  return documentShell(r, text(r, 'widget.title'), body, 'widget');
}
