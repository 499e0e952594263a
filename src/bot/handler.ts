import type { messagingApi } from '@line/bot-sdk';
import type { i18n, TFunction } from 'i18next';
import type { Case } from '../cases/case-schema';
import { createCase, type CaseModels } from '../cases/create-case';
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
import type { EventHandler, HandlerContext } from '../ingestion/processor';
import type { IngestionModels } from '../ingestion/models';
import type { LineApi } from '../line/line-api';
import type { OutgoingBatch } from '../line/sender';
import type { Logger } from '../logger';
import { captureLineMedia, deleteMedia, lineMediaId } from '../media/media-store';
import type { MediaModels } from '../media/models';
import { caseInputFrom } from './case-input';
import { consentId, type ConsentModel } from './consents';
import type { HandoffModel } from '../handoffs/model';
import {
  handleFeedbackPostback,
  isFeedbackPostback,
  takeFeedbackComment,
  type CommentWait,
} from '../feedback/feedback';
import type { CaseFeedbackModel } from '../feedback/model';
import { handlePublicationPostback, isPublicationPostback } from '../public/publication';
import { addToCase, withdrawCase, type CaseActionOutcome } from './case-actions';
import { intentOf, mediaInput } from './event-input';
import { casesCarousel, eraseUserData, loadDataCopy, renderDataCopy } from './my-data';

export type BotDeps = {
  engine: Engine;
  i18n: i18n;
  api: LineApi;
  models: IngestionModels;
  media: MediaModels;
  cases: CaseModels;
  consents: ConsentModel;
  handoffs: HandoffModel;
  feedback: CaseFeedbackModel;
  logger: Logger;
  defaultLocale: string;
  /** Effects handled by other features (volunteers); may add messages to the answer. */
  onEffect?: (effect: Effect, lineUserId: string) => Promise<messagingApi.Message[] | void>;
  /** After a new case is stored (volunteer offers); not awaited, so a slow LINE call never delays the answer. */
  onCaseCreated?: (created: Case) => Promise<unknown>;
};

/**
 * The bot: turns one stored LINE event into the engine's input, runs the engine, performs its
 * effects idempotently (keyed by the event) and returns the new state and the messages to send.
 */
export function createBotHandler(deps: BotDeps): EventHandler {
  const { logger } = deps;

  return async (context) => {
    const intent = intentOf(context.event);
    const state = readState(context.state);
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
        return { state: withoutMedia(state, mediaId), outbox: [] };
      }
      default:
        break;
    }

    const userId = userIdOf(context);
    let input: Input;
    const extra: messagingApi.Message[] = [];
    if (intent.kind === 'follow') {
      const profile = await deps.api.call(({ client }) => client.getProfile(userId)).catch(() => undefined);
      await deps.models.LineUser.updateOne(
        { _id: userId },
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
      // Answers to the rating card of a completed case, and the comment after it, are not the engine's.
      const language = state.language ?? deps.defaultLocale;
      const at = new Date(context.event.timestamp);
      const { commentWait, ...engineState } = context.state as { commentWait?: CommentWait };
      if (input.kind === 'postback' && isPublicationPostback(input.data)) {
        const messages = await handlePublicationPostback(
          { connection: deps.cases.connection, i18n: deps.i18n },
          input.data,
          userId,
          language,
          at,
        );
        return { state: engineState, outbox: [reply(context, userId, 'conversation', messages)] };
      }
      if (input.kind === 'postback' && isFeedbackPostback(input.data)) {
        const answer = await handleFeedbackPostback(deps, input.data, userId, language, at);
        return {
          state: answer.commentWait ? { ...engineState, commentWait: answer.commentWait } : engineState,
          outbox: [reply(context, userId, 'conversation', answer.messages)],
        };
      }
      const comment =
        input.kind === 'text' && commentWait
          ? await takeFeedbackComment(deps, commentWait, input.text, language, at)
          : undefined;
      if (comment) return { state: engineState, outbox: [reply(context, userId, 'conversation', comment)] };
    }

    // The event's own time and id make the engine's output the same on every retry.
    let counter = 0;
    const result = step(
      deps.engine,
      state,
      input,
      { now: () => new Date(context.event.timestamp) },
      { next: () => `${context.eventId}-${counter++}` },
    );
    const language = result.state.language ?? deps.defaultLocale;
    const t = deps.i18n.getFixedT(language);
    /** The answer that confirms a new case belongs to the case's record of messages. */
    let caseReference: string | undefined;

    for (const effect of result.effects) {
      switch (effect.type) {
        case 'send':
          extra.push(...renderMessages(effect.messages, t, language));
          break;
        case 'createCase': {
          const created = await createCase(
            deps.cases,
            caseInputFrom(effect, userId),
            () => new Date(context.event.timestamp),
          );
          caseReference = created.case.reference;
          if (created.created) {
            void deps
              .onCaseCreated?.(created.case)
              .catch((error: unknown) => logger.warn({ err: error }, 'volunteer offers failed'));
          }
          extra.push(
            ...renderMessages(
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
          );
          break;
        }
        case 'recordConsent':
          await deps.consents
            .updateOne(
              { _id: consentId(userId, effect.at) },
              {
                $setOnInsert: {
                  lineUserId: userId,
                  noticeVersion: effect.noticeVersion,
                  sensitive: effect.sensitive,
                  language: effect.language,
                  givenAt: new Date(effect.at),
                },
              },
              { upsert: true },
            )
            .catch(ignoreDuplicate);
          await storeDisplayName(deps, userId, context.receivedAt);
          break;
        case 'withdrawConsent':
          await deps.consents.updateMany(
            { lineUserId: userId, withdrawnAt: null },
            { $set: { withdrawnAt: new Date(effect.at) } },
          );
          await deps.models.LineUser.updateOne(
            { _id: userId },
            { $unset: { displayName: '', profileFetchedAt: '' } },
          );
          break;
        case 'deleteMyData': {
          const erased = await eraseUserData(deps, userId);
          extra.push({
            type: 'text',
            text: [
              t('line:my_data.deleted', erased),
              ...(erased.households > 0
                ? [t('line:my_data.households_kept', { count: erased.households })]
                : []),
            ].join('\n\n'),
          });
          break;
        }
        case 'showCases':
          extra.push(await casesCarousel(deps, userId, language));
          break;
        case 'showMyData': {
          // The copy shares the reply with the flow's closing text: LINE takes 5 messages per reply.
          const room = MESSAGES_PER_REPLY - extra.length - messagesToSend(result.effects);
          const copy = await loadDataCopy(deps, userId, language);
          extra.push(...renderDataCopy(copy, t, language, Math.max(room, 1), context.receivedAt));
          break;
        }
        case 'addToCase': {
          const outcome = await addToCase(deps.cases, userId, effect);
          if (outcome.kind !== 'added') {
            // Not kept with any case: the files go, as for a report that was never confirmed.
            const voice = effect.note && 'voiceMediaId' in effect.note ? [effect.note.voiceMediaId] : [];
            for (const mediaId of [...effect.mediaIds, ...voice]) await deleteMedia(deps.media, mediaId);
          }
          extra.push(...caseActionAnswer(outcome, effect.reference, t, language));
          break;
        }
        case 'withdrawCase':
          extra.push(
            ...caseActionAnswer(
              await withdrawCase(deps.cases, userId, effect),
              effect.reference,
              t,
              language,
            ),
          );
          break;
        case 'handoff':
          await deps.handoffs.updateOne(
            { _id: userId },
            {
              $set: { status: 'open', since: new Date(effect.since) },
              $unset: { closedAt: '', closedBy: '' },
            },
            { upsert: true },
          );
          break;
        case 'endHandoff':
          await deps.handoffs.updateOne(
            { _id: userId },
            { $set: { status: 'closed', closedAt: new Date(effect.at) } },
          );
          break;
        case 'discardMedia':
          for (const mediaId of effect.mediaIds) await deleteMedia(deps.media, mediaId);
          break;
        default: {
          const more = await deps.onEffect?.(effect, userId);
          if (more) extra.push(...more);
        }
      }
    }

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
    const messages = reorderForQuickReplies(extra);
    // A reminder tick is not the person moving on: an awaited feedback comment stays awaited.
    const { commentWait } = context.state as { commentWait?: CommentWait };
    return {
      state: {
        ...(result.state as unknown as Record<string, unknown>),
        ...(input.kind === 'timeout' && commentWait ? { commentWait } : {}),
      },
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

const MESSAGES_PER_REPLY = 5;
const DAY_MS = 24 * 3600 * 1000;
/** Effects that already fetch, or drop, the display name in this event. */
const CONSENT_CHANGES = new Set<Effect['type']>(['recordConsent', 'withdrawConsent', 'deleteMyData']);
/** Effects after which staff are about to see who the person is. */
const NAME_SHOWN_TO_STAFF = new Set<Effect['type']>(['handoff', 'createCase']);

function messagesToSend(effects: Effect[]): number {
  return effects.reduce((n, effect) => n + (effect.type === 'send' ? effect.messages.length : 0), 0);
}

/**
 * The LINE display name, which the privacy notice lists: kept only once the user consented, so
 * staff see who they talk to. A failed profile call keeps what we had; the next day tries again.
 */
async function storeDisplayName(deps: BotDeps, userId: string, at: Date): Promise<void> {
  const profile = await deps.api.call(({ client }) => client.getProfile(userId)).catch(() => undefined);
  await deps.models.LineUser.updateOne(
    { _id: userId },
    { $set: { profileFetchedAt: at, ...(profile?.displayName ? { displayName: profile.displayName } : {}) } },
    { upsert: true },
  );
}

/** People change their LINE name: at most one profile call a day per consenting user. */
async function refreshDisplayName(deps: BotDeps, userId: string, at: Date): Promise<void> {
  // Claimed by the conditional write, so the common case (fetched today) costs one write and no call.
  const due = await deps.models.LineUser.updateOne(
    {
      _id: userId,
      $or: [
        { profileFetchedAt: { $exists: false } },
        { profileFetchedAt: { $lt: new Date(at.getTime() - DAY_MS) } },
      ],
    },
    { $set: { profileFetchedAt: at } },
  );
  if (due.modifiedCount === 1) await storeDisplayName(deps, userId, at);
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
            action: { type: 'postback', data: 'flow:my-cases' },
          },
          { label: { key: 'bot:reply.menu' }, emoji: '🏠', action: { type: 'postback', data: 'cmd:menu' } },
        ],
      },
    ],
    t,
    language,
  );
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

function ignoreDuplicate(error: { code?: number }): void {
  if (error.code !== 11000) throw error;
}
