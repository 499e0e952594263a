import { randomUUID } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import type { i18n } from 'i18next';
import type { Connection, QueryFilter } from 'mongoose';
import type { CaseModels } from '../cases/create-case';
import {
  notifyStaff,
  provinceRecipients,
  staffNotificationModel,
} from '../notifications/staff-notifications';
import { postbackData, readPostback, type Postback } from '../conversation/postback';
import { staffModels } from '../staff/models';
import { caseFeedbackModel, type CaseFeedbackDoc, type CaseFeedbackModel } from './model';
import { isDuplicateKey } from '../db/models';

export type FeedbackDeps = { feedback: CaseFeedbackModel; cases: CaseModels; i18n: i18n };

/** How long after "add a comment" the next text is taken as the comment. */
const COMMENT_WINDOW_MS = 30 * 60_000;
type FeedbackPostback = Extract<Postback, { kind: 'rate' | 'rateComment' | 'reopen' }>;

function feedbackPostbackOf(data: string): FeedbackPostback | undefined {
  const tapped = readPostback(data);
  return tapped?.kind === 'rate' || tapped?.kind === 'rateComment' || tapped?.kind === 'reopen'
    ? tapped
    : undefined;
}

export function isFeedbackPostback(data: string): boolean {
  return feedbackPostbackOf(data) !== undefined;
}

/**
 * "Add a comment" was tapped: the chat's next text is the comment. Kept in the chat's state (read
 * with every event anyway), so an ordinary text costs no lookup; any other step of the
 * conversation drops it.
 */
export type CommentWait = { feedbackId: string; reference: string; until: string };

export type FeedbackAnswer = { messages: messagingApi.Message[]; commentWait?: CommentWait };

/**
 * The answers to the rating card sent when a case is completed: a rating, an optional comment, or
 * "not solved" (a request to reopen, for staff to decide). Only the case's reporters may answer.
 */
export async function handleFeedbackPostback(
  deps: FeedbackDeps,
  data: string,
  userId: string,
  language: string,
  at: Date,
): Promise<FeedbackAnswer> {
  const answer = await answerPostback(deps, data, userId, language, at);
  return { ...answer, messages: withMenu(deps, language, answer.messages) };
}

/**
 * These answers bypass the conversation engine, which ends every message with a way on: the menu
 * is added here the same way (one tap back to the bot).
 */
function withMenu(
  deps: FeedbackDeps,
  language: string,
  messages: messagingApi.Message[],
): messagingApi.Message[] {
  const last = messages.at(-1);
  if (!last) return messages;
  const label = deps.i18n.getFixedT(language, 'bot')('reply.menu');
  const menu: messagingApi.QuickReplyItem = {
    type: 'action',
    action: {
      type: 'postback',
      label: `🏠 ${label}`,
      data: postbackData.command('menu'),
      displayText: label,
    },
  };
  return [
    ...messages.slice(0, -1),
    { ...last, quickReply: { items: [...(last.quickReply?.items ?? []), menu] } },
  ];
}

async function answerPostback(
  deps: FeedbackDeps,
  data: string,
  userId: string,
  language: string,
  at: Date,
): Promise<FeedbackAnswer> {
  const t = deps.i18n.getFixedT(language, 'feedback');
  const tapped = feedbackPostbackOf(data);
  const reference = tapped?.reference ?? '';
  const found = await deps.cases.cases
    .findOne(
      { reference },
      { reference: 1, status: 1, reporter: 1, volunteer: 1, extraReporters: 1, location: 1 },
    )
    .lean();
  const reporters = [
    found?.reporter?.lineUserId,
    found?.volunteer?.lineUserId,
    ...((found as { extraReporters?: { lineUserId?: string }[] } | null)?.extraReporters ?? []).map(
      (r) => r.lineUserId,
    ),
  ];
  if (!found || !reporters.includes(userId) || found.status !== 'completed') {
    return { messages: [{ type: 'text', text: t('not_open', { reference }) }] };
  }
  const id = `${reference}:${userId}`;

  if (tapped?.kind === 'rate') {
    try {
      await deps.feedback.create({ _id: id, reference, lineUserId: userId, rating: tapped.stars, at });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return { messages: [{ type: 'text', text: t('already_rated', { reference }) }] };
    }
    const thanks: messagingApi.Message[] = [
      {
        type: 'text',
        text: t('thanks', { reference }),
        quickReply: {
          items: [
            {
              type: 'action',
              action: {
                type: 'postback',
                label: t('add_comment'),
                data: postbackData.rateComment(reference),
                displayText: t('add_comment'),
              },
            },
            {
              type: 'action',
              action: {
                type: 'postback',
                label: t('not_solved'),
                data: postbackData.reopen(reference),
                displayText: t('not_solved'),
              },
            },
          ],
        },
      },
    ];
    return { messages: thanks };
  }

  if (tapped?.kind === 'rateComment') {
    await deps.feedback.updateOne(
      { _id: id },
      { $setOnInsert: { reference, lineUserId: userId, at } },
      { upsert: true },
    );
    return {
      messages: [{ type: 'text', text: t('write_comment') }],
      commentWait: {
        feedbackId: id,
        reference,
        until: new Date(at.getTime() + COMMENT_WINDOW_MS).toISOString(),
      },
    };
  }

  // Not solved: staff of the province are told and decide whether to reopen the case.
  await deps.feedback.updateOne(
    { _id: id },
    { $set: { reopenRequestedAt: at }, $setOnInsert: { reference, lineUserId: userId, at } },
    { upsert: true },
  );
  const connection = deps.cases.connection;
  const provinceCode = (found.location as { resolved?: { provinceCode?: string } } | undefined)?.resolved
    ?.provinceCode;
  for (const staffId of await provinceRecipients(staffModels(connection), provinceCode)) {
    await notifyStaff(staffNotificationModel(connection), {
      _id: `reopen:${reference}:${userId}:${staffId}`,
      staffId,
      data: { kind: 'reopen_requested', reference, at },
      createdAt: at,
    });
  }
  return { messages: [{ type: 'text', text: t('reopen_requested', { reference }) }] };
}

/** A text that answers "add a comment" in time: stored, and the conversation engine is not asked. */
export async function takeFeedbackComment(
  deps: FeedbackDeps,
  wait: CommentWait,
  text: string,
  language: string,
  at: Date,
): Promise<messagingApi.Message[] | undefined> {
  if (Date.parse(wait.until) <= at.getTime()) return undefined;
  await deps.feedback.updateOne({ _id: wait.feedbackId }, { $set: { comment: text.slice(0, 2000) } });
  return withMenu(deps, language, [
    {
      type: 'text',
      text: deps.i18n.getFixedT(language, 'feedback')('comment_saved', { reference: wait.reference }),
    },
  ]);
}

/**
 * A person's erasure: their ratings stay for the foundation's figures, re-keyed and without the
 * person (the key held their LINE user id) or their comment (free text may name them).
 */
export function eraseFeedback(connection: Connection, userId: string): Promise<number> {
  return anonymiseFeedback(connection, { lineUserId: userId });
}

/** A case's erasure (the person's request, the retention period): its ratings lose who and what they wrote. */
export function eraseCaseFeedback(connection: Connection, reference: string): Promise<number> {
  return anonymiseFeedback(connection, { reference, lineUserId: { $ne: 'erased' } });
}

async function anonymiseFeedback(
  connection: Connection,
  filter: QueryFilter<CaseFeedbackDoc>,
): Promise<number> {
  const feedback = caseFeedbackModel(connection);
  const theirs = await feedback.find(filter).lean();
  for (const item of theirs) {
    // Deleted first: a crash in between loses one rating rather than counting it twice.
    await feedback.deleteOne({ _id: item._id });
    await feedback.create({
      _id: `${item.reference}:erased:${randomUUID()}`,
      reference: item.reference,
      lineUserId: 'erased',
      ...(item.rating ? { rating: item.rating } : {}),
      ...(item.reopenRequestedAt ? { reopenRequestedAt: item.reopenRequestedAt } : {}),
      at: item.at,
    });
  }
  return theirs.length;
}
