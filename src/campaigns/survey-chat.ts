import type { messagingApi } from '@line/bot-sdk';
import type { i18n } from 'i18next';
import type { Connection } from 'mongoose';
import {
  renderMessages,
  type ConversationState,
  type Engine,
  type Input,
  type QuickReply,
} from '../conversation';
import { postbackData, SURVEY_START } from '../conversation/postback';
import type { OutMessage } from '../conversation/messages';
import { normalise } from '../conversation/text';
import { activeVolunteer } from '../volunteers';
import { markSurveyMedia, mediaOfRun } from './survey-media';
import { campaignModels, isRunning, type CampaignDoc, type SurveyDoc } from './model';
import { SURVEY_FLOWS } from './schemas';

export type SurveyChatDeps = { connection: Connection; i18n: i18n; engine: Engine };

/** The bot's `ChatHook` (src/bot/handler.ts), restated here: the bot sits above this room. */
export type SurveyChatHook = {
  before(
    input: Input,
    state: ConversationState,
    context: { userId: string; eventId: string; at: Date; language: string },
  ): Promise<{ state: ConversationState; messages: messagingApi.Message[]; input?: Input } | undefined>;
  after(state: ConversationState, messages: messagingApi.Message[], language: string): messagingApi.Message[];
};

/** The postbacks survey work uses; stable, since buttons stay in people's chats. */
export const surveyPostback = {
  start: SURVEY_START,
  /** Skip the paused surveys and pick where to survey a new household. */
  fresh: 'survey:new',
  campaign: (campaignId: string) => `survey:c:${campaignId}`,
  village: (campaignId: string, villageId: string | null) => `survey:v:${campaignId}:${villageId ?? 'all'}`,
  resume: (surveyId: string) => `survey:resume:${surveyId}`,
  pause: 'survey:pause',
};

type Parsed =
  | { kind: 'start'; fresh: boolean }
  | { kind: 'campaign'; campaignId: string }
  | { kind: 'village'; campaignId: string; villageId: string | null }
  | { kind: 'resume'; surveyId: string }
  | { kind: 'pause' };

function parse(data: string): Parsed | undefined {
  if (data === surveyPostback.start) return { kind: 'start', fresh: false };
  if (data === surveyPostback.fresh) return { kind: 'start', fresh: true };
  if (data === surveyPostback.pause) return { kind: 'pause' };
  let m = /^survey:c:(cmp-[a-z0-9]+)$/.exec(data);
  if (m) return { kind: 'campaign', campaignId: m[1]! };
  m = /^survey:v:(cmp-[a-z0-9]+):(v\d+|all)$/.exec(data);
  if (m) return { kind: 'village', campaignId: m[1]!, villageId: m[2] === 'all' ? null : m[2]! };
  m = /^survey:resume:([\w.:-]{1,200})$/.exec(data);
  if (m) return { kind: 'resume', surveyId: m[1]! };
  return undefined;
}

/**
 * Flows the survey's words typed interrupt, as a household code does (household-link-chat.ts): the menu
 * and the welcome on screen, where "สำรวจครัวเรือน" is no answer to their question.
 */
const WORDS_OVER_FLOWS = ['welcome', 'menu'];

const isSurveyRun = (state: ConversationState) =>
  state.run !== null && (SURVEY_FLOWS as readonly string[]).includes(state.run.flowId);

/** "The survey of <head of household> is paused", before `pause` frees the chat of it. */
const pausedText = (state: ConversationState) => {
  const name = state.run?.answers.headName;
  return typeof name === 'string'
    ? { key: 'survey:host.paused', params: { name } }
    : { key: 'survey:host.paused_unnamed' };
};

/** How many paused surveys the picker offers (the rest wait for the next ones to be finished). */
const RESUME_SHOWN = 10;
const CONTINUE: Input = { kind: 'postback', data: postbackData.resume('continue') };

/**
 * A volunteer's survey work around the engine: "Survey a household" (the rich menu, or its words typed
 * outside a flow) lists the surveys they paused and the campaigns and villages they may survey; picking
 * a village starts the survey flow with the campaign and village as its inputs; "pause" keeps the
 * conversation of a survey in the database and frees the chat; "resume" puts it back. Nothing of it lives
 * in memory: the run is in the chat state or in the survey document.
 */
export function surveyChatHook(deps: SurveyChatDeps): SurveyChatHook {
  const { Campaign, Survey } = campaignModels(deps.connection);
  const words = new Set(
    Object.keys(deps.i18n.store.data).flatMap((language) =>
      String(deps.i18n.getFixedT(language, 'survey')('menu.triggers'))
        .split('|')
        .map((word) => normalise(word)),
    ),
  );

  const say = (language: string, messages: OutMessage[]) =>
    renderMessages(messages, deps.i18n.getFixedT(language), language);
  const menu: QuickReply = {
    label: { key: 'bot:reply.menu' },
    emoji: '🏠',
    action: { type: 'postback', data: postbackData.command('menu') },
  };
  const tap = (label: QuickReply['label'], data: string, emoji?: string): QuickReply => ({
    label,
    ...(emoji ? { emoji } : {}),
    action: { type: 'postback', data },
  });

  /** The running campaigns this person is assigned to, while their volunteer registration is approved. */
  async function assignedCampaigns(userId: string, at: Date): Promise<CampaignDoc[]> {
    if (!(await activeVolunteer(deps.connection, userId))) return [];
    const campaigns = await Campaign.find({ 'volunteers.lineUserId': userId }).lean<CampaignDoc[]>();
    return campaigns.filter((c) => isRunning(c, at));
  }

  /** Keeps the survey in progress in the database and frees the chat; the paused message. */
  async function pause(state: ConversationState, userId: string, at: Date) {
    const run = state.run!;
    const campaignId = String(run.answers.campaignId ?? '');
    const villageId = typeof run.answers.villageId === 'string' ? run.answers.villageId : null;
    const campaign = await Campaign.findById(campaignId, { volunteers: 1 }).lean<CampaignDoc>();
    const volunteerId = campaign?.volunteers.find((v) => v.lineUserId === userId)?.volunteerId ?? '';
    await Survey.updateOne(
      { _id: run.id },
      {
        $set: {
          status: 'paused',
          run: JSON.parse(JSON.stringify(run)) as Record<string, unknown>,
          answers: {},
          updatedAt: at,
        },
        $setOnInsert: {
          campaignId,
          villageId,
          volunteerId,
          volunteerLineUserId: userId,
          language: state.language ?? deps.engine.defaultLanguage,
          flowId: run.flowId,
          flowVersion: run.version,
          startedAt: new Date(run.startedAt),
        },
      },
      { upsert: true },
    );
    // The hourly media purge keeps what a paused survey holds.
    await markSurveyMedia(deps.connection, run.id, mediaOfRun(run));
    return { ...state, run: null, resumePrompt: false };
  }

  async function picker(userId: string, at: Date, language: string, fresh: boolean, only?: string) {
    const campaigns = (await assignedCampaigns(userId, at)).filter((c) => !only || c._id === only);
    if (campaigns.length === 0)
      return say(language, [
        { kind: 'text', text: { key: 'survey:host.not_assigned' }, quickReplies: [menu] },
      ]);
    if (!fresh) {
      const paused = await Survey.find(
        { volunteerLineUserId: userId, status: 'paused', campaignId: { $in: campaigns.map((c) => c._id) } },
        { _id: 1, run: 1 },
      )
        .sort({ updatedAt: -1 })
        .limit(RESUME_SHOWN)
        .lean<Pick<SurveyDoc, '_id' | 'run'>[]>();
      if (paused.length > 0) {
        const name = (s: Pick<SurveyDoc, 'run'>) => {
          const answers = (s.run?.answers ?? {}) as Record<string, unknown>;
          return typeof answers.headName === 'string' ? answers.headName : undefined;
        };
        return say(language, [
          {
            kind: 'text',
            text: { key: 'survey:host.resume_list' },
            quickReplies: [
              ...paused.map((s) =>
                tap(
                  name(s) ? { literal: name(s)! } : { key: 'survey:host.unnamed' },
                  surveyPostback.resume(s._id),
                  '▶️',
                ),
              ),
              tap({ key: 'survey:host.next_household' }, surveyPostback.fresh, '➕'),
              menu,
            ],
          },
        ]);
      }
    }
    if (campaigns.length > 1)
      return say(language, [
        {
          kind: 'text',
          text: { key: 'survey:host.pick_campaign' },
          quickReplies: [
            ...campaigns
              .slice(0, 12)
              .map((c) => tap({ literal: c.name }, surveyPostback.campaign(c._id), '📋')),
            menu,
          ],
        },
      ]);
    const campaign = campaigns[0]!;
    const villages =
      campaign.villages.length > 0
        ? campaign.villages.map((v) =>
            tap({ literal: v.name }, surveyPostback.village(campaign._id, v.id), '🏘️'),
          )
        : [tap({ key: 'survey:host.whole_area' }, surveyPostback.village(campaign._id, null), '🏘️')];
    return say(language, [
      {
        kind: 'text',
        text: { key: 'survey:host.pick_village', params: { campaign: campaign.name } },
        quickReplies: [...villages.slice(0, 12), menu],
      },
    ]);
  }

  return {
    async before(input, state, { userId, eventId, at, language }) {
      let parsed: Parsed | undefined;
      if (input.kind === 'postback') parsed = parse(input.data);
      else if (
        input.kind === 'text' &&
        (!state.run || WORDS_OVER_FLOWS.includes(state.run.flowId)) &&
        !state.handoff &&
        words.has(normalise(input.text))
      )
        parsed = { kind: 'start', fresh: false };
      if (!parsed || !state.consent || state.handoff) return undefined;

      const messages: messagingApi.Message[] = [];
      // The menu (or welcome) on screen gives way to the picker: its question is no longer asked.
      let current =
        parsed.kind === 'start' && state.run && WORDS_OVER_FLOWS.includes(state.run.flowId)
          ? { ...state, run: null, resumePrompt: false }
          : state;
      const pauseCurrent = async () => {
        if (!isSurveyRun(current)) return;
        const paused = pausedText(current);
        current = await pause(current, userId, at);
        messages.push(...say(language, [{ kind: 'text', text: paused }]));
      };

      switch (parsed.kind) {
        case 'pause': {
          if (!isSurveyRun(current))
            return {
              state,
              messages: say(language, [{ kind: 'text', text: { key: 'survey:host.nothing_to_pause' } }]),
              input: CONTINUE,
            };
          const paused = pausedText(current);
          current = await pause(current, userId, at);
          return {
            state: current,
            messages: say(language, [
              {
                kind: 'text',
                text: paused,
                quickReplies: [tap({ key: 'survey:host.next_household' }, surveyPostback.start, '📋'), menu],
              },
            ]),
          };
        }
        case 'start':
        case 'campaign':
          await pauseCurrent();
          messages.push(
            ...(await picker(
              userId,
              at,
              language,
              parsed.kind === 'start' && parsed.fresh,
              parsed.kind === 'campaign' ? parsed.campaignId : undefined,
            )),
          );
          return { state: current, messages };
        case 'village': {
          const { campaignId, villageId } = parsed;
          const campaign = (await assignedCampaigns(userId, at)).find((c) => c._id === campaignId);
          const village =
            villageId === null
              ? campaign?.villages.length === 0
              : campaign?.villages.some((v) => v.id === villageId);
          if (!campaign || !village) {
            await pauseCurrent();
            messages.push(...(await picker(userId, at, language, true)));
            return { state: current, messages };
          }
          await pauseCurrent();
          const flow = deps.engine.flows[campaign.flowId];
          if (!flow) throw new Error(`campaign ${campaign._id} names no flow the engine has`);
          return {
            state: {
              ...current,
              resumePrompt: false,
              run: {
                // The event's id: a redelivered event starts the same survey.
                id: `svy-${eventId}`,
                flowId: flow.id,
                version: flow.version,
                stepId: flow.start,
                answers: { campaignId, ...(villageId ? { villageId } : {}) },
                prefilled: [],
                history: [],
                returnTo: null,
                draft: null,
                failures: 0,
                startedAt: at.toISOString(),
              },
            },
            messages,
            input: CONTINUE,
          };
        }
        case 'resume': {
          const saved = await Survey.findOne({
            _id: parsed.surveyId,
            volunteerLineUserId: userId,
            status: 'paused',
          }).lean<SurveyDoc>();
          if (!saved?.run) {
            if (isSurveyRun(current) && current.run?.id === parsed.surveyId)
              return { state, messages: [], input: CONTINUE };
            messages.push(...say(language, [{ kind: 'text', text: { key: 'survey:host.resume_gone' } }]));
            messages.push(...(await picker(userId, at, language, false)));
            return { state: current, messages };
          }
          await pauseCurrent();
          // Back in the chat state: the survey document is written again when it is submitted.
          await Survey.deleteOne({ _id: saved._id, status: 'paused' });
          messages.push(...say(language, [{ kind: 'text', text: { key: 'survey:host.resumed' } }]));
          return {
            state: { ...current, run: saved.run as ConversationState['run'], resumePrompt: false },
            messages,
            input: CONTINUE,
          };
        }
      }
    },

    after(state, messages, language) {
      if (!isSurveyRun(state) || messages.length === 0) return messages;
      const last = messages.at(-1)!;
      const items = last.quickReply?.items ?? [];
      if (items.length === 0 || items.length >= 13) return messages;
      const pauseItem = say(language, [
        {
          kind: 'text',
          text: { key: 'survey:host.pause' },
          quickReplies: [tap({ key: 'survey:host.pause' }, surveyPostback.pause, '⏸️')],
        },
      ])[0]?.quickReply?.items?.[0];
      if (!pauseItem) return messages;
      return [...messages.slice(0, -1), { ...last, quickReply: { items: [...items, pauseItem] } }];
    },
  };
}
