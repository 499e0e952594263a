import type { messagingApi } from '@line/bot-sdk';
import type { i18n } from 'i18next';
import type { Case } from './case-schema';
import type { LineModels } from '../line/models';
import type { Sender } from '../line/sender';
import { claimUnusedReplyToken } from '../line/unused-reply-tokens';
import { asksPublication, publicationCard, recordPublicationAsked } from './publication-consent';
import { ratingCard, statusCard, noteMessage, type CardSubject } from './status-cards';
import { REPORTER_ACTOR } from './lifecycle';
import { type CaseApiModels, type CaseChangeDoc } from './case-records';
import { isDuplicateKey } from '../db/models';

const LANGUAGES = ['th', 'en', 'hmn'];
/** Status updates go out before broadcasts when the quota is short. */
const STATUS_PRIORITY = 10;

export type Recipient = { lineUserId: string; language: string };

const LINE_USER_ID = /^U[0-9a-f]{32}$/;

export type NotifierDeps = {
  models: CaseApiModels;
  ingestion: LineModels;
  sender: Sender;
  i18n: i18n;
  clock: () => Date;
};

type CaseRecipients = Pick<Case, 'reporter' | 'volunteer' | 'extraReporters' | 'language'>;

/**
 * Who hears about a case: the reporter, the volunteer who reported for the household, and the
 * reporters of cases merged into it; each once, in their language; never anyone who unfollowed.
 */
export async function recipientsOf(ingestion: LineModels, record: CaseRecipients): Promise<Recipient[]> {
  const ids = [
    ...new Set([
      record.reporter.lineUserId,
      ...(record.volunteer ? [record.volunteer.lineUserId] : []),
      ...(record.extraReporters ?? []).map((r) => r.lineUserId),
    ]),
    // An erased reporter is 'erased': nobody to tell.
  ].filter((id) => LINE_USER_ID.test(id));
  const users = await ingestion.LineUser.find({ _id: { $in: ids } }, { followed: 1, language: 1 }).lean();
  const known = new Map(users.map((user) => [user._id, user]));
  return ids.flatMap((lineUserId) => {
    const user = known.get(lineUserId);
    if (user?.followed === false) return [];
    const language = [user?.language, record.language].find((l) => l && LANGUAGES.includes(l)) ?? 'th';
    return [{ lineUserId, language }];
  });
}

/**
 * Who made a change in the chat (a reporter, or the volunteer who reported): they had the chat's
 * own answer, so no card. Their LINE id is on the change's timeline entry, never in `case_changes`.
 */
function chatActorOf(record: Pick<Case, 'timeline'>, change: CaseChangeDoc): string | undefined {
  if (change.actorId !== REPORTER_ACTOR) return undefined;
  return record.timeline.findLast((entry) => entry.actor === 'reporter' && entry.to === change.to)?.actorId;
}

export function createNotifier(deps: NotifierDeps) {
  const t = deps.i18n.t.bind(deps.i18n);

  /**
   * Queues then delivers one message batch per recipient, exactly once: the outbound id is
   * deterministic (a second enqueue is a no-op) and only the caller whose unique insert of the
   * guard wins delivers now; anything queued but not delivered is left to the sender's retry job.
   * A reply token the bot left unused makes it a free reply; the sender pushes when it cannot.
   */
  async function send(
    reference: string,
    id: string,
    recipient: Recipient,
    purpose: string,
    messages: messagingApi.Message[],
  ): Promise<boolean> {
    const outboundId = `${id}:${recipient.lineUserId}`;
    // A batch already queued (a repeat, or the sweep after a crash) keeps what it was queued with:
    // a token claimed for it would be spent on nothing.
    const queued = await deps.ingestion.OutboundMessage.exists({ _id: outboundId });
    const reply = queued
      ? undefined
      : await claimUnusedReplyToken(deps.ingestion.OutboundMessage.db, recipient.lineUserId, deps.clock());
    await deps.sender.enqueue({
      id: outboundId,
      to: recipient.lineUserId,
      purpose,
      messages,
      caseReference: reference,
      priority: STATUS_PRIORITY,
      replyToken: reply?.token,
      replyTokenExpiresAt: reply?.expiresAt,
    });
    try {
      await deps.models.CaseNotification.create({
        _id: outboundId,
        reference,
        to: recipient.lineUserId,
        at: deps.clock(),
      });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    await deps.sender.deliver(outboundId);
    return true;
  }

  async function notifyChange(
    record: CaseRecipients & Pick<Case, 'reference' | 'timeline'>,
    change: CaseChangeDoc,
  ): Promise<number> {
    const subject: CardSubject = {
      kind: 'status',
      status: change.to,
      rescheduled: change.from === change.to,
      visitDate: change.visitDate,
      reason: change.reason,
      other: change.duplicateOf,
    };
    const madeBy = chatActorOf(record, change);
    let sent = 0;
    for (const recipient of await recipientsOf(deps.ingestion, record)) {
      if (recipient.lineUserId === madeBy) continue;
      const messages: messagingApi.Message[] = [statusCard(t, recipient.language, record.reference, subject)];
      if (change.to === 'completed') messages.push(ratingCard(t, recipient.language, record.reference));
      // The separate consent to show the repair on the public page, asked of the household itself.
      if (change.to === 'completed' && asksPublication(record, recipient.lineUserId)) {
        messages.push(publicationCard(t, recipient.language, record.reference));
        await recordPublicationAsked(
          deps.ingestion.OutboundMessage.db,
          record.reference,
          recipient.lineUserId,
          recipient.language,
          deps.clock(),
        );
      }
      if (await send(record.reference, `case-status:${change._id}`, recipient, 'case_status', messages))
        sent++;
    }
    await deps.models.CaseChange.updateOne({ _id: change._id }, { $set: { notifiedAt: deps.clock() } });
    return sent;
  }

  async function notifyMerged(record: CaseRecipients & { reference: string }, mergedReference: string) {
    for (const recipient of await recipientsOf(deps.ingestion, record)) {
      const card = statusCard(t, recipient.language, record.reference, {
        kind: 'merged',
        other: mergedReference,
      });
      await send(
        record.reference,
        `case-merged:${mergedReference}:${record.reference}`,
        recipient,
        'case_merged',
        [card],
      );
    }
  }

  async function notifyNote(record: CaseRecipients & { reference: string }, noteId: string, note: string) {
    for (const recipient of await recipientsOf(deps.ingestion, record)) {
      await send(record.reference, `case-note:${noteId}`, recipient, 'case_note', [
        noteMessage(t, recipient.language, record.reference, note),
      ]);
    }
  }

  return { notifyChange, notifyMerged, notifyNote };
}

export type Notifier = ReturnType<typeof createNotifier>;
