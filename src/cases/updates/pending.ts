import type { messagingApi } from '@line/bot-sdk';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import { statusBubble, type CardSubject } from '../status-cards';
import { CASE_STATUSES } from '../case-schema';
import { clip } from '../../conversation/render';

/** What a reporter knows, or will be told, of one case. */
export const caseStateSchema = z.object({
  status: z.enum(CASE_STATUSES),
  visitDate: z.string().optional(),
  reason: z.string().optional(),
  duplicateOf: z.string().optional(),
});
export type CaseState = z.infer<typeof caseStateSchema>;

/**
 * One case with news for one reporter: the state they were last told (to see a change undone) and
 * the case's latest state, which is what they will be told; `seq` is the case change it reflects.
 */
export const pendingCaseSchema = z.object({
  seq: z.number().int().positive(),
  at: z.date(),
  told: caseStateSchema.pick({ status: true, visitDate: true }),
  latest: caseStateSchema,
});
export type PendingCase = z.infer<typeof pendingCaseSchema>;

/** The news waiting for one reporter, by case reference. */
export type PendingCases = Record<string, PendingCase>;

/** A change the reporter would not notice: the case is back where they last knew it. */
export function undone(entry: PendingCase): boolean {
  if (entry.latest.status !== entry.told.status) return false;
  return entry.latest.status !== 'visit_scheduled' || entry.latest.visitDate === entry.told.visitDate;
}

export type Telling = { reference: string; subject: CardSubject & { kind: 'status' } };

/** The cards one delivery holds: the latest state of each changed case, oldest news first, undone ones left out. */
export function whatToTell(cases: PendingCases): Telling[] {
  return Object.entries(cases)
    .filter(([, entry]) => !undone(entry))
    .sort(([, a], [, b]) => a.at.getTime() - b.at.getTime())
    .map(([reference, { told, latest }]) => ({
      reference,
      subject: {
        kind: 'status',
        status: latest.status,
        rescheduled: told.status === 'visit_scheduled' && latest.status === 'visit_scheduled',
        ...(latest.status === 'visit_scheduled' && latest.visitDate ? { visitDate: latest.visitDate } : {}),
        ...(latest.status === 'declined' && latest.reason ? { reason: latest.reason } : {}),
        ...(latest.status === 'duplicate' && latest.duplicateOf ? { other: latest.duplicateOf } : {}),
      },
    }));
}

/** LINE shows at most 12 bubbles in a carousel. */
const CAROUSEL_MAX = 12;

/**
 * The messages of one delivery, in at most `room` message objects (a reply or a push takes 5): one
 * card per case, or, when they do not fit, the cards as a carousel. Extra messages (the question
 * about publishing a completed repair) follow the cards. Undefined when it cannot fit.
 */
export function updateMessages(
  t: TFunction,
  language: string,
  tellings: Telling[],
  extra: messagingApi.Message[],
  room: number,
): messagingApi.Message[] | undefined {
  const cards = tellings.map(({ reference, subject }) => ({
    reference,
    bubble: statusBubble(t, language, reference, subject),
    title: t(`notifications:status.${subject.rescheduled ? 'rescheduled' : subject.status}.title`, {
      lng: language,
    }),
  }));
  const single = cards.map(({ reference, bubble, title }): messagingApi.Message => ({
    type: 'flex',
    altText: clip(t('notifications:card.altText', { lng: language, reference, status: title }), 400),
    contents: bubble,
  }));
  if (single.length + extra.length <= room) return [...single, ...extra];
  const carousels: messagingApi.Message[] = [];
  for (let index = 0; index < cards.length; index += CAROUSEL_MAX) {
    const part = cards.slice(index, index + CAROUSEL_MAX);
    carousels.push({
      type: 'flex',
      altText: clip(t('notifications:updates.altText', { lng: language, count: part.length }), 400),
      contents: { type: 'carousel', contents: part.map(({ bubble }) => bubble) },
    });
  }
  if (carousels.length + extra.length <= room) return [...carousels, ...extra];
  return undefined;
}
