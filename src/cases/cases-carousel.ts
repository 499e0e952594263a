import type { messagingApi } from '@line/bot-sdk';
import type { i18n, TFunction } from 'i18next';
import { formatDate } from '../conversation';
import { postbackData, type CaseAction } from '../conversation/postback';
import { isOpenCase } from './status';
import { PRIORITY_QUESTIONS } from './case-schema';
import { byUser } from './case-scope';
import type { CaseModels } from './create-case';

/** The user's cases as cards (reported by them or for them), newest first. */
export async function casesCarousel(
  deps: { i18n: i18n; cases: CaseModels },
  userId: string,
  language: string,
): Promise<messagingApi.Message> {
  const t = deps.i18n.getFixedT(language);
  const cases = await deps.cases.cases
    .find(byUser(userId), {
      reference: 1,
      category: 1,
      status: 1,
      createdAt: 1,
      timeline: 1,
      reportedBy: 1,
      'household.missing': 1,
    })
    .sort({ createdAt: -1 })
    .limit(10)
    .lean();
  if (cases.length === 0) return { type: 'text', text: t('line:cases.none') };
  const bubbles: messagingApi.FlexBubble[] = cases.map((item) => ({
    type: 'bubble',
    size: 'kilo',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        { type: 'text', text: item.reference, weight: 'bold', size: 'lg' },
        { type: 'text', text: t(`cases:category.${item.category}`), wrap: true },
        {
          type: 'text',
          text: t('line:cases.status', { status: t(`cases:status.${item.status}`) }),
          wrap: true,
          color: '#1a6b3c',
        },
        {
          type: 'text',
          text: t('line:cases.reported', { date: formatDate(item.createdAt.toISOString(), language) }),
          size: 'sm',
          color: '#555555',
          wrap: true,
        },
        ...(item.timeline ?? [])
          .filter((entry) => entry.kind === 'status_changed' && entry.to)
          .slice(-3)
          .map((entry) => ({
            type: 'text' as const,
            text: `${formatDate(entry.at.toISOString(), language)} · ${t(`cases:status.${entry.to}`)}`,
            size: 'xs' as const,
            color: '#555555',
            wrap: true,
          })),
      ],
    },
    ...(isOpenCase(item.status)
      ? {
          footer: caseButtons(
            item.reference,
            t,
            // The household questions a short report left that order the visits: taken up again here
            // (a name the person preferred not to give is not asked for again and again).
            item.reportedBy === 'self' &&
              missingOf(item).some((question) =>
                (PRIORITY_QUESTIONS as readonly string[]).includes(question),
              ),
          ),
        }
      : {}),
  }));
  return { type: 'flex', altText: t('line:cases.alt'), contents: { type: 'carousel', contents: bubbles } };
}

/** What the reporter can still do with an open case; the engine starts "my cases" on `case:<ref>:<action>`. */
function caseButtons(reference: string, t: TFunction, householdLeft: boolean): messagingApi.FlexBox {
  const button = (action: CaseAction, key: string): messagingApi.FlexButton => {
    const label = t(key);
    return {
      type: 'button',
      style: action === 'withdraw' ? 'secondary' : 'primary',
      height: 'sm',
      action: { type: 'postback', label, data: postbackData.case(reference, action), displayText: label },
    };
  };
  return {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    contents: [
      ...(householdLeft ? [button('household', 'line:cases.answer_household')] : []),
      button('photos', 'line:cases.add_photos'),
      button('note', 'line:cases.add_note'),
      button('withdraw', 'line:cases.withdraw'),
    ],
  };
}

/** The household questions a case still misses (read from a projection that may leave them out). */
const missingOf = (item: object): string[] =>
  (item as { household?: { missing?: string[] } }).household?.missing ?? [];
