import type { messagingApi } from '@line/bot-sdk';
import type { i18n } from 'i18next';
import type { CaseModels } from '../cases/create-case';
import {
  initialState,
  nextTimeoutAt,
  renderMessages,
  stateSchema,
  step,
  type ConversationState,
  type Effect,
  type Engine,
  type Input,
} from '../conversation';
import type { EventHandler, HandlerContext } from '../ingestion/event-handler';
import type { IngestionModels } from '../ingestion/models';
import type { LineApi } from '../line/line-api';
import type { OutgoingBatch } from '../line/sender';
import type { Logger } from '../logger';
import { captureLineMedia, deleteMedia, lineMediaId } from '../media/media-store';
import type { MediaModels } from '../media/models';
import { feedbackStep, joinChatState, splitChatState } from '../feedback/step';
import type { CaseFeedbackModel } from '../feedback/model';
import { handlePublicationPostback, isPublicationPostback } from '../cases/publication-consent';
import { intentOf, mediaInput } from './event-input';
import { refreshDisplayName } from '../privacy/effects';
import { performEffect, type EffectContext, type EffectHandlers } from '../conversation/effects';

export type BotDeps = {
  engine: Engine;
  i18n: i18n;
  api: LineApi;
  models: IngestionModels;
  media: MediaModels;
  cases: CaseModels;
  feedback: CaseFeedbackModel;
  logger: Logger;
  defaultLocale: string;
  /** Who performs each effect of the engine: the features (see effects.ts). */
  effects: EffectHandlers;
  /** Features that own some postbacks around the engine (survey campaigns): see `ChatHook`. */
  hooks?: ChatHook[];
};

/**
 * A feature that answers some inputs itself, before the engine, and may hand the engine a changed state
 * and an input to go on with (a survey paused into the database, or restored from it); and may add to
 * the engine's answer (a "pause" quick reply). `before` must be cheap for inputs it does not own.
 */
export type ChatHook = {
  before(
    input: Input,
    state: ConversationState,
    context: { userId: string; eventId: string; at: Date; language: string },
  ): Promise<{ state: ConversationState; messages: messagingApi.Message[]; input?: Input } | undefined>;
  after?(
    state: ConversationState,
    messages: messagingApi.Message[],
    language: string,
  ): messagingApi.Message[];
};

/**
 * The bot: turns one stored LINE event into the engine's input, runs the engine, performs its
 * effects idempotently (keyed by the event) and returns the new state and the messages to send.
 */
export function createBotHandler(deps: BotDeps): EventHandler {
  const { logger } = deps;

  return async (context) => {
    const intent = intentOf(context.event);
    const chat = splitChatState(context.state);
    const state = readState(chat.engine);
    const unchanged = { state: context.state, outbox: [] };

    switch (intent.kind) {
      case 'ignore':
        logger.debug({ eventType: context.event.type, reason: intent.reason }, 'event ignored');
        return unchanged;
      case 'groupNotice': {
        const to = context.chatKey.split(':')[1] ?? '';
        return {
          state: context.state,
          outbox: [
            reply(context, to, 'group', [text(deps, deps.defaultLocale, 'line:group_not_supported')], true),
          ],
        };
      }
      case 'unfollow':
        // Every later push to this user is skipped by the sender.
        await deps.models.LineUser.updateOne(
          { _id: userIdOf(context) },
          { $set: { followed: false, unfollowedAt: context.receivedAt } },
          { upsert: true },
        );
        return unchanged;
      case 'unsend': {
        // The photo leaves the report in progress and the database.
        const mediaId = lineMediaId(intent.lineMessageId);
        await deleteMedia(deps.media, mediaId);
        return { state: joinChatState(withoutMedia(state, mediaId), chat.feedback), outbox: [] };
      }
      default:
        break;
    }

    const userId = userIdOf(context);
    let input: Input;
    const extra: messagingApi.Message[] = [];
    if (intent.kind === 'follow') {
      const profile = await deps.api.call(({ client }) => client.getProfile(userId)).catch(() => undefined);
      await deps.models.LineUser.collection.updateOne(
        { _id: userId } as never,
        {
          $set: {
            followed: true,
            followedAt: context.receivedAt,
            profileFetchedAt: context.receivedAt,
            ...(profile?.language ? { language: profile.language } : {}),
            // Back after a block with consent still given: the name may be kept (never before consent).
            ...(state.consent && profile?.displayName ? { displayName: profile.displayName } : {}),
          },
        },
        { upsert: true },
      );
      input = { kind: 'follow', ...(profile?.language ? { profileLanguage: profile.language } : {}) };
    } else if (intent.kind === 'media' && !state.consent) {
      // Nothing is downloaded before consent: the bot says "nothing is kept", and nothing is.
      await forgetContent(deps, context, intent.mediaKind);
      if (state.handoff)
        extra.push(text(deps, state.language ?? deps.defaultLocale, 'line:media.not_kept_handoff'));
      input = mediaInput(intent.mediaKind, lineMediaId(intent.lineMessageId), intent.imageSet);
    } else if (intent.kind === 'media') {
      // A download can take more than a second: show the typing dots meanwhile (cosmetic, failures ignored).
      await deps.api
        .call(({ client }) => client.showLoadingAnimation({ chatId: userId, loadingSeconds: 5 }))
        .catch(() => undefined);
      const captured = await captureLineMedia(deps.media, deps.api, {
        lineMessageId: intent.lineMessageId,
        kind: intent.mediaKind,
        chatKey: context.chatKey,
        userId,
        fileName: intent.fileName,
        imageSet: intent.imageSet,
        now: context.receivedAt,
      });
      if (
        captured.status === 'too_large' ||
        captured.status === 'unsupported' ||
        captured.status === 'unavailable'
      ) {
        // Say why, then let the engine treat it as an answer of the wrong kind: it asks again with
        // the step's own buttons (done, skip, back, cancel), so nothing given so far is lost.
        const language = state.language ?? deps.defaultLocale;
        extra.push(text(deps, language, `line:media.${captured.status}`));
        input = { kind: 'sticker' };
      } else {
        // 'pending' (LINE still preparing a video): the retry job stores it; the report keeps the id.
        input = mediaInput(intent.mediaKind, captured.mediaId, intent.imageSet);
      }
    } else {
      input = intent.input;
      if (input.kind === 'location' && !state.consent) {
        await forgetContent(deps, context, 'location');
        if (state.handoff)
          extra.push(text(deps, state.language ?? deps.defaultLocale, 'line:media.not_kept_handoff'));
      }
    }

    // An answer to "may we show your repair publicly?" is the public page's, not the conversation's.
    if (input.kind === 'postback' && isPublicationPostback(input.data)) {
      const messages = await handlePublicationPostback(
        { connection: deps.cases.connection, i18n: deps.i18n },
        input.data,
        userId,
        state.language ?? deps.defaultLocale,
        new Date(context.event.timestamp),
      );
      return { state: context.state, outbox: [reply(context, userId, 'conversation', messages)] };
    }

    // Feedback on a completed case comes before the engine, with its own slot in the chat state.
    const feedback = await feedbackStep(deps, input, chat.feedback, {
      userId,
      language: state.language ?? deps.defaultLocale,
      at: new Date(context.event.timestamp),
    });
    if (feedback.messages)
      return {
        state: joinChatState(chat.engine, feedback.slot),
        outbox: [reply(context, userId, 'conversation', feedback.messages)],
      };

    let engineState = state;
    for (const hook of deps.hooks ?? []) {
      const taken = await hook.before(input, engineState, {
        userId,
        eventId: context.eventId,
        at: new Date(context.event.timestamp),
        language: state.language ?? deps.defaultLocale,
      });
      if (!taken) continue;
      extra.push(...taken.messages);
      engineState = taken.state;
      if (!taken.input) {
        const messages = [...extra];
        return {
          state: joinChatState(engineState as unknown as Record<string, unknown>, feedback.slot),
          outbox: messages.length > 0 ? [reply(context, userId, 'conversation', messages)] : [],
          wakeAt: nextTimeoutAt(engineState),
        };
      }
      input = taken.input;
      break;
    }

    // The event's own time and id make the engine's output the same on every retry.
    let counter = 0;
    const result = step(
      deps.engine,
      engineState,
      input,
      { now: () => new Date(context.event.timestamp) },
      { next: () => `${context.eventId}-${counter++}` },
    );
    const language = result.state.language ?? deps.defaultLocale;
    const t = deps.i18n.getFixedT(language);
    /** The answer that confirms a new case belongs to the case's record of messages. */
    let caseReference: string | undefined;
    /** A case the event acted on, when its answer is not for the case's record (see EffectOutcome). */
    let aboutCase: string | undefined;

    const effectContext: EffectContext = {
      userId,
      at: new Date(context.event.timestamp),
      receivedAt: context.receivedAt,
      language,
      t,
      // A long answer (the data copy) shares the reply with the flow's closing text.
      room: () => MESSAGES_PER_REPLY - extra.length - messagesToSend(result.effects),
    };
    for (const effect of result.effects) {
      if (effect.type === 'send') {
        extra.push(...renderMessages(effect.messages, t, language));
        continue;
      }
      const outcome = await performEffect(deps.effects, effect, effectContext);
      if (outcome?.messages) extra.push(...outcome.messages);
      if (outcome?.caseReference) caseReference = outcome.caseReference;
      if (outcome?.aboutCase) aboutCase = outcome.aboutCase;
    }
    await attributeToCase(
      deps,
      context.eventId,
      caseReference ?? aboutCase ?? result.effects.map(caseOf).find(Boolean),
    );

    // Staff see the name when a person asks for them or reports a need: refreshed then, not on
    // every message (a conditional write per event would cost the single SQLite writer).
    if (
      result.state.consent &&
      result.effects.some((effect) => NAME_SHOWN_TO_STAFF.has(effect.type)) &&
      !result.effects.some((effect) => CONSENT_CHANGES.has(effect.type))
    ) {
      await refreshDisplayName(deps, userId, context.receivedAt);
    }

    // The engine puts quick replies on its last message; cards we add go before it so they stay last.
    let messages = reorderForQuickReplies(extra);
    for (const hook of deps.hooks ?? [])
      if (hook.after) messages = hook.after(result.state, messages, language);
    return {
      state: joinChatState(result.state as unknown as Record<string, unknown>, feedback.slot),
      outbox:
        messages.length > 0
          ? [
              {
                ...reply(context, userId, 'conversation', messages),
                ...(caseReference ? { caseReference } : {}),
                // A copy of their personal data is theirs: not kept in the record staff read.
                ...(result.effects.some((effect) => effect.type === 'showMyData')
                  ? { forgetContent: true }
                  : {}),
              },
            ]
          : [],
      wakeAt: nextTimeoutAt(result.state),
    };
  };
}

/**
 * The record of an event whose content may not be kept (a photo, file or place before consent):
 * only its kind stays, for the staff's view of the chat.
 */
async function forgetContent(deps: BotDeps, context: HandlerContext, kind: string): Promise<void> {
  await deps.models.InboundEvent.updateOne(
    { _id: context.eventId },
    {
      $set: { payload: JSON.stringify({ type: 'message', message: { type: kind } }), notKept: 'no_consent' },
    },
  );
}

/** The case an effect acts on, when it names one (a follow-up on a case of the reporter's). */
function caseOf(effect: Effect): string | undefined {
  if (effect.type === 'addToCase' || effect.type === 'withdrawCase') return effect.reference;
  if (effect.type === 'updateCase' && 'reference' in effect.case) return effect.case.reference;
  return undefined;
}

/**
 * The record of an event that made or changed a case names it: a volunteer's messages speak of many
 * households, and a case shows only those about it (case-api/queries.ts). One write, on such events only.
 */
async function attributeToCase(deps: BotDeps, eventId: string, reference: string | undefined): Promise<void> {
  if (!reference) return;
  await deps.models.InboundEvent.updateOne({ _id: eventId }, { $set: { caseReference: reference } });
}

const MESSAGES_PER_REPLY = 5;
/** Effects that already fetch, or drop, the display name in this event. */
const CONSENT_CHANGES = new Set<Effect['type']>(['recordConsent', 'withdrawConsent', 'deleteMyData']);
/** Effects after which staff are about to see who the person is. */
const NAME_SHOWN_TO_STAFF = new Set<Effect['type']>(['handoff', 'createCase']);

function messagesToSend(effects: Effect[]): number {
  return effects.reduce((n, effect) => n + (effect.type === 'send' ? effect.messages.length : 0), 0);
}

function readState(raw: Record<string, unknown>): ConversationState {
  const parsed = stateSchema.safeParse(raw);
  return parsed.success ? parsed.data : initialState();
}

function userIdOf(context: HandlerContext): string {
  return context.event.source?.userId ?? '';
}

function text(deps: BotDeps, language: string, key: string): messagingApi.Message {
  return { type: 'text', text: deps.i18n.getFixedT(language)(key) };
}

function reply(
  context: HandlerContext,
  to: string,
  purpose: string,
  messages: messagingApi.Message[],
  replyOnly = false,
): OutgoingBatch {
  return {
    id: `${context.eventId}:reply`,
    to,
    purpose,
    eventId: context.eventId,
    messages,
    replyToken: context.replyToken,
    replyTokenExpiresAt: context.replyTokenExpiresAt,
    replyOnly,
  };
}

/** A photo the user unsent disappears from what the report in progress and the early photos hold. */
function withoutMedia(state: ConversationState, mediaId: string): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.filter((item) => item !== mediaId).map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, strip(item)]));
    }
    return value;
  };
  return strip(state) as Record<string, unknown>;
}

/** Keeps the message that carries quick replies last: LINE shows them only on the last message. */
function reorderForQuickReplies(messages: messagingApi.Message[]): messagingApi.Message[] {
  const index = messages.findIndex((message) => 'quickReply' in message && message.quickReply);
  if (index < 0 || index === messages.length - 1) return messages;
  const withQuickReplies = messages[index]!;
  return [...messages.slice(0, index), ...messages.slice(index + 1), withQuickReplies];
}
