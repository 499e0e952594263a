import type { Connection } from 'mongoose';
import type { LineApi } from '../line/line-api';
import { forgetMenuLink, recordedMenu, unlinkVolunteerMenu } from '../richmenus';
import { volunteerModels, type VolunteerDoc } from './model';

/** What stands in for the volunteer in the records the foundation keeps, as on erased cases. */
const ERASED = 'erased';

export type VolunteerErasureDeps = { connection: Connection; lineApi: LineApi };

export type VolunteerErasure = {
  /** Registrations deleted, whatever their status. */
  registrations: number;
  /** Case assignments kept for the case history, no longer naming the volunteer. */
  assignments: number;
  menuUnlinked: boolean;
};

/**
 * True when the registration was approved at some time, so the volunteer menu may still be linked:
 * active, revoked (a crash can come between the revoke and its unlink) or ended by a newer one.
 */
export function wasApproved(registration: Pick<VolunteerDoc, 'status' | 'endedAt'>): boolean {
  return (
    registration.status === 'active' || registration.status === 'revoked' || registration.endedAt != null
  );
}

/**
 * PDPA erasure of a volunteer: every registration (name, phone, organisation, areas), the claims on
 * their status changes (a reject reason may describe the person), the volunteer menu and its record. A case
 * assignment keeps its case, staff member and date for the case history, not who was sent.
 *
 * Safe to run again after a failure: the menu is unlinked first (a failed call throws with nothing
 * deleted) and the registrations, which say what else to erase, are deleted last.
 */
export async function eraseVolunteerData(
  deps: VolunteerErasureDeps,
  lineUserId: string,
): Promise<VolunteerErasure> {
  const { Volunteer, VolunteerClaim, VolunteerAssignment } = volunteerModels(deps.connection);
  const registrations = await Volunteer.find({ lineUserId }, { _id: 1, status: 1, endedAt: 1 }).lean<
    Pick<VolunteerDoc, '_id' | 'status' | 'endedAt'>[]
  >();
  const recorded = await recordedMenu(deps.connection, lineUserId);
  const menuUnlinked = registrations.some(wasApproved) || (recorded !== null && recorded !== 'resident');
  if (menuUnlinked) await unlinkVolunteerMenu(deps.lineApi, lineUserId);
  await forgetMenuLink(deps.connection, lineUserId);

  const ids = registrations.map((registration) => registration._id);
  const assignments = await VolunteerAssignment.updateMany(
    { $or: [{ lineUserId }, { volunteerId: { $in: ids } }] },
    { $set: { lineUserId: ERASED, volunteerId: ERASED } },
  );
  if (ids.length > 0) {
    await VolunteerClaim.deleteMany({ _id: { $in: ids.flatMap((id) => [`${id}:decision`, `${id}:end`]) } });
    await Volunteer.deleteMany({ _id: { $in: ids } });
  }
  return { registrations: ids.length, assignments: assignments.modifiedCount, menuUnlinked };
}
