import type { messagingApi } from '@line/bot-sdk';
import type { TFunction } from 'i18next';
import type { EffectHandlers } from '../conversation/effects';
import { renderMessages } from '../conversation';
import { postbackData } from '../conversation/postback';
import type { Logger } from '../logger';
import { deleteMedia } from '../media/media-store';
import type { MediaModels } from '../media/models';
import type { i18n } from 'i18next';
import { casesCarousel } from './cases-carousel';
import type { Case } from './case-schema';
import { addToCase, withdrawCase, type CaseActionOutcome } from './case-actions';
import { caseInputFrom } from './case-input';
import { createCase, type CaseModels } from './create-case';
import { applyHouseholdAnswers } from './household-answers';

export type CaseEffectDeps = {
  i18n: i18n;
  cases: CaseModels;
  media: MediaModels;
  logger: Logger;
  /** After a new case is stored (volunteer offers); not awaited, so a slow LINE call never delays the answer. */
  onCaseCreated?: (created: Case) => Promise<unknown>;
};

/** A report becomes a case; a reporter adds to, withdraws or lists their cases. */
export function caseEffects(
  deps: CaseEffectDeps,
): Pick<EffectHandlers, 'createCase' | 'addToCase' | 'withdrawCase' | 'showCases' | 'updateCase'> {
  return {
    async createCase(effect, { userId, at, t, language }) {
      const created = await createCase(deps.cases, caseInputFrom(effect, userId), () => at);
      if (created.created) {
        void deps
          .onCaseCreated?.(created.case)
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'volunteer offers failed'));
      }
      return {
        caseReference: created.case.reference,
        messages: renderMessages(
          [
            {
              kind: 'caseCreated',
              reference: created.case.reference,
              createdAt: created.case.createdAt.toISOString(),
            },
          ],
          t,
          language,
        ),
      };
    },

    async addToCase(effect, { userId, t, language }) {
      const outcome = await addToCase(deps.cases, userId, effect);
      if (outcome.kind !== 'added') {
        // Not kept with any case: the files go, as for a report that was never confirmed.
        const voice = effect.note && 'voiceMediaId' in effect.note ? [effect.note.voiceMediaId] : [];
        for (const mediaId of [...effect.mediaIds, ...voice]) await deleteMedia(deps.media, mediaId);
      }
      return { messages: caseActionAnswer(outcome, effect.reference, t, language) };
    },

    // Household answers after the reference: the conversation goes on to the next question whatever
    // happens here, so nothing is said; a closed or erased case simply takes no more answers.
    async updateCase(effect, { userId, at }) {
      const outcome = await applyHouseholdAnswers(deps.cases, userId, {
        case: effect.case,
        answers: effect.answers,
        at,
      });
      if (outcome.kind === 'not_found' || outcome.kind === 'closed')
        deps.logger.info({ outcome: outcome.kind }, 'household answers for a case that takes none');
    },

    async withdrawCase(effect, { userId, t, language }) {
      const outcome = await withdrawCase(deps.cases, userId, effect);
      return { messages: caseActionAnswer(outcome, effect.reference, t, language) };
    },

    async showCases(_effect, { userId, language }) {
      return { messages: [await casesCarousel(deps, userId, language)] };
    },
  };
}

/** How adding to, or withdrawing, a case went, with the way back to the cases and the menu. */
function caseActionAnswer(
  outcome: CaseActionOutcome,
  reference: string,
  t: TFunction,
  language: string,
): messagingApi.Message[] {
  const params: Record<string, string | number> = { reference };
  let key: string;
  switch (outcome.kind) {
    case 'added':
      key = outcome.note ? 'line:cases.note_added' : 'line:cases.photos_added';
      params.n = outcome.photos;
      break;
    case 'withdrawn':
      key = 'line:cases.withdrawn';
      break;
    case 'not_found':
      key = 'line:cases.not_found';
      break;
    case 'closed':
      key = 'line:cases.closed';
      params.status = t(`cases:status.${outcome.status}`);
      break;
  }
  return renderMessages(
    [
      {
        kind: 'text',
        text: { key, params },
        quickReplies: [
          {
            label: { key: 'line:cases.my_cases' },
            emoji: '📋',
            action: { type: 'postback', data: postbackData.flow('my-cases') },
          },
          {
            label: { key: 'bot:reply.menu' },
            emoji: '🏠',
            action: { type: 'postback', data: postbackData.command('menu') },
          },
        ],
      },
    ],
    t,
    language,
  );
}
