import type { messagingApi } from '@line/bot-sdk';
import type { i18n } from 'i18next';
import type { Case, CaseStatus } from './case-schema';
import type { LineModels } from '../line/models';
import type { Sender } from '../line/sender';
import { claimUnusedReplyToken, unusedReplyTokenModel } from '../line/unused-reply-tokens';
import { createUpdateDelivery, STATUS_PRIORITY, type UpdateDelivery } from './updates/delivery';
import { statusCard, noteMessage } from './status-cards';
import { REPORTER_ACTOR } from './lifecycle';
import { type CaseApiModels, type CaseChangeDoc } from './case-records';
import { isDuplicateKey } from '../db/models';

const LANGUAGES = ['th', 'en', 'hmn'];
/** A guard this old without its news queued was left by a crash. */
const STALE_GUARD_MS = 30_000;

export type Recipient = { lineUserId: string; language: string };

const LINE_USER_ID = /^U[0-9a-f]{32}$/;

export type NotifierDeps = {
  models: CaseApiModels;
  ingestion: LineModels;
  sender: Sender;
  i18n: i18n;
  clock: () => Date;
  /**
   * Where status news waits for the reporter to write, or for its push (cases/updates/); by
   * default one without a coalescing window (every change delivered at once).
   */
  updates?: UpdateDelivery;
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
  const updates =
    deps.updates ??
    createUpdateDelivery({
      connection: deps.ingestion.OutboundMessage.db,
      ingestion: deps.ingestion,
      sender: deps.sender,
      i18n: deps.i18n,
      clock: deps.clock,
      coalesceMs: 0,
    });

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

  /**
   * A lifecycle change for the case's reporters: queued once per change and reporter (the guard's
   * unique insert) as the case's latest news for them, told in the free reply when they write, or
   * in one push per reporter when the coalescing window ends (cases/updates/). A reply token the
   * bot left unused, or no window, delivers at once. A quiet change only keeps news already waiting
   * up to date; the reporter who made the change in the chat saw it there.
   */
  async function notifyChange(
    record: CaseRecipients & Pick<Case, 'reference' | 'timeline'>,
    change: CaseChangeDoc,
  ): Promise<number> {
    const madeBy = chatActorOf(record, change);
    const state = {
      status: change.to,
      ...(change.visitDate ? { visitDate: change.visitDate } : {}),
      ...(change.reason ? { reason: change.reason } : {}),
      ...(change.duplicateOf ? { duplicateOf: change.duplicateOf } : {}),
    };
    const { store } = updates;
    let told: { status: CaseStatus; visitDate?: string } | undefined;
    let queued = 0;
    for (const recipient of await recipientsOf(deps.ingestion, record)) {
      const to = recipient.lineUserId;
      if (to === madeBy) {
        await store.forget(to, record.reference, change.seq);
        continue;
      }
      if (change.quiet) {
        await store.follow(to, record.reference, change.seq, change.at, state);
        continue;
      }
      if (!(await guard(record.reference, `case-status:${change._id}:${to}`, to))) continue;
      told ??= { status: change.from, visitDate: await visitDateBefore(record.reference, change) };
      await store.record(
        {
          to,
          language: recipient.language,
          reference: record.reference,
          seq: change.seq,
          at: change.at,
          told,
          latest: state,
        },
        updates.coalesceMs,
      );
      await deps.models.CaseNotification.updateOne(
        { _id: `case-status:${change._id}:${to}` },
        { $set: { queuedAt: deps.clock() } },
      );
      queued++;
      if (updates.coalesceMs === 0 || (await hasUnusedReplyToken(to))) await updates.deliver(to);
    }
    if (!change.quiet)
      await deps.models.CaseChange.updateOne({ _id: change._id }, { $set: { notifiedAt: deps.clock() } });
    return queued;
  }

  /**
   * The once-only guard of a change for a reporter. A guard left by a crash before its news was
   * queued (no `queuedAt` after a while) lets the sweep queue it: recording the same change twice
   * changes nothing.
   */
  async function guard(reference: string, id: string, to: string): Promise<boolean> {
    try {
      await deps.models.CaseNotification.create({ _id: id, reference, to, at: deps.clock() });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const other = await deps.models.CaseNotification.findById(id).lean();
      return Boolean(
        other && !other.queuedAt && deps.clock().getTime() - other.at.getTime() > STALE_GUARD_MS,
      );
    }
  }

  /** The visit date the reporter knew before a new date (the change before it that set one). */
  async function visitDateBefore(reference: string, change: CaseChangeDoc): Promise<string | undefined> {
    if (change.from !== 'visit_scheduled') return undefined;
    for (let seq = change.seq - 1; seq > 0 && seq >= change.seq - 20; seq--) {
      const earlier = await deps.models.CaseChange.findById(`${reference}:${seq}`, {
        to: 1,
        visitDate: 1,
      }).lean();
      if (earlier?.to === 'visit_scheduled' && earlier.visitDate) return earlier.visitDate;
    }
    return undefined;
  }

  async function hasUnusedReplyToken(to: string): Promise<boolean> {
    const token = await unusedReplyTokenModel(deps.ingestion.OutboundMessage.db).findById(to).lean();
    return Boolean(token && token.expiresAt.getTime() > deps.clock().getTime());
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
