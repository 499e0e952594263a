import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Connection, QueryFilter, UpdateQuery } from 'mongoose';
import type { Case, CaseStatus, TimelineEntry } from './case-schema';
import { caseModels } from './create-case';
import type { ErrorSink } from '../errors';
import { PublicError } from '../errors';
import { imageTypeOf } from '../media/image-type';
import { deleteMedia, MEDIA_LIMITS, storeStream } from '../media/media-store';
import { mediaModels } from '../media/models';
import type { CaseScope } from '../staff/permissions';
import { staffModels } from '../staff/models';
import { scopeFilter } from './case-scope';
import { planChange, REPORTER_ACTOR, type LifecycleChange } from './lifecycle';
import { caseApiModels, type CaseChangeDoc } from './case-records';
import type { Notifier } from './reporter-notifications';
import type { PatchCaseBody } from './case-patch';
import { isDuplicateKey } from '../db/models';
import { toldByDefault } from './updates/policy';

/** A claim nobody applied for this long was left by a crashed request; the next one rolls it forward. */
const STALE_CLAIM_MS = 30_000;

export type Actor = { id: string; scope: CaseScope };

export type CaseServiceDeps = {
  connection: Connection;
  notifier: Notifier;
  reportError: ErrorSink;
  clock: () => Date;
};

const notFound = (reference: string) =>
  new PublicError(404, 'case_not_found', `No case ${reference}, or it is not one of yours.`);

/**
 * A reporter's change as the chat made it: who (their LINE id goes on the case's timeline, never in
 * `case_changes`) and when they asked, which a retried chat event recognises its entry by.
 */
export type ChatChange = { userId: string; at: Date };

/**
 * What a lifecycle change writes on the case, shared by the first applier and a roll-forward (which
 * does not know the chat side of a reporter's change).
 */
function changeUpdate(change: CaseChangeDoc, chat?: ChatChange) {
  const set: Record<string, unknown> = { status: change.to, changeSeq: change.seq, updatedAt: change.at };
  // The visit date stays once the visit is past (staff look it up); only a new schedule replaces it.
  if (change.to === 'visit_scheduled') set.visitDate = change.visitDate;
  if (change.to === 'declined') set.declineReason = change.reason;
  if (change.to === 'duplicate') set.duplicateOf = change.duplicateOf;
  if (change.to === 'completed') set.completedAt = change.at;
  const byReporter = change.actorId === REPORTER_ACTOR;
  const actorId = byReporter ? chat?.userId : change.actorId;
  const entry: TimelineEntry = {
    at: chat?.at ?? change.at,
    kind: change.to === 'withdrawn' ? 'withdrawn' : 'status_changed',
    actor: byReporter ? 'reporter' : 'staff',
    ...(actorId ? { actorId } : {}),
    from: change.from,
    to: change.to,
    ...(change.reason ? { text: change.reason } : {}),
    ...(change.duplicateOf ? { reference: change.duplicateOf } : {}),
    // Not told to the reporter: the timeline says so.
    ...(change.quiet ? { visibility: 'internal' as const } : {}),
  };
  return { set, entry };
}

export type ClaimResult = { won: true; change: CaseChangeDoc } | { won: false; other: CaseChangeDoc | null };

/**
 * The numbered lifecycle changes of cases, for staff (the API) and reporters (the chat) alike:
 * change `seq` is claimed by a unique insert of `reference:seq`, so of two racing changes exactly
 * one gets the number, and the case is written only by the winner (or, after a crash, by whoever
 * rolls its claim forward). A change is claimed only on a case that carries the one before it.
 */
export function caseChanges(connection: Connection, clock: () => Date) {
  const { cases } = caseModels(connection);
  const { CaseChange } = caseApiModels(connection);

  const markApplied = async (id: string) =>
    CaseChange.updateOne({ _id: id }, { $set: { appliedAt: clock() } });

  /** Writes a claimed change on the case unless the case already carries it, then marks it applied. */
  async function apply(claim: CaseChangeDoc, chat?: ChatChange): Promise<void> {
    const { set, entry } = changeUpdate(claim, chat);
    const update = { $set: set, $push: { timeline: entry } };
    const applied = await cases.updateOne(
      { reference: claim.reference, changeSeq: { $lt: claim.seq } },
      update,
    );
    // A case never changed before has no changeSeq, which $lt does not match.
    if (applied.matchedCount === 0 && claim.seq === 1)
      await cases.updateOne({ reference: claim.reference, changeSeq: { $exists: false } }, update);
    await markApplied(claim._id);
  }

  /** Claims the change after the case's last one; a lost claim says who won, if known. */
  async function claim(
    current: Pick<Case, 'reference' | 'changeSeq'>,
    change: LifecycleChange,
    actorId: string,
    quiet = false,
  ): Promise<ClaimResult> {
    const seq = (current.changeSeq ?? 0) + 1;
    const at = clock();
    const doc: CaseChangeDoc = {
      _id: `${current.reference}:${seq}`,
      reference: current.reference,
      seq,
      ...change,
      // A quiet change has nothing to deliver: the sweep never picks it up.
      ...(quiet ? { quiet: true, notifiedAt: at } : {}),
      actorId,
      at,
    };
    try {
      await CaseChange.create(doc);
      return { won: true, change: doc };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const other = await CaseChange.findById(doc._id).lean<CaseChangeDoc>();
      if (other && !other.appliedAt && clock().getTime() - other.at.getTime() > STALE_CLAIM_MS)
        await apply(other);
      return { won: false, other };
    }
  }

  return { claim, apply, markApplied };
}

/**
 * Intermediate steps staff may record without a card (each push costs LINE quota). A visit needs
 * the person at home, and an ending is news they must have.
 */
const QUIET_ALLOWED: ReadonlySet<CaseStatus> = new Set(['reviewing', 'assessed', 'approved', 'in_progress']);

export function createCaseService(deps: CaseServiceDeps) {
  const { cases } = caseModels(deps.connection);
  const models = caseApiModels(deps.connection);
  const changes = caseChanges(deps.connection, deps.clock);
  const staff = staffModels(deps.connection);
  const media = mediaModels(deps.connection);

  async function load(reference: string, scope: CaseScope): Promise<Case> {
    const found = await cases
      .findOne({ $and: [{ reference }, scopeFilter(scope)] } as QueryFilter<Case>, { _id: 0 })
      .lean<Case>();
    if (!found) throw notFound(reference);
    return found;
  }

  async function reload(reference: string): Promise<Case> {
    const found = await cases.findOne({ reference }, { _id: 0 }).lean<Case>();
    if (!found) throw notFound(reference);
    return found;
  }

  async function notifyChange(record: Case, change: CaseChangeDoc) {
    try {
      await deps.notifier.notifyChange(record, change);
    } catch (error) {
      // The change stands; the sweep (resendPending) and the sender's retry job finish the delivery.
      deps.reportError(error, { reference: record.reference, change: change._id, what: 'case notification' });
    }
  }

  async function update(
    reference: string,
    body: PatchCaseBody,
    actor: Actor,
  ): Promise<{ record: Case; change: CaseChangeDoc | null; fields: string[] }> {
    const current = await load(reference, actor.scope);
    const plan = planChange(current, {
      status: body.status,
      visitDate: body.visitDate,
      reason: body.reason,
      duplicateOf: body.duplicateOf,
    });
    if (!plan.ok) throw new PublicError(plan.httpStatus, plan.code, plan.message, plan.details);
    if (body.notify === false && plan.change && !QUIET_ALLOWED.has(plan.change.to))
      throw new PublicError(
        422,
        'reporter_must_be_told',
        `The reporter is always told when a case moves to ${plan.change.to}.`,
        { field: 'notify' },
      );
    if (plan.change?.duplicateOf) {
      const original = await cases.findOne({ reference: plan.change.duplicateOf }, { status: 1 }).lean();
      if (!original)
        throw new PublicError(
          422,
          'duplicate_of_unknown',
          `No case ${plan.change.duplicateOf} to be a duplicate of.`,
        );
      if (original.status === 'duplicate')
        throw new PublicError(
          422,
          'duplicate_of_duplicate',
          `${plan.change.duplicateOf} is itself a duplicate; name its original.`,
        );
    }
    if (body.assigneeId) {
      const assignee = await staff.Staff.findById(body.assigneeId, { role: 1, active: 1 }).lean();
      if (!assignee || !assignee.active || assignee.role === 'viewer')
        throw new PublicError(
          422,
          'assignee_unknown',
          'The assignee must be an active admin, coordinator or caseworker.',
        );
    }

    const at = deps.clock();
    const set: Record<string, unknown> = {};
    const unset: Record<string, 1> = {};
    const timeline: TimelineEntry[] = [];
    const fields: string[] = [];
    if (body.priority && body.priority !== current.priority.level) {
      set['priority.level'] = body.priority;
      timeline.push({
        at,
        kind: 'priority_changed',
        actor: 'staff',
        actorId: actor.id,
        text: `${current.priority.level} -> ${body.priority}`,
      });
      fields.push('priority');
    }
    if (body.assigneeId !== undefined && body.assigneeId !== (current.assigneeId ?? null)) {
      if (body.assigneeId) set.assigneeId = body.assigneeId;
      else unset.assigneeId = 1;
      timeline.push({
        at,
        kind: 'assigned',
        actor: 'staff',
        actorId: actor.id,
        text: body.assigneeId ?? 'none',
      });
      fields.push('assignee');
    }
    let change: CaseChangeDoc | null = null;
    if (plan.change) {
      // Left out, `notify` follows the step's default: only what the reporter must act on or wait for.
      const told = body.notify ?? toldByDefault(plan.change);
      const claimed = await changes.claim(current, plan.change, actor.id, !told);
      if (!claimed.won)
        throw new PublicError(
          409,
          'concurrent_change',
          `Case ${reference} was changed by someone else at the same moment; reload it and try again.`,
        );
      change = claimed.change;
      const applied = changeUpdate(change);
      Object.assign(set, applied.set);
      timeline.push(applied.entry);
      fields.push(plan.change.from === plan.change.to ? 'visitDate' : 'status');
    }
    if (fields.length === 0) return { record: current, change: null, fields };

    set.updatedAt = at;
    if (!current.firstActionAt) set.firstActionAt = at;
    const update: UpdateQuery<Case> = { $set: set, $push: { timeline: { $each: timeline } } };
    if (Object.keys(unset).length > 0) update.$unset = unset;
    await cases.updateOne({ reference }, update);
    if (change) await changes.markApplied(change._id);
    const record = await reload(reference);
    // A quiet change still keeps news already waiting for the reporter up to date.
    if (change) await notifyChange(record, change);
    return { record, change, fields };
  }

  async function addNote(
    reference: string,
    note: { text: string; visibility: 'internal' | 'reporter' },
    actor: Actor,
  ): Promise<Case> {
    const current = await load(reference, actor.scope);
    const at = deps.clock();
    const entry: TimelineEntry = {
      at,
      kind: 'note',
      actor: 'staff',
      actorId: actor.id,
      text: note.text,
      visibility: note.visibility,
    };
    await cases.updateOne(
      { reference },
      {
        $set: { updatedAt: at, ...(current.firstActionAt ? {} : { firstActionAt: at }) },
        $push: { timeline: entry },
      },
    );
    if (note.visibility === 'reporter') {
      try {
        await deps.notifier.notifyNote(current, randomUUID(), note.text);
      } catch (error) {
        deps.reportError(error, { reference, what: 'note to reporter' });
      }
    }
    return reload(reference);
  }

  /** After-repair photos from staff: stored like LINE media, listed in the timeline. */
  async function addPhoto(
    reference: string,
    upload: { body: Readable; contentType: string },
    actor: Actor,
  ): Promise<{ mediaId: string; size: number }> {
    await load(reference, actor.scope);
    const contentType = upload.contentType.split(';')[0]!.trim().toLowerCase();
    if (!MEDIA_LIMITS.image.types.test(contentType))
      throw new PublicError(
        415,
        'unsupported_media_type',
        'Send the photo as the raw body with Content-Type image/jpeg, png, gif, webp or heic.',
      );
    const mediaId = `staff-${randomUUID()}`;
    const at = deps.clock();
    await media.Media.create({
      _id: mediaId,
      source: 'staff',
      kind: 'image',
      status: 'pending',
      contentType,
      caseReference: reference,
      createdAt: at,
      attempts: 0,
    });
    const stored = await storeStream(media, mediaId, upload.body, MEDIA_LIMITS.image.maxBytes);
    if (stored === 'too_large') {
      await media.Media.deleteOne({ _id: mediaId });
      throw new PublicError(
        413,
        'payload_too_large',
        `A photo may be at most ${MEDIA_LIMITS.image.maxBytes / 1024 / 1024} MiB.`,
      );
    }
    if (stored.size === 0) {
      await media.Media.deleteOne({ _id: mediaId });
      throw new PublicError(400, 'empty_body', 'The photo is empty.');
    }
    // The declared type is the sender's word: the bytes must be a photo too (a script or an HTML page
    // saved as .jpg is refused), and the type served later is the one the bytes show.
    const head = await media.MediaChunk.findOne({ mediaId, n: 0 }, { data: 1 }).lean();
    const detected = head ? imageTypeOf(Buffer.from(head.data.buffer ?? head.data)) : undefined;
    if (!detected) {
      await deleteMedia(media, mediaId);
      throw new PublicError(
        415,
        'not_an_image',
        'The file is not a JPEG, PNG, GIF, WebP or HEIC photo, whatever its declared type.',
      );
    }
    await media.Media.updateOne(
      { _id: mediaId },
      { $set: { status: 'stored', ...stored, contentType: detected, storedAt: at } },
    );
    await cases.updateOne(
      { reference },
      {
        $set: { updatedAt: at },
        $push: {
          timeline: { at, kind: 'media_added', actor: 'staff', actorId: actor.id, mediaIds: [mediaId] },
        },
      },
    );
    return { mediaId, size: stored.size };
  }

  /**
   * Merges `from` into `into`: `from` becomes a duplicate (a lifecycle change, so exactly one of two
   * racing merges wins and its reporters hear once), then `into` takes its photos, notes and reporters.
   */
  async function merge(fromRef: string, intoRef: string, actor: Actor): Promise<Case> {
    const into = await load(intoRef, actor.scope);
    if (['duplicate', 'withdrawn', 'declined'].includes(into.status))
      throw new PublicError(
        409,
        'merge_target_closed',
        `Case ${intoRef} is ${into.status}; merge into an open case.`,
      );
    const { record: from, change } = await update(
      fromRef,
      { status: 'duplicate', duplicateOf: intoRef },
      actor,
    );
    // Already a duplicate of this case: an earlier (or concurrent) merge did the work.
    if (!change)
      throw new PublicError(409, 'already_merged', `Case ${fromRef} is already merged into ${intoRef}.`);
    const at = deps.clock();
    const ownIds = new Set([into.reporter.lineUserId, into.volunteer?.lineUserId].filter(Boolean));
    const reporters = [
      from.reporter.lineUserId,
      ...(from.volunteer ? [from.volunteer.lineUserId] : []),
      ...(from.extraReporters ?? []).map((r) => r.lineUserId),
    ]
      .filter((id, i, all) => !ownIds.has(id) && all.indexOf(id) === i)
      .map((lineUserId) => ({ lineUserId, reference: fromRef }));
    const notes = from.timeline
      .filter((entry) => entry.kind === 'note' || (entry.kind === 'media_added' && entry.mediaIds))
      .map((entry) => ({ ...entry, reference: fromRef }));
    await cases.updateOne(
      { reference: intoRef },
      {
        $set: {
          updatedAt: at,
          possibleDuplicateOf: into.possibleDuplicateOf.filter((flag) => flag.reference !== fromRef),
        },
        $addToSet: { mediaIds: { $each: from.mediaIds }, extraReporters: { $each: reporters } },
        $push: {
          timeline: {
            $each: [...notes, { at, kind: 'merged', actor: 'staff', actorId: actor.id, reference: fromRef }],
          },
        },
      },
    );
    await cases.updateOne(
      { reference: fromRef },
      {
        $set: { possibleDuplicateOf: from.possibleDuplicateOf.filter((flag) => flag.reference !== intoRef) },
      },
    );
    const merged = await reload(intoRef);
    try {
      // The survivor's own reporters; the merged case's reporters had the duplicate card.
      await deps.notifier.notifyMerged(into, fromRef);
    } catch (error) {
      deps.reportError(error, { reference: intoRef, what: 'merge notification' });
    }
    return merged;
  }

  async function dismiss(reference: string, of: string, actor: Actor): Promise<void> {
    const record = await load(reference, actor.scope);
    const other = await cases
      .findOne({ reference: of }, { possibleDuplicateOf: 1 })
      .lean<Pick<Case, 'possibleDuplicateOf'>>();
    const flagged =
      record.possibleDuplicateOf.some((flag) => flag.reference === of) ||
      (other?.possibleDuplicateOf ?? []).some((flag) => flag.reference === reference);
    if (!flagged)
      throw new PublicError(
        404,
        'flag_not_found',
        `${reference} and ${of} are not flagged as possible duplicates.`,
      );
    const at = deps.clock();
    await cases.updateOne(
      { reference },
      {
        $set: {
          updatedAt: at,
          possibleDuplicateOf: record.possibleDuplicateOf.filter((f) => f.reference !== of),
        },
      },
    );
    if (other)
      await cases.updateOne(
        { reference: of },
        { $set: { possibleDuplicateOf: other.possibleDuplicateOf.filter((f) => f.reference !== reference) } },
      );
  }

  /** For a scheduled job: changes whose notifications a crash interrupted (idempotent). */
  async function resendPending(olderThanMs = 60_000): Promise<number> {
    const cutoff = new Date(deps.clock().getTime() - olderThanMs);
    const pending = await models.CaseChange.find({ notifiedAt: { $exists: false }, at: { $lte: cutoff } })
      .limit(100)
      .lean<CaseChangeDoc[]>();
    for (const change of pending) {
      if (!change.appliedAt) await changes.apply(change);
      await notifyChange(await reload(change.reference), change);
    }
    return pending.length;
  }

  return { load, update, addNote, addPhoto, merge, dismiss, resendPending };
}

export type CaseService = ReturnType<typeof createCaseService>;
