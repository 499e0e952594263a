export const ROLES = ['admin', 'coordinator', 'caseworker', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const ALL = ROLES;
const MANAGERS = ['admin', 'coordinator'] as const;
const CASE_STAFF = ['admin', 'coordinator', 'caseworker'] as const;

/**
 * Who may do what: the one table every route checks against. Caseworkers are further limited to
 * their cases (see `caseScope`); viewers read cases with personal data masked.
 */
export const PERMISSIONS = {
  'cases.read': ALL,
  /** Names, phone numbers, exact places, photos and messages; viewers see these masked. */
  'cases.readPersonal': CASE_STAFF,
  'cases.update': CASE_STAFF,
  'cases.notes': CASE_STAFF,
  'cases.assign': MANAGERS,
  'cases.merge': MANAGERS,
  /** Exports carry personal data only for roles that also hold cases.readPersonal. */
  'cases.export': ALL,
  'media.read': CASE_STAFF,
  'handoffs.manage': CASE_STAFF,
  'dashboard.read': ALL,
  'broadcasts.send': MANAGERS,
  'volunteers.manage': MANAGERS,
  /** Campaigns, their coverage and indicators (no personal data), within the staff member's provinces. */
  'campaigns.read': ALL,
  'campaigns.manage': MANAGERS,
  /** Survey answers (names, phones, exact places): exports and the households on the map. */
  'campaigns.readPersonal': CASE_STAFF,
  'staff.manage': ['admin'],
  'tokens.manage': ['admin'],
  'audit.read': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function can(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Action[] {
  return (Object.keys(PERMISSIONS) as Action[]).filter((action) => can(role, action));
}

/** Which cases a staff member may see: everything, or those assigned to them or in their provinces. */
export type CaseScope = { all: true } | { all: false; assigneeId: string; provinces: string[] };

export function caseScope(staff: { id: string; role: Role; provinces: string[] }): CaseScope {
  return staff.role === 'caseworker'
    ? { all: false, assigneeId: staff.id, provinces: staff.provinces }
    : { all: true };
}
