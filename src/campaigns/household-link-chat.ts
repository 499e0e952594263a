import type { messagingApi } from '@line/bot-sdk';
import type { i18n } from 'i18next';
import type { Connection } from 'mongoose';
import {
  formatDate,
  renderMessages,
  type ConversationState,
  type Input,
  type OutMessage,
  type QuickReply,
} from '../conversation';
import { postbackData } from '../conversation/postback';
import {
  formatCode,
  issueHouseholdCode,
  linkHousehold,
  lookUpCode,
  readCode,
  type HouseholdCodeDoc,
} from './household-link';
import { campaignModels, type SurveyDoc } from './model';
import type { SurveyChatHook } from './survey-chat';

export const HOUSEHOLD_NEWS_FLOW = 'household-news';
/** Flows a code typed interrupts: the first questions, and the menu on screen. */
const CODE_OVER_FLOWS = ['welcome', 'menu'];
const LANGUAGES = ['th', 'en', 'hmn'] as const;
/** Each language's own name, so a family finds theirs whatever the volunteer's language. */
const LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], string> = {
  th: 'ภาษาไทย',
  en: 'English',
  hmn: 'Lus Hmoob',
};

/** Postbacks of the household link; stable, since buttons stay in people's chats. */
export const householdPostback = {
  yes: (code: string) => `household:yes:${code}`,
  no: 'household:no',
  /** The volunteer shows the household's message in another language. */
  tell: (surveyId: string, language: string) => `survey:tell:${language}:${surveyId}`,
};

export type HouseholdLinkDeps = {
  connection: Connection;
  i18n: i18n;
  /** The Official Account's add-friend link, when configured (LINE_ADD_FRIEND_URL). */
  addFriendUrl?: string;
};

const say = (deps: HouseholdLinkDeps, language: string, messages: OutMessage[]) =>
  renderMessages(messages, deps.i18n.getFixedT(language), language);
const K = (key: string, params?: Record<string, string>) => ({ key: `survey:household_link.${key}`, params });

/** The message the volunteer shows the household: the reference, the code and how to use it. */
export function householdCard(
  deps: HouseholdLinkDeps,
  code: Pick<HouseholdCodeDoc, '_id' | 'reference' | 'expiresAt' | 'surveyId'>,
  language: string,
  quickReplies?: QuickReply[],
): messagingApi.Message[] {
  return say(deps, language, [
    {
      kind: 'text',
      text: K('card', {
        reference: code.reference,
        code: formatCode(code._id),
        until: formatDate(code.expiresAt.toISOString(), language),
        addFriend: deps.addFriendUrl ? ` (${deps.addFriendUrl})` : '',
      }),
      ...(quickReplies ? { quickReplies } : {}),
    },
  ]);
}

/** The buttons that show the household's message in each language. */
export const tellButtons = (surveyId: string): QuickReply[] =>
  LANGUAGES.map((language) => ({
    label: { literal: LANGUAGE_NAMES[language] },
    emoji: '🗣️',
    action: { type: 'postback', data: householdPostback.tell(surveyId, language) },
  }));

/**
 * What the volunteer sees once the survey made an urgent case: a word for them, then the message for
 * the household (in the volunteer's language; the buttons switch it). Issued once per survey.
 */
export async function householdCodeForVolunteer(
  deps: HouseholdLinkDeps,
  subject: { reference: string; surveyId: string; campaignId: string },
  language: string,
  at: Date,
): Promise<messagingApi.Message[]> {
  const code = await issueHouseholdCode(deps.connection, subject, at);
  return [
    ...say(deps, language, [{ kind: 'text', text: K('volunteer_intro', { reference: code.reference }) }]),
    ...householdCard(deps, code, language),
  ];
}

/** The answer to a code a person sent: what it opens, with the choice to follow it. */
export async function answerCode(
  deps: HouseholdLinkDeps,
  typed: string,
  userId: string,
  at: Date,
  language: string,
): Promise<messagingApi.Message[]> {
  const code = readCode(typed);
  if (!code) return say(deps, language, [{ kind: 'text', text: K('not_code') }]);
  const found = await lookUpCode(deps.connection, code, userId, at);
  const t = deps.i18n.getFixedT(language);
  switch (found.kind) {
    case 'too_many':
      return say(deps, language, [{ kind: 'text', text: K('too_many') }]);
    case 'unknown':
      return say(deps, language, [{ kind: 'text', text: K('unknown') }]);
    case 'yours':
      return say(deps, language, [{ kind: 'text', text: K('yours', { reference: found.reference }) }]);
    case 'found':
      return say(deps, language, [
        {
          kind: 'text',
          text: K('preview', {
            reference: found.record.reference,
            category: t(`cases:category.${found.record.category}`),
            date: formatDate(found.record.createdAt.toISOString(), language),
          }),
          quickReplies: [
            { label: K('yes'), emoji: '✅', action: { type: 'postback', data: householdPostback.yes(code) } },
            { label: K('no'), emoji: '✖️', action: { type: 'postback', data: householdPostback.no } },
          ],
        },
      ]);
  }
}

type Parsed =
  | { kind: 'yes'; code: string }
  | { kind: 'no' }
  | { kind: 'tell'; surveyId: string; language: string }
  | { kind: 'typed'; text: string };

function parse(input: Input, state: ConversationState): Parsed | undefined {
  if (input.kind === 'postback') {
    let m = /^household:yes:(\d{8})$/.exec(input.data);
    if (m) return { kind: 'yes', code: m[1]! };
    if (input.data === householdPostback.no) return { kind: 'no' };
    m = /^survey:tell:(th|en|hmn):([\w.:-]{1,200})$/.exec(input.data);
    if (m) return { kind: 'tell', language: m[1]!, surveyId: m[2]! };
    return undefined;
  }
  // A code typed outside a flow, at the welcome (a family member who just added NeedLine) or the menu.
  if (input.kind !== 'text' || state.handoff) return undefined;
  if (state.run && !CODE_OVER_FLOWS.includes(state.run.flowId)) return undefined;
  return readCode(input.text) ? { kind: 'typed', text: input.text } : undefined;
}

/**
 * The household's side around the engine: a code typed is answered at once (after the consent to the
 * notice, asked first through the `household-news` flow); "yes" links the LINE account as the case's
 * reporter; the volunteer's language buttons show the household's message again in another language.
 */
export function householdLinkHook(deps: HouseholdLinkDeps): SurveyChatHook {
  return {
    async before(input, state, { userId, at, language }) {
      const parsed = parse(input, state);
      if (!parsed) return undefined;
      switch (parsed.kind) {
        case 'typed':
          if (!state.consent)
            return {
              state,
              messages: say(deps, language, [{ kind: 'text', text: K('needs_consent') }]),
              input: { kind: 'postback', data: postbackData.flow(HOUSEHOLD_NEWS_FLOW) },
            };
          return {
            state: { ...state, run: null },
            messages: await answerCode(deps, parsed.text, userId, at, language),
          };
        case 'yes': {
          if (!state.consent)
            return {
              state,
              messages: [],
              input: { kind: 'postback', data: postbackData.flow(HOUSEHOLD_NEWS_FLOW) },
            };
          const outcome = await linkHousehold(deps.connection, parsed.code, userId, at);
          if (!outcome.linked)
            return { state, messages: say(deps, language, [{ kind: 'text', text: K('failed') }]) };
          return {
            state,
            messages: say(deps, language, [
              {
                kind: 'text',
                text: K('linked', { reference: outcome.reference }),
                quickReplies: [
                  {
                    label: K('my_cases'),
                    emoji: '📂',
                    action: { type: 'postback', data: postbackData.flow('my-cases') },
                  },
                ],
              },
            ]),
          };
        }
        case 'no':
          return { state, messages: say(deps, language, [{ kind: 'text', text: K('declined') }]) };
        case 'tell': {
          const survey = await campaignModels(deps.connection)
            .Survey.findOne(
              { _id: parsed.surveyId, volunteerLineUserId: userId },
              { _id: 1, campaignId: 1, caseReference: 1 },
            )
            .lean<Pick<SurveyDoc, '_id' | 'campaignId' | 'caseReference'>>();
          if (!survey?.caseReference) return { state, messages: [] };
          const code = await issueHouseholdCode(
            deps.connection,
            { reference: survey.caseReference, surveyId: survey._id, campaignId: survey.campaignId },
            at,
          );
          return { state, messages: householdCard(deps, code, parsed.language, tellButtons(survey._id)) };
        }
      }
    },
    after: (_state, messages) => messages,
  };
}
