import type { messagingApi } from '@line/bot-sdk';
import type { i18n } from 'i18next';
import type { Connection } from 'mongoose';
import type { Case } from '../case-schema';
import { caseModels } from '../create-case';
import type { LineModels } from '../../line/models';
import { MESSAGES_PER_CALL, type Sender } from '../../line/sender';
import { claimUnusedReplyToken } from '../../line/unused-reply-tokens';
import { asksPublication, publicationCard, recordPublicationAsked } from '../publication-consent';
import { updateMessages, whatToTell, type PendingCases } from './pending';
import { updateModels, updateStore, type UpdateClaimDoc } from './store';

/** Status updates go out before broadcasts when the quota is short (see broadcasts/quota.ts). */
export const STATUS_PRIORITY = 10;
/** A reply's claim is checked this long after: by then the reply is stored, or it never will be. */
const REPLY_SETTLE_MS = 2 * 60_000;
/** Claims are the record of what went out; kept a week, like the job ticks. */
const CLAIMS_KEPT_MS = 7 * 24 * 3600_000;

export type UpdateDeliveryDeps = {
  connection: Connection;
  ingestion: LineModels;
  sender: Sender;
  i18n: i18n;
  clock: () => Date;
  /** How long news waits for the reporter to write (a free reply) or for more news; 0: at once. */
  coalesceMs: number;
};

export type ReplyUpdates = { messages: messagingApi.Message[]; references: string[] };

/**
 * Delivers a reporter's waiting status news: in the reply to their own message when they write
 * (free), else as one push per reporter once the coalescing window of the first news ends. Each
 * delivery takes the news with a claim (store.ts), so a reply and the push job, or two instances,
 * never both send it.
 */
export function createUpdateDelivery(deps: UpdateDeliveryDeps) {
  const models = updateModels(deps.connection);
  const store = updateStore(models);
  const { cases } = caseModels(deps.connection);
  const t = deps.i18n.t.bind(deps.i18n);

  /** The cards of a claim (or of news about to be claimed), in at most `room` message objects. */
  async function messagesOf(
    to: string,
    language: string,
    news: PendingCases,
    room: number,
    askedAt?: Date,
  ): Promise<{ messages: messagingApi.Message[]; references: string[] } | undefined> {
    const tellings = whatToTell(news);
    if (tellings.length === 0) return { messages: [], references: [] };
    const extra: messagingApi.Message[] = [];
    for (const { reference, subject } of tellings) {
      if (subject.status !== 'completed') continue;
      // The separate consent to show the repair on the public page, asked of the household itself.
      const record = await cases
        .findOne({ reference }, { reporter: 1, volunteer: 1 })
        .lean<Pick<Case, 'reporter' | 'volunteer'>>();
      if (!record || !asksPublication(record, to)) continue;
      extra.push(publicationCard(t, language, reference));
      if (askedAt) await recordPublicationAsked(deps.connection, reference, to, language, askedAt);
    }
    const messages = updateMessages(t, language, tellings, extra, room);
    return messages && { messages, references: tellings.map(({ reference }) => reference) };
  }

  /** Stores a claimed delivery as a message for the sender (a free reply when a token is left) and sends it. */
  async function push(claim: UpdateClaimDoc, outboundId: string): Promise<boolean> {
    const at = deps.clock();
    const built =
      (await messagesOf(claim.to, claim.language, claim.cases, MESSAGES_PER_CALL, at)) ??
      // More cases than five carousels: the sender splits it (rare beyond belief).
      (await messagesOf(claim.to, claim.language, claim.cases, Infinity, at))!;
    if (built.messages.length > 0) {
      const queued = await deps.ingestion.OutboundMessage.exists({ _id: outboundId });
      const reply = queued ? undefined : await claimUnusedReplyToken(deps.connection, claim.to, at);
      await deps.sender.enqueue({
        id: outboundId,
        to: claim.to,
        purpose: 'case_status',
        messages: built.messages,
        caseReference: built.references[0],
        caseReferences: built.references,
        priority: STATUS_PRIORITY,
        replyToken: reply?.token,
        replyTokenExpiresAt: reply?.expiresAt,
      });
    }
    await models.Claim.updateOne({ _id: claim._id }, { $set: { doneAt: deps.clock() } });
    if (built.messages.length > 0) await deps.sender.deliver(outboundId);
    return built.messages.length > 0;
  }

  /** Delivers the reporter's waiting news now, whatever the window (a reply token left, or no window). */
  async function deliver(to: string): Promise<boolean> {
    const doc = await store.read(to);
    if (!doc || Object.keys(doc.cases).length === 0) return false;
    const claim = await store.take(doc, (claimId) => `updates:${claimId}`, deps.clock());
    return claim ? push(claim, claim.outboundId) : false;
  }

  /**
   * The news to add to the reply to a reporter's message, in at most `room` messages: taken for
   * that reply (`replyId`), so no push follows. Nothing when it does not fit (it waits).
   */
  async function forReply(
    to: string,
    replyId: string,
    room: number,
    retried: boolean,
  ): Promise<ReplyUpdates> {
    const none = { messages: [], references: [] };
    if (room <= 0) return none;
    const doc = await store.read(to);
    let claim: UpdateClaimDoc | undefined;
    if (doc && Object.keys(doc.cases).length > 0) {
      // Claimed only when it fits; the claimed state is the one read (or, repeated, the first claim's).
      if (!(await messagesOf(to, doc.language, doc.cases, room))) return none;
      claim = await store.take(doc, () => replyId, deps.clock());
    } else if (retried) {
      // A retried event whose first try took the news before its reply was stored: the same cards.
      claim =
        (await models.Claim.findOne({
          outboundId: replyId,
          doneAt: { $exists: false },
        }).lean<UpdateClaimDoc>()) ?? undefined;
    }
    if (!claim) return none;
    return (await messagesOf(to, claim.language, claim.cases, room, deps.clock())) ?? none;
  }

  /**
   * The job: pushes the news whose window has ended, one push per reporter, and finishes claims a
   * crash left (a push claimed but not stored, a reply that was never stored becomes a push).
   */
  async function deliverDue(now: Date): Promise<Record<string, number>> {
    const due = await models.Pending.find({ dueAt: { $lte: now } }, { _id: 1 }, { limit: 100 }).lean();
    let pushed = 0;
    for (const { _id } of due) if (await deliver(_id)) pushed++;

    let recovered = 0;
    const open = await models.Claim.find(
      { doneAt: { $exists: false }, at: { $lte: new Date(now.getTime() - REPLY_SETTLE_MS) } },
      null,
      { limit: 100 },
    ).lean<UpdateClaimDoc[]>();
    for (const claim of open) {
      if (await deps.ingestion.OutboundMessage.exists({ _id: claim.outboundId })) {
        await models.Claim.updateOne({ _id: claim._id }, { $set: { doneAt: now } });
        continue;
      }
      const pushId = `updates:${claim._id}`;
      if (claim.outboundId !== pushId) {
        // The reply it was taken for was never stored: a push instead, and a late retry of that
        // event no longer finds it (the claim names the push now).
        const moved = await models.Claim.updateOne(
          { _id: claim._id, outboundId: claim.outboundId },
          { $set: { outboundId: pushId } },
        );
        if (moved.matchedCount === 0) continue;
      }
      if (await push({ ...claim, outboundId: pushId }, pushId)) recovered++;
    }
    return { pushed, recovered };
  }

  /** For a daily job: the record of deliveries, a week of it. */
  async function purgeClaims(now: Date): Promise<number> {
    const { deletedCount } = await models.Claim.deleteMany({
      doneAt: { $lt: new Date(now.getTime() - CLAIMS_KEPT_MS) },
    });
    return deletedCount;
  }

  return { store, deliver, forReply, deliverDue, purgeClaims, coalesceMs: deps.coalesceMs };
}

export type UpdateDelivery = ReturnType<typeof createUpdateDelivery>;
