import { postbackData } from '../conversation/postback';
import type { messagingApi } from '@line/bot-sdk';
import type { TFunction } from 'i18next';
import type { CaseStatus } from './case-schema';
import { clip } from '../conversation/render';
import { formatDate } from '../conversation/text';

const NS = 'notifications';

/** What a card announces: a lifecycle change, or another report merged into the reader's case. */
export type CardSubject =
  | {
      kind: 'status';
      status: CaseStatus;
      rescheduled?: boolean;
      visitDate?: string;
      reason?: string;
      other?: string;
    }
  | { kind: 'merged'; other: string };

const text = (value: string, extra: Partial<messagingApi.FlexText> = {}): messagingApi.FlexText => ({
  type: 'text',
  text: clip(value, 2000),
  wrap: true,
  ...extra,
});

/**
 * The status card: reference, new status, what it means and what happens next, in the reader's
 * language; a visit date in the Buddhist Era for Thai (formatDate does it).
 */
export function statusCard(
  t: TFunction,
  language: string,
  reference: string,
  subject: CardSubject,
): messagingApi.FlexMessage {
  const bubble = statusBubble(t, language, reference, subject);
  const vars = { lng: language, ns: NS, other: subject.other ?? '', reference };
  const title = t(`${cardBase(subject)}.title`, vars);
  return {
    type: 'flex',
    altText: clip(t('card.altText', { ...vars, status: title }), 400),
    contents: bubble,
  };
}

const cardBase = (subject: CardSubject) =>
  subject.kind === 'merged' ? 'merged' : `status.${subject.rescheduled ? 'rescheduled' : subject.status}`;

/**
 * The bubble of a status card. A completed case carries its rating buttons in the same bubble: the
 * news and the question the household answers are one message, not two.
 */
export function statusBubble(
  t: TFunction,
  language: string,
  reference: string,
  subject: CardSubject,
): messagingApi.FlexBubble {
  const base = cardBase(subject);
  const vars = { lng: language, ns: NS, other: subject.other ?? '', reference };
  const title = t(`${base}.title`, vars);
  const body: messagingApi.FlexComponent[] = [
    text(t('card.reference', vars), { size: 'sm', color: '#888888' }),
    text(title, { weight: 'bold', size: 'xl' }),
    text(t(`${base}.meaning`, vars), { margin: 'md' }),
  ];
  if (subject.kind === 'status' && subject.visitDate)
    body.push(
      text(t('card.visitDate', { ...vars, date: formatDate(subject.visitDate, language) }), {
        weight: 'bold',
        margin: 'md',
      }),
    );
  if (subject.kind === 'status' && subject.reason)
    body.push(text(t('card.reason', { ...vars, reason: subject.reason }), { margin: 'md' }));
  body.push(
    { type: 'separator', margin: 'lg' },
    text(t('card.next', vars), { size: 'sm', color: '#888888', margin: 'lg' }),
    text(t(`${base}.next`, vars)),
  );
  // "Reply to this message" would reach the bot, not a person: the button opens a hand-off to staff.
  const talkToStaff: messagingApi.FlexComponent = {
    type: 'button',
    style: 'secondary',
    height: 'sm',
    action: {
      type: 'postback',
      label: clip(t('card.talkToStaff', vars), 20),
      data: postbackData.command('staff'),
      displayText: t('card.talkToStaffSaid', vars),
    },
  };
  const rating = subject.kind === 'status' && subject.status === 'completed';
  if (rating)
    body.push(
      { type: 'separator', margin: 'lg' },
      text(t('rating.title', vars), { weight: 'bold', size: 'lg', margin: 'lg' }),
      text(t('rating.body', vars)),
    );
  return {
    type: 'bubble',
    body: { type: 'box', layout: 'vertical', contents: body },
    footer: {
      type: 'box',
      layout: 'vertical',
      contents: [...(rating ? ratingButtons(t, language, reference) : []), talkToStaff],
    },
  };
}

/** 1-5 postback buttons `rate:<reference>:<n>`; the conversation side records the answer. */
function ratingButtons(t: TFunction, language: string, reference: string): messagingApi.FlexComponent[] {
  const vars = { lng: language, ns: NS, reference };
  return [1, 2, 3, 4, 5].map((n) => ({
    type: 'button',
    style: n >= 4 ? 'primary' : 'secondary',
    height: 'sm',
    margin: 'sm',
    action: {
      type: 'postback',
      label: clip(t('rating.button', { ...vars, n }), 20),
      data: postbackData.rate(reference, n),
      displayText: t('rating.chosen', { ...vars, n }),
    },
  }));
}

/** A staff note meant for the reporter, introduced so they know who speaks. */
export function noteMessage(
  t: TFunction,
  language: string,
  reference: string,
  note: string,
): messagingApi.TextMessage {
  return {
    type: 'text',
    text: clip(`${t('note.header', { lng: language, ns: NS, reference })}\n${note}`, 5000),
  };
}
