import { postbackData } from '../conversation/postback';
import type { messagingApi } from '@line/bot-sdk';
import type { TFunction } from 'i18next';
import { clip } from '../conversation/render';
import { formatDate, formatThaiPhone } from '../conversation/text';
import type { AreaCase } from './area-cases';

const NS = 'volunteers';
const GREEN = '#0B5D2E';
const TEAL = '#005F66';
const GREY = '#555555';

const line = (text: string, extra: Partial<messagingApi.FlexText> = {}): messagingApi.FlexText => ({
  type: 'text',
  text: clip(text, 2000),
  wrap: true,
  ...extra,
});

/** "Tambon, Amphoe, Province" in the reader's language (Thai names for Thai, English otherwise). */
export function placeText(place: AreaCase['place'], language: string): string {
  const thai = language === 'th';
  const parts = thai
    ? [place.subdistrict, place.district, place.province]
    : [
        place.subdistrictEn ?? place.subdistrict,
        place.districtEn ?? place.district,
        place.provinceEn ?? place.province,
      ];
  return parts.filter(Boolean).join(', ') || '-';
}

/** One case as a bubble: reference, category, status, place; the household only when assigned. */
export function caseBubble(
  t: TFunction,
  language: string,
  item: AreaCase,
  badge?: string,
): messagingApi.FlexBubble {
  const o = { lng: language, ns: NS };
  const body: messagingApi.FlexComponent[] = [
    line(badge ?? t(item.assigned ? 'area.assigned' : 'area.in_area', o), {
      size: 'xs',
      weight: 'bold',
      color: item.assigned ? GREEN : TEAL,
    }),
    line(item.reference, { weight: 'bold', size: 'lg' }),
    line(t(`cases:category.${item.category}`, { lng: language })),
    line(t('area.status', { ...o, status: t(`cases:status.${item.status}`, { lng: language }) }), {
      size: 'sm',
      color: GREEN,
    }),
    line(t('area.place', { ...o, place: placeText(item.place, language) }), { size: 'sm' }),
    line(t('area.reported', { ...o, date: formatDate(item.createdAt.toISOString(), language) }), {
      size: 'xs',
      color: GREY,
    }),
  ];
  const footer: messagingApi.FlexComponent[] = [];
  if (item.visit) {
    if (item.visit.headName)
      body.push(line(t('area.household', { ...o, name: item.visit.headName }), { margin: 'md' }));
    if (item.visit.phone) {
      body.push(line(t('area.phone', { ...o, phone: formatThaiPhone(item.visit.phone) })));
      footer.push({
        type: 'button',
        style: 'primary',
        color: GREEN,
        height: 'sm',
        action: {
          type: 'uri',
          label: clip(formatThaiPhone(item.visit.phone), 40),
          uri: `tel:${item.visit.phone}`,
        },
      });
    }
    if (item.visit.lat !== undefined && item.visit.lng !== undefined) {
      footer.push({
        type: 'button',
        style: 'secondary',
        height: 'sm',
        action: {
          type: 'uri',
          label: clip(t('area.map', o), 40),
          uri: `https://www.google.com/maps/search/?api=1&query=${item.visit.lat},${item.visit.lng}`,
        },
      });
    }
  }
  return {
    type: 'bubble',
    size: 'kilo',
    body: { type: 'box', layout: 'vertical', spacing: 'sm', contents: body },
    ...(footer.length > 0
      ? { footer: { type: 'box', layout: 'vertical', spacing: 'sm', contents: footer } }
      : {}),
  };
}

/** "Cases in my area": a carousel, or a sentence when there is nothing (or the user is no volunteer). */
export function areaCasesMessage(
  t: TFunction,
  language: string,
  cases: AreaCase[] | null,
): messagingApi.Message {
  const o = { lng: language, ns: NS };
  if (cases === null) return { type: 'text', text: t('area.not_volunteer', o) };
  if (cases.length === 0) return { type: 'text', text: t('area.none', o) };
  return {
    type: 'flex',
    altText: clip(t('area.alt', o), 400),
    contents: { type: 'carousel', contents: cases.map((item) => caseBubble(t, language, item)) },
  };
}

/** A card with a title, a sentence, the case, and the way to "cases in my area". */
export function caseNoticeCard(
  t: TFunction,
  language: string,
  item: AreaCase,
  kind: 'assigned' | 'offer',
): messagingApi.FlexMessage {
  const o = { lng: language, ns: NS, reference: item.reference };
  const bubble = caseBubble(t, language, item, t(`notify.${kind}_title`, o));
  const contents = [...(bubble.body?.contents ?? [])];
  contents.splice(2, 0, line(t(`notify.${kind}_text`, o), { size: 'sm', color: GREY }));
  const button: messagingApi.FlexComponent = {
    type: 'button',
    style: 'link',
    height: 'sm',
    action: {
      type: 'postback',
      label: clip(t('notify.open_area', o), 40),
      data: postbackData.flow('area-cases'),
      displayText: clip(t('notify.open_area', o), 300),
    },
  };
  return {
    type: 'flex',
    altText: clip(t(`notify.${kind}_alt`, o), 400),
    contents: {
      ...bubble,
      body: { type: 'box', layout: 'vertical', spacing: 'sm', contents },
      footer: {
        type: 'box',
        layout: 'vertical',
        spacing: 'sm',
        contents: [...(bubble.footer?.contents ?? []), button],
      },
    },
  };
}
