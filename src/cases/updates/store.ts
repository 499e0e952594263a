import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey, modelOn } from '../../db/models';
import { markNewsWaiting } from '../../ingestion/chat-store';
import { ingestionModels, type IngestionModels } from '../../ingestion/models';
import type { CaseState, PendingCase, PendingCases } from './pending';

/**
 * The status news waiting for one reporter (keyed by their LINE id, so every read on the chat's
 * path is an `_id` lookup): the cases with something untold, when the coalescing window of the
 * first one ends (`dueAt`), a revision bumped by every change, and a generation drawn when the
 * document is created, so that `generation:rev` names one state of it for good.
 */
export type PendingUpdatesDoc = {
  _id: string;
  generation: string;
  rev: number;
  language: string;
  firstAt: Date;
  dueAt: Date;
  cases: PendingCases;
};

/**
 * Who delivers one state of a reporter's news, taken by inserting `generation:rev` (a unique
 * insert is atomic on MongoDB and FerretDB alike): the delivery that wins sends exactly these cards,
 * through `outboundId` (a push of its own, or the reply to the reporter's message). `doneAt` once
 * the message is stored for the sender.
 */
export type UpdateClaimDoc = {
  _id: string;
  to: string;
  language: string;
  outboundId: string;
  cases: PendingCases;
  at: Date;
  doneAt?: Date;
};

const pendingSchema = new Schema<PendingUpdatesDoc>(
  {
    _id: { type: String, required: true },
    generation: { type: String, required: true },
    rev: { type: Number, required: true },
    language: { type: String, required: true },
    firstAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    cases: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'reporter_updates', versionKey: false, minimize: false },
);
pendingSchema.index({ dueAt: 1 });

const claimSchema = new Schema<UpdateClaimDoc>(
  {
    _id: { type: String, required: true },
    to: { type: String, required: true },
    language: { type: String, required: true },
    outboundId: { type: String, required: true },
    cases: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
    doneAt: { type: Date },
  },
  { collection: 'reporter_update_claims', versionKey: false, minimize: false },
);
claimSchema.index({ doneAt: 1, at: 1 });

export type UpdateModels = {
  Pending: Model<PendingUpdatesDoc>;
  Claim: Model<UpdateClaimDoc>;
  /** The chats, where a flag tells the event path that news waits (markNewsWaiting). */
  Chat: IngestionModels['Chat'];
};

export function updateModels(connection: Connection): UpdateModels {
  return {
    Pending: modelOn<PendingUpdatesDoc>(connection, 'ReporterUpdates', pendingSchema),
    Claim: modelOn<UpdateClaimDoc>(connection, 'ReporterUpdateClaim', claimSchema),
    Chat: ingestionModels(connection).Chat,
  };
}

const path = (reference: string, field?: string) => `cases.${reference}${field ? `.${field}` : ''}`;

export type RecordedChange = {
  to: string;
  language: string;
  reference: string;
  seq: number;
  at: Date;
  /** What the reporter knew before this change (used only when the case has no news waiting yet). */
  told: PendingCase['told'];
  latest: CaseState;
};

/**
 * The waiting news, written with single-document updates (atomic on MongoDB and on our FerretDB
 * build) and never older over newer: a case's entry only moves to a higher change `seq`.
 */
export function updateStore(models: UpdateModels) {
  /**
   * Records a change the reporter is to be told: the case's latest state replaces an entry already
   * waiting (the window does not restart), or starts one, with the window's end when it is the first.
   */
  async function record(change: RecordedChange, windowMs: number): Promise<void> {
    const { to, reference, seq } = change;
    const latest = { seq, at: change.at, latest: change.latest };
    for (let attempt = 0; attempt < 3; attempt++) {
      const moved = await models.Pending.updateOne(
        { _id: to, [path(reference, 'seq')]: { $lt: seq } },
        {
          $set: Object.fromEntries(
            Object.entries(latest).map(([key, value]) => [path(reference, key), value]),
          ),
          $inc: { rev: 1 },
        },
      );
      if (moved.matchedCount === 1) return markNewsWaiting(models, to, true);
      try {
        await models.Pending.updateOne(
          { _id: to, [path(reference)]: { $exists: false } },
          {
            $set: { [path(reference)]: { ...latest, told: change.told }, language: change.language },
            $inc: { rev: 1 },
            $setOnInsert: {
              generation: randomUUID(),
              firstAt: change.at,
              dueAt: new Date(change.at.getTime() + windowMs),
            },
          },
          { upsert: true },
        );
        return markNewsWaiting(models, to, true);
      } catch (error) {
        // The document exists and already has this case: at this seq or newer (done), or it was
        // created by a racing change a moment ago (try the update again).
        if (!isDuplicateKey(error)) throw error;
        const entry = await read(to).then((doc) => doc?.cases[reference]);
        if (entry && entry.seq >= seq) return;
      }
    }
  }

  /**
   * A quiet change to a case with news waiting: the reporter will be told its latest state, never a
   * stale one. Starts nothing when nothing waits.
   */
  async function follow(to: string, reference: string, seq: number, at: Date, state: CaseState) {
    await models.Pending.updateOne(
      { _id: to, [path(reference, 'seq')]: { $lt: seq } },
      {
        $set: {
          [path(reference, 'seq')]: seq,
          [path(reference, 'at')]: at,
          [path(reference, 'latest')]: state,
        },
      },
    );
  }

  /** The reporter made the change in the chat and saw its answer there: nothing of that case to tell. */
  async function forget(to: string, reference: string, seq: number) {
    await models.Pending.updateOne(
      { _id: to, [path(reference, 'seq')]: { $lt: seq } },
      { $unset: { [path(reference)]: '' }, $inc: { rev: 1 } },
    );
  }

  async function read(to: string): Promise<PendingUpdatesDoc | null> {
    return models.Pending.findById(to).lean<PendingUpdatesDoc>();
  }

  /**
   * Takes the reporter's waiting news for one delivery. Exactly one taker wins a given state (the
   * claim's unique insert); a taker repeating itself (the same `outboundId`, e.g. a retried chat
   * event) gets the same cards again. The entries taken leave the waiting document, except those a
   * newer change replaced meanwhile, which stay with what the reporter now knows as their baseline.
   */
  async function take(
    doc: PendingUpdatesDoc,
    outboundId: (claimId: string) => string,
    at: Date,
  ): Promise<UpdateClaimDoc | undefined> {
    const claimId = `${doc.generation}:${doc.rev}`;
    const claim: UpdateClaimDoc = {
      _id: claimId,
      to: doc._id,
      language: doc.language,
      outboundId: outboundId(claimId),
      cases: doc.cases,
      at,
    };
    try {
      await models.Claim.create(claim);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const other = await models.Claim.findById(claimId).lean<UpdateClaimDoc>();
      if (other?.outboundId !== claim.outboundId) return undefined;
      await settle(other);
      return other;
    }
    await settle(claim);
    // Taken: the reporter's next message looks for news no more (news recorded meanwhile marks it again).
    await markNewsWaiting(models, doc._id, false);
    return claim;
  }

  /** Removes what a claim took from the waiting document (idempotent). */
  async function settle(claim: UpdateClaimDoc): Promise<void> {
    const { to, cases } = claim;
    for (const [reference, entry] of Object.entries(cases)) {
      const removed = await models.Pending.updateOne(
        { _id: to, [path(reference, 'seq')]: entry.seq },
        { $unset: { [path(reference)]: '' } },
      );
      if (removed.matchedCount === 0)
        await models.Pending.updateOne(
          { _id: to, [path(reference, 'seq')]: { $gt: entry.seq } },
          {
            $set: {
              [path(reference, 'told')]: { status: entry.latest.status, visitDate: entry.latest.visitDate },
            },
          },
        );
    }
    // Nothing new since the claim: the document goes (the next change starts a new generation).
    const [generation, rev] = claim._id.split(':');
    await models.Pending.deleteOne({ _id: to, generation, rev: Number(rev) });
  }

  return { record, follow, forget, read, take, settle };
}

export type UpdateStore = ReturnType<typeof updateStore>;

/** Status news still waiting for an erased person, and the record of what was delivered to them, go. */
export async function forgetUpdatesFor(connection: Connection, lineUserId: string): Promise<void> {
  const updates = updateModels(connection);
  await updates.Pending.deleteOne({ _id: lineUserId });
  await updates.Claim.deleteMany({ to: lineUserId });
}
