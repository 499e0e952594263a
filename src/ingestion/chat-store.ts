import { randomUUID } from 'node:crypto';
import type { IngestionModels } from './models';
import type { AnyBulkWriteOperation } from 'mongodb';
import { isDuplicateKey } from '../db/models';
import { groupCommit } from '../db/group-commit';

/**
 * The chat document as the event path reads and writes it: state, revision, the ids of recently
 * applied events, and the lease of the instance working on it. Native driver calls, one command each:
 * this is the busiest path of the service.
 */
export type ChatRecord = {
  rev: number;
  state: Record<string, unknown>;
  appliedEventIds: string[];
  /** The previous holder's lease had run out: it died or stalled in the middle of this chat. */
  takenOver: boolean;
  /** Status news waits for the person: the reply may carry it (see markNewsWaiting). */
  newsWaiting: boolean;
};

type ChatDocument = {
  _id: string;
  rev?: number;
  state?: Record<string, unknown>;
  appliedEventIds?: string[];
  leaseOwner?: string;
  leaseUntil?: Date;
  newsWaiting?: boolean;
  /** Written by each commit, so that a grouped commit can tell which of its chats it reached. */
  commitId?: string;
};

/** How many applied event ids a chat remembers: a redelivery of an older one is refused by its record. */
const APPLIED_IDS_KEPT = 100;

export function chatStore(models: IngestionModels) {
  const chats = models.Chat.collection as unknown as import('mongodb').Collection<ChatDocument>;
  const commits = groupCommit(
    async (ops: { chatKey: string; commitId: string; op: AnyBulkWriteOperation<ChatDocument> }[]) => {
      const result = await chats.bulkWrite(
        ops.map(({ op }) => op),
        { ordered: false },
      );
      if (result.matchedCount === ops.length) return ops.map(() => true);
      // One lost its lease (rare): which ones landed, by the id each commit wrote.
      const landed = await chats
        .find({ _id: { $in: ops.map(({ chatKey }) => chatKey) } }, { projection: { commitId: 1 } })
        .toArray();
      const commitOf = new Map(landed.map((chat) => [chat._id, chat.commitId]));
      return ops.map(({ chatKey, commitId }) => commitOf.get(chatKey) === commitId);
    },
  );

  return {
    /**
     * Takes the chat's lease and reads its state in one command: the lease is free, run out, or the
     * chat is new (upserted). Undefined while another instance holds it. The database applies this
     * conditional write atomically (MongoDB; FerretDB with our patch), so two takers never both win.
     */
    async claim(chatKey: string, owner: string, until: Date, now: Date): Promise<ChatRecord | undefined> {
      try {
        const before = await chats.findOneAndUpdate(
          { _id: chatKey, $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lte: now } }] },
          { $set: { leaseOwner: owner, leaseUntil: until } },
          { upsert: true, returnDocument: 'before' },
        );
        if (!before) return { rev: 0, state: {}, appliedEventIds: [], takenOver: false, newsWaiting: false };
        return {
          rev: before.rev ?? 0,
          state: before.state ?? {},
          appliedEventIds: before.appliedEventIds ?? [],
          takenOver: Boolean(before.leaseOwner && before.leaseUntil),
          newsWaiting: Boolean(before.newsWaiting),
        };
      } catch (error) {
        // The filter missed because the lease is held, and the upsert met the existing chat.
        if (isDuplicateKey(error)) return undefined;
        throw error;
      }
    },

    /** Keeps the lease for a while longer; false when it is no longer ours. */
    async extend(chatKey: string, owner: string, until: Date): Promise<boolean> {
      const result = await chats.updateOne(
        { _id: chatKey, leaseOwner: owner },
        { $set: { leaseUntil: until } },
      );
      return result.matchedCount === 1;
    },

    /**
     * Writes what a burst of events did, and gives the lease back, in one command, only while the
     * lease is ours: a holder that lost it (stalled past its end) changes nothing. The commits of
     * chats finished meanwhile share one command (group commit); the database tells only how many
     * matched, so when one of them lost its lease (rare) one read of the chats' commit ids tells which.
     */
    commit(
      chatKey: string,
      owner: string,
      change: {
        rev: number;
        state: Record<string, unknown>;
        appliedEventIds: string[];
        wakeAt?: Date | null;
        now: Date;
      },
    ): Promise<boolean> {
      const commitId = randomUUID();
      return commits([
        {
          chatKey,
          commitId,
          op: {
            updateOne: {
              filter: { _id: chatKey, leaseOwner: owner },
              update: {
                $set: {
                  commitId,
                  rev: change.rev,
                  state: change.state,
                  appliedEventIds: change.appliedEventIds.slice(-APPLIED_IDS_KEPT),
                  ...(change.wakeAt !== undefined ? { wakeAt: change.wakeAt } : {}),
                  updatedAt: change.now,
                },
                // The outbox of an earlier version is sent before commit now: nothing to keep on the chat.
                $unset: { leaseOwner: '', leaseUntil: '', outbox: '' },
              },
            },
          },
        },
      ]).then(([matched]) => matched!);
    },

    /** Gives the lease back without a change (nothing was applied). */
    async release(chatKey: string, owner: string): Promise<void> {
      await chats.updateOne(
        { _id: chatKey, leaseOwner: owner },
        { $unset: { leaseOwner: '', leaseUntil: '' } },
      );
    },
  };
}

export type ChatStore = ReturnType<typeof chatStore>;

/**
 * Marks (or clears) that status news waits for a person, on their one-to-one chat, so the event path
 * looks for news only then: read with the lease, it costs no command of its own. A chat not yet
 * stored is left alone: its first event has no news to carry.
 */
export async function markNewsWaiting(
  models: Pick<IngestionModels, 'Chat'>,
  lineUserId: string,
  waiting: boolean,
): Promise<void> {
  await models.Chat.updateOne(
    { _id: `user:${lineUserId}` },
    waiting ? { $set: { newsWaiting: true } } : { $unset: { newsWaiting: '' } },
  );
}
