import type { messagingApi } from '@line/bot-sdk';
import { PublicError } from '../errors';
import { caseModel } from '../cases/case-model';
import type { Case } from '../cases/case-schema';
import { FINAL_STATUSES } from '../cases/status';
import { showMenu } from '../richmenus';
import { caseNoticeCard } from './cards';
import { areaCaseView } from './area-cases';
import type { VolunteerDeps } from './deps';
import {
  claim,
  volunteerModels,
  type VolunteerClaimDoc,
  type VolunteerDoc,
  type VolunteerModels,
} from './model';

const NS = 'volunteers';
/** Above broadcasts and offers, below case status updates. */
const PRIORITY = 5;

export type Actor = { id: string };

const notFound = () => new PublicError(404, 'volunteer_not_found', 'No volunteer registration with this id.');
const conflict = (status: string) =>
  new PublicError(
    409,
    'volunteer_status_conflict',
    `This registration is ${status}: it cannot change that way.`,
    {
      status,
    },
  );

/**
 * Staff decisions on registrations. Each change of status is claimed first by a unique insert (see
 * `claim`); only the winner writes the registration, so two staff acting at once cannot both change
 * it. A retry of the same change finishes its work (menu, message) without repeating it: the message
 * has a fixed outbound id and the sender delivers an id once.
 */
export function createVolunteerDecisions(deps: VolunteerDeps) {
  const models = volunteerModels(deps.connection);
  const now = () => (deps.clock ?? (() => new Date()))();

  const load = async (id: string) => {
    const found = await models.Volunteer.findById(id).lean<VolunteerDoc>();
    if (!found) throw notFound();
    return found;
  };

  /** The claim this change needs: made now (won), or already made the same way by a retry. */
  async function claimFor(
    id: string,
    key: 'decision' | 'end',
    outcome: VolunteerClaimDoc['outcome'],
    actor: Actor,
    reason?: string,
  ) {
    const at = now();
    const result = await claim(models, {
      _id: `${id}:${key}`,
      outcome,
      by: actor.id,
      at,
      ...(reason ? { reason } : {}),
    });
    if (result.won) return { won: true, at };
    if (result.existing.outcome !== outcome) throw conflict((await load(id)).status);
    return { won: false, at: result.existing.at };
  }

  async function notify(volunteer: VolunteerDoc, kind: string, messages: messagingApi.Message[]) {
    const id = `volunteer:${volunteer._id}:${kind}`;
    await deps.sender.enqueue({
      id,
      to: volunteer.lineUserId,
      purpose: 'volunteer',
      messages,
      priority: PRIORITY,
    });
    // A failed delivery stays pending for the retry job; the decision stands.
    await deps.sender.deliver(id);
  }

  const text = (volunteer: VolunteerDoc, key: string): messagingApi.Message => ({
    type: 'text',
    text: deps.i18n.getFixedT(volunteer.language, NS)(key),
  });

  return {
    async approve(id: string, actor: Actor): Promise<{ volunteer: VolunteerDoc; changed: boolean }> {
      const current = await load(id);
      if (current.status !== 'pending' && current.status !== 'active') throw conflict(current.status);
      const { won, at } = await claimFor(id, 'decision', 'approve', actor);
      await models.Volunteer.updateOne(
        { _id: id, status: 'pending' },
        { $set: { status: 'active', decidedAt: at, decidedBy: actor.id } },
      );
      await supersedeOlderActive(models, current, at);
      const volunteer = await load(id);
      if (volunteer.status === 'active') {
        if (deps.reconcileMenu) await deps.reconcileMenu(volunteer.lineUserId);
        else await showMenu(deps, volunteer.lineUserId, 'volunteer', now());
        await notify(volunteer, 'approved', [text(volunteer, 'notify.approved')]);
      }
      return { volunteer, changed: won };
    },

    async reject(
      id: string,
      actor: Actor,
      reason?: string,
    ): Promise<{ volunteer: VolunteerDoc; changed: boolean }> {
      const current = await load(id);
      if (current.status !== 'pending' && current.status !== 'rejected') throw conflict(current.status);
      const { won, at } = await claimFor(id, 'decision', 'reject', actor, reason);
      await models.Volunteer.updateOne(
        { _id: id, status: 'pending' },
        { $set: { status: 'rejected', decidedAt: at, decidedBy: actor.id, ...(reason ? { reason } : {}) } },
      );
      const volunteer = await load(id);
      if (volunteer.status === 'rejected')
        await notify(volunteer, 'rejected', [text(volunteer, 'notify.rejected')]);
      return { volunteer, changed: won };
    },

    async revoke(id: string, actor: Actor): Promise<{ volunteer: VolunteerDoc; changed: boolean }> {
      const current = await load(id);
      if (current.status !== 'active' && current.status !== 'revoked') throw conflict(current.status);
      const { won, at } = await claimFor(id, 'end', 'revoke', actor);
      await models.Volunteer.updateOne(
        { _id: id, status: 'active' },
        { $set: { status: 'revoked', endedAt: at, endedBy: actor.id } },
      );
      const volunteer = await load(id);
      if (volunteer.status === 'revoked') {
        // Whatever was recorded (the survey menu, or a link older than the record): back to the default.
        await showMenu(deps, volunteer.lineUserId, 'resident', now());
        await notify(volunteer, 'revoked', [text(volunteer, 'notify.revoked')]);
      }
      return { volunteer, changed: won };
    },

    /**
     * Gives an open case to an approved volunteer for a home visit and tells them, with the household's
     * contact (what the visit needs). One assignment per case, written only here; the last one wins.
     */
    async assign(
      reference: string,
      volunteerId: string,
      actor: Actor,
    ): Promise<{ volunteer: VolunteerDoc; record: Case }> {
      const record = await caseModel(deps.connection).findOne({ reference }, { _id: 0 }).lean<Case>();
      if (!record) throw new PublicError(404, 'case_not_found', 'No case with this reference.');
      if (FINAL_STATUSES.includes(record.status))
        throw new PublicError(
          409,
          'case_closed',
          `Case ${reference} is ${record.status}: it cannot be assigned.`,
        );
      const volunteer = await load(volunteerId);
      if (volunteer.status !== 'active') throw conflict(volunteer.status);
      await models.VolunteerAssignment.updateOne(
        { _id: reference },
        { $set: { volunteerId, lineUserId: volunteer.lineUserId, assignedBy: actor.id, assignedAt: now() } },
        { upsert: true },
      );
      const card = caseNoticeCard(
        deps.i18n.getFixedT(volunteer.language),
        volunteer.language,
        areaCaseView(record, true),
        'assigned',
      );
      await notify(volunteer, `assigned:${reference}`, [card]);
      return { volunteer, record };
    },
  };
}

export type VolunteerDecisions = ReturnType<typeof createVolunteerDecisions>;

/** A newer registration approved: the older approved ones of that user end (their menu stays linked). */
async function supersedeOlderActive(models: VolunteerModels, current: VolunteerDoc, at: Date) {
  const older = await models.Volunteer.find(
    { lineUserId: current.lineUserId, status: 'active', _id: { $ne: current._id } },
    { _id: 1 },
  ).lean();
  for (const { _id } of older) {
    const claimed = await claim(models, { _id: `${_id}:end`, outcome: 'superseded', by: null, at });
    if (claimed.won)
      await models.Volunteer.updateOne(
        { _id, status: 'active' },
        { $set: { status: 'superseded', endedAt: at } },
      );
  }
}
