import type { messagingApi } from '@line/bot-sdk';
import type { i18n } from 'i18next';
import type { Connection } from 'mongoose';
import { renderMessages, formatDate, type Effect, type Engine, type QuickReply } from '../conversation';
import { postbackData } from '../conversation/postback';
import { normalise } from '../conversation/text';
import type { CaseModels } from '../cases/create-case';
import type { Logger } from '../logger';
import { campaignModels, bangkokDay, type CampaignDoc, type SurveyDoc } from './model';
import { createSurveyCase } from './survey-case';
import { markSurveyMedia } from './survey-media';
import { surveyPostback } from './survey-chat';
import { answerCode, householdCodeForVolunteer, tellButtons } from './household-link-chat';

export type SurveyEffectDeps = {
  connection: Connection;
  i18n: i18n;
  engine: Engine;
  cases: CaseModels;
  logger: Logger;
  /** The Official Account's add-friend link, for the household's message (LINE_ADD_FRIEND_URL). */
  addFriendUrl?: string;
};

type HostEffect = Extract<Effect, { type: 'host' }>;

/** Answers that are the survey's place in the campaign, not the household's. */
const CONTEXT_FIELDS = ['campaignId', 'villageId'];

export const nameKeyOf = (name: unknown) =>
  typeof name === 'string' && name.trim() ? normalise(name).replace(/\s+/g, ' ') : undefined;
export const phoneKeyOf = (phone: unknown) =>
  typeof phone === 'string' && phone.replace(/\D/g, '').length >= 9 ? phone.replace(/\D/g, '') : undefined;

/** The notice version the flow reads at the door (its `notice` step's `version`). */
export function noticeVersionOf(engine: Engine, flowId: string): string {
  const notice = engine.flows[flowId]?.steps.notice;
  const version = notice && 'text' in notice ? notice.text?.params?.version : undefined;
  return String(version ?? 'unknown');
}

/**
 * The `survey.*` effects of the survey flow: the duplicate check, a visit declined, and the survey stored
 * with its consent (and the urgent case). Each is safe to perform twice for one event: the survey's id is
 * the run's and the case's intake is the survey's.
 */
export async function performSurveyEffect(
  deps: SurveyEffectDeps,
  effect: HostEffect,
  userId: string,
  at: Date,
): Promise<{ messages: messagingApi.Message[]; aboutCase?: string }> {
  const made: { reference?: string } = {};
  const messages = await surveyEffect(deps, effect, userId, at, made);
  // The event that made the urgent case is about it; the answer (with the household's code) stays off its record.
  return { messages, ...(made.reference ? { aboutCase: made.reference } : {}) };
}

async function surveyEffect(
  deps: SurveyEffectDeps,
  effect: HostEffect,
  userId: string,
  at: Date,
  made: { reference?: string },
): Promise<messagingApi.Message[]> {
  // A family member's household code, asked again after their consent (flows/household-news.ts).
  if (effect.action === 'survey.householdCode')
    return answerCode(deps, String(effect.answers.householdCode ?? ''), userId, at, effect.language);
  const { Campaign, Survey } = campaignModels(deps.connection);
  const t = deps.i18n.getFixedT(effect.language);
  const say = (messages: Parameters<typeof renderMessages>[0]) =>
    renderMessages(messages, t, effect.language);
  const answers = effect.answers;
  const campaignId = String(answers.campaignId ?? '');
  const villageId = typeof answers.villageId === 'string' ? answers.villageId : null;
  const campaign = await Campaign.findById(campaignId).lean<CampaignDoc>();
  if (!campaign) {
    deps.logger.warn({ runId: effect.runId }, 'survey effect for a campaign that is gone');
    return [];
  }
  const volunteerId = campaign.volunteers.find((v) => v.lineUserId === userId)?.volunteerId ?? '';
  const flow = deps.engine.flows[campaign.flowId];
  const base = {
    campaignId,
    villageId,
    volunteerId,
    volunteerLineUserId: userId,
    language: effect.language,
    flowId: campaign.flowId,
    flowVersion: flow?.version ?? 0,
  };

  const earlier = async () => {
    const nameKey = nameKeyOf(answers.headName);
    const phoneKey = phoneKeyOf(answers.phone);
    const same = [...(nameKey ? [{ nameKey }] : []), ...(phoneKey ? [{ phoneKey }] : [])];
    if (same.length === 0) return { nameKey, phoneKey, found: null };
    const found = await Survey.findOne(
      { campaignId, villageId, status: 'completed', _id: { $ne: effect.runId }, $or: same },
      { _id: 1, nameKey: 1, phoneKey: 1, completedAt: 1 },
    )
      .sort({ completedAt: 1 })
      .lean<Pick<SurveyDoc, '_id' | 'nameKey' | 'phoneKey' | 'completedAt'>>();
    return { nameKey, phoneKey, found };
  };

  switch (effect.action) {
    case 'survey.checkDuplicate': {
      const { nameKey, phoneKey, found } = await earlier();
      if (!found) return [];
      const byName = nameKey !== undefined && found.nameKey === nameKey;
      const byPhone = phoneKey !== undefined && found.phoneKey === phoneKey;
      const what = t(`survey:host.${byName && byPhone ? 'what_both' : byName ? 'what_name' : 'what_phone'}`);
      const date = formatDate((found.completedAt ?? at).toISOString(), effect.language);
      return say([{ kind: 'text', text: { key: 'survey:host.duplicate', params: { what, date } } }]);
    }

    case 'survey.declined': {
      // Counted as a visit: nothing about the household, not even the answers to the notice.
      await Survey.updateOne(
        { _id: effect.runId },
        {
          $setOnInsert: {
            ...base,
            status: 'declined',
            answers: {},
            consent: {
              noticeVersion: noticeVersionOf(deps.engine, campaign.flowId),
              noticeRead: answers.noticeRead === true,
              agreed: false,
              sensitive: false,
              at,
            },
            surveyedOn: bangkokDay(at),
            startedAt: at,
            updatedAt: at,
            completedAt: at,
          },
        },
        { upsert: true },
      );
      return [];
    }

    case 'survey.submit': {
      let stored = await Survey.findById(effect.runId).lean<SurveyDoc>();
      if (stored?.status !== 'completed') {
        const { nameKey, phoneKey, found } = await earlier();
        const sensitive = answers.sensitiveConsent === true;
        const kept = Object.fromEntries(
          Object.entries(answers).filter(
            ([field]) =>
              !CONTEXT_FIELDS.includes(field) &&
              (sensitive || !['vulnerable', 'ethnicity', 'ethnicityOther'].includes(field)),
          ),
        );
        const doc: SurveyDoc = {
          _id: effect.runId,
          ...base,
          status: 'completed',
          answers: kept,
          consent: {
            noticeVersion: noticeVersionOf(deps.engine, campaign.flowId),
            noticeRead: answers.noticeRead === true,
            agreed: answers.householdConsent === 'agree',
            sensitive,
            at,
          },
          ...(nameKey ? { nameKey } : {}),
          ...(phoneKey ? { phoneKey } : {}),
          ...(found ? { duplicateOf: found._id } : {}),
          surveyedOn: bangkokDay(at),
          startedAt: stored?.startedAt ?? at,
          updatedAt: at,
          completedAt: at,
        };
        await Survey.replaceOne({ _id: effect.runId }, doc, { upsert: true });
        stored = doc;
        const photos = Array.isArray(answers.photos)
          ? answers.photos.filter((p) => typeof p === 'string')
          : [];
        await markSurveyMedia(deps.connection, effect.runId, photos);
      }
      let reference = stored.caseReference;
      if (!reference && answers.urgent === 'case') {
        reference = await createSurveyCase(deps, { survey: stored, campaign, userId, at, t });
        await Survey.updateOne({ _id: effect.runId }, { $set: { caseReference: reference } });
      }
      made.reference = reference;
      const next: QuickReply[] = [
        // The household's message in the family's language (shown below in the volunteer's).
        ...(reference ? tellButtons(effect.runId) : []),
        {
          label: { key: 'survey:host.next_household' },
          emoji: '➕',
          action: { type: 'postback', data: surveyPostback.village(campaignId, villageId) },
        },
        ...(campaign.villages.length > 1
          ? [
              {
                label: { key: 'survey:host.other_village' },
                emoji: '🏘️',
                action: { type: 'postback' as const, data: surveyPostback.fresh },
              },
            ]
          : []),
        {
          label: { key: 'bot:reply.menu' },
          emoji: '🏠',
          action: { type: 'postback', data: postbackData.command('menu') },
        },
      ];
      const household = reference
        ? [
            ...say([{ kind: 'text', text: { key: 'survey:host.case_made', params: { reference } } }]),
            // If the family has LINE and wants the case's news, they send this code themselves.
            ...(await householdCodeForVolunteer(
              deps,
              { reference, surveyId: effect.runId, campaignId },
              effect.language,
              at,
            )),
          ]
        : [];
      return [
        ...household,
        ...say([{ kind: 'text', text: { key: 'survey:host.stored' }, quickReplies: next }]),
      ];
    }

    default:
      return [];
  }
}
