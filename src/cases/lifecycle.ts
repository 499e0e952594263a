import type { CaseStatus } from './case-schema';

/**
 * The case lifecycle: new -> reviewing -> visit_scheduled -> assessed -> approved -> in_progress ->
 * completed, with declined, duplicate and withdrawn as endings. Pure, so every rule is tested alone.
 */
export const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  new: ['reviewing', 'declined', 'duplicate', 'withdrawn'],
  reviewing: ['visit_scheduled', 'declined', 'duplicate', 'withdrawn'],
  visit_scheduled: ['assessed', 'declined', 'duplicate', 'withdrawn'],
  assessed: ['approved', 'declined', 'withdrawn'],
  approved: ['in_progress', 'declined', 'withdrawn'],
  in_progress: ['completed', 'withdrawn'],
  /** Reopened when the reporter says the problem is not solved and staff agree. */
  completed: ['reviewing'],
  declined: [],
  duplicate: [],
  withdrawn: [],
};

/**
 * The `actorId` of a change the reporter made in the chat: it has no staff id, and the LINE id
 * stays on the case (where erasure clears it), out of `case_changes`.
 */
export const REPORTER_ACTOR = 'reporter';

export type LifecycleState = { reference: string; status: CaseStatus; visitDate?: string };

export type LifecyclePatch = {
  status?: CaseStatus;
  /** YYYY-MM-DD; required to enter visit_scheduled, and reschedules while there. */
  visitDate?: string;
  reason?: string;
  duplicateOf?: string;
};

/** One change the reporter hears about: a new status, or a new visit date. */
export type LifecycleChange = {
  from: CaseStatus;
  to: CaseStatus;
  visitDate?: string;
  reason?: string;
  duplicateOf?: string;
};

export type LifecycleRefusal = {
  httpStatus: 409 | 422;
  code: string;
  message: string;
  details?: Record<string, unknown>;
};

export type LifecyclePlan = { ok: true; change: LifecycleChange | null } | ({ ok: false } & LifecycleRefusal);

const refuse = (
  httpStatus: 409 | 422,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): LifecyclePlan => ({ ok: false, httpStatus, code, message, details });

/**
 * What a PATCH does to the lifecycle: a change, nothing (same status, same date: a retried request
 * changes nothing and tells nobody twice), or a refusal: 409 when the move is illegal from the
 * current status, 422 when the move lacks what it needs (reason, duplicate-of, visit date).
 */
export function planChange(current: LifecycleState, patch: LifecyclePatch): LifecyclePlan {
  const to = patch.status ?? current.status;
  const moving = to !== current.status;

  if (moving && !TRANSITIONS[current.status].includes(to)) {
    const allowed = TRANSITIONS[current.status];
    return refuse(
      409,
      'illegal_transition',
      allowed.length === 0
        ? `Case ${current.reference} is ${current.status}, a final status: it cannot change.`
        : `Case ${current.reference} cannot go from ${current.status} to ${to}; allowed next: ${allowed.join(', ')}.`,
      { from: current.status, to, allowed },
    );
  }
  if (moving && to === 'declined' && !patch.reason?.trim())
    return refuse(422, 'reason_required', 'Declining a case needs a reason (field "reason").');
  if (moving && to === 'duplicate') {
    if (!patch.duplicateOf)
      return refuse(
        422,
        'duplicate_of_required',
        'Marking a duplicate needs the other case (field "duplicateOf").',
      );
    if (patch.duplicateOf === current.reference)
      return refuse(422, 'duplicate_of_self', 'A case cannot be a duplicate of itself.');
  }
  if (patch.visitDate !== undefined && to !== 'visit_scheduled')
    return refuse(
      422,
      'visit_date_not_allowed',
      'A visit date is set together with, or while in, visit_scheduled.',
      {
        status: to,
      },
    );
  const visitDate = patch.visitDate ?? (moving ? undefined : current.visitDate);
  if (to === 'visit_scheduled' && !visitDate)
    return refuse(
      422,
      'visit_date_required',
      'Scheduling a visit needs its date (field "visitDate", YYYY-MM-DD).',
    );

  const rescheduled = !moving && to === 'visit_scheduled' && visitDate !== current.visitDate;
  if (!moving && !rescheduled) return { ok: true, change: null };
  return {
    ok: true,
    change: {
      from: current.status,
      to,
      ...(to === 'visit_scheduled' ? { visitDate } : {}),
      ...(to === 'declined' ? { reason: patch.reason!.trim() } : {}),
      ...(to === 'duplicate' ? { duplicateOf: patch.duplicateOf } : {}),
    },
  };
}
