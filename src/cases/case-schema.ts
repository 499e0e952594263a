import { z } from 'zod';
import { PLACE_SOURCES } from '../geo/resolve-place';

export const CATEGORIES = [
  'roof',
  'walls',
  'floor',
  'toilet',
  'electricity',
  'water',
  'unsafe_or_no_home',
  'disaster_damage',
  'adaptation',
  'other',
] as const;
export const VULNERABLE_MEMBERS = [
  'elderly',
  'disabled',
  'chronically_ill',
  'child_under_5',
  'pregnant',
] as const;
export const TENURES = ['own', 'rent', 'public_land', 'permission_free', 'not_sure'] as const;
/**
 * The household questions a short report asks after its reference (skippable): those without an answer
 * are the case's `household.missing`, for staff to see and ask at the visit.
 */
export const HOUSEHOLD_QUESTIONS = ['size', 'vulnerable', 'tenure', 'headName'] as const;
/** The household questions the priority score rests on: with one missing, the score is partial. */
export const PRIORITY_QUESTIONS = ['size', 'vulnerable', 'tenure'] as const;
export const CASE_STATUSES = [
  'new',
  'reviewing',
  'visit_scheduled',
  'assessed',
  'approved',
  'in_progress',
  'completed',
  'declined',
  'duplicate',
  'withdrawn',
] as const;
export const PRIORITY_LEVELS = ['low', 'medium', 'high', 'urgent'] as const;
export const DUPLICATE_REASONS = ['near_location', 'similar_name', 'same_phone'] as const;
export const TIMELINE_KINDS = [
  'created',
  'status_changed',
  'note',
  'media_added',
  'assigned',
  'priority_changed',
  'duplicate_flagged',
  'merged',
  'withdrawn',
  'rated',
  'reopened',
  'household_answered',
] as const;

const id = z.string().trim().min(1).max(200);
const name = z.string().trim().min(1).max(200);
const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);

export const typedAddressSchema = z.object({
  village: name.optional(),
  subdistrict: name.optional(),
  district: name.optional(),
  province: name.optional(),
});

/** The name and address LINE's app put on a shared location, as the person's phone showed them. */
export const sharedPlaceSchema = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  address: z.string().trim().min(1).max(300).optional(),
});

export const resolvedPlaceSchema = z.object({
  province: z.string().optional(),
  provinceEn: z.string().optional(),
  provinceCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  district: z.string().optional(),
  districtEn: z.string().optional(),
  districtCode: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  subdistrict: z.string().optional(),
  subdistrictEn: z.string().optional(),
  subdistrictCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  source: z.object({
    province: z.enum(PLACE_SOURCES),
    district: z.enum(PLACE_SOURCES),
    subdistrict: z.enum(PLACE_SOURCES),
  }),
});

export const householdSchema = z.object({
  headName: name.optional(),
  /** Absent until the household questions after a short report are answered. */
  size: z.number().int().min(1).max(50).optional(),
  vulnerable: z
    .array(z.enum(VULNERABLE_MEMBERS))
    .max(VULNERABLE_MEMBERS.length)
    .refine((list) => new Set(list).size === list.length, { error: 'each vulnerable group at most once' })
    .default([]),
  tenure: z.enum(TENURES).optional(),
  phone: z.string().trim().min(1).max(30).optional(),
  /** Household questions not answered (yet): skipped, left for later, or sensitive data not consented. */
  missing: z
    .array(z.enum(HOUSEHOLD_QUESTIONS))
    .refine((list) => new Set(list).size === list.length, { error: 'each question at most once' })
    .default([]),
});

export const volunteerSchema = z.object({
  lineUserId: id,
  relation: z.string().trim().min(1).max(100),
  /** PDPA s.25: the volunteer confirmed the household was told and agreed. */
  householdInformed: z.literal(true, { error: 'the household must have been informed' }),
});

const locationInputSchema = z
  .object({
    lat: latitude.optional(),
    lng: longitude.optional(),
    typedAddress: typedAddressSchema.optional(),
    shared: sharedPlaceSchema.optional(),
  })
  .refine((l) => (l.lat === undefined) === (l.lng === undefined), { error: 'lat and lng come together' })
  .refine((l) => l.lat !== undefined || Object.values(l.typedAddress ?? {}).some(Boolean), {
    error: 'a location needs a point or a typed address',
  });

const descriptionSchema = z
  .object({ text: z.string().trim().min(1).max(5000).optional(), voiceMediaId: id.optional() })
  .refine((d) => d.text !== undefined || d.voiceMediaId !== undefined, {
    error: 'a description needs text or a voice message',
  });

/** What a flow hands to `createCase`: the answers the user confirmed, nothing computed. */
export const caseInputSchema = z
  .object({
    intakeId: id,
    consentId: id,
    language: z.string().min(2).max(10),
    reporter: z.object({ lineUserId: id }),
    reportedBy: z.enum(['self', 'volunteer']),
    volunteer: volunteerSchema.optional(),
    household: householdSchema,
    category: z.enum(CATEGORIES),
    description: descriptionSchema,
    mediaIds: z.array(id).max(50).default([]),
    location: locationInputSchema,
  })
  .refine((c) => (c.reportedBy === 'volunteer') === (c.volunteer !== undefined), {
    error: 'volunteer details are required for, and only for, a report by a volunteer',
    path: ['volunteer'],
  });
export type CaseInput = z.input<typeof caseInputSchema>;
export type ParsedCaseInput = z.output<typeof caseInputSchema>;

export const priorityFactorSchema = z.object({
  key: z.string(),
  points: z.number().int(),
  /** i18n key in the `cases` namespace, e.g. `priority.factor.disaster_damage`. */
  reasonKey: z.string(),
});
export const prioritySchema = z.object({
  score: z.number().int().min(0),
  level: z.enum(PRIORITY_LEVELS),
  factors: z.array(priorityFactorSchema),
  /** The household answers the score could not count (not given yet): the score is partial. */
  missing: z.array(z.enum(PRIORITY_QUESTIONS)).optional(),
});
export type Priority = z.infer<typeof prioritySchema>;

export const timelineEntrySchema = z.object({
  at: z.date(),
  kind: z.enum(TIMELINE_KINDS),
  actor: z.enum(['system', 'reporter', 'volunteer', 'staff']),
  actorId: z.string().optional(),
  from: z.enum(CASE_STATUSES).optional(),
  to: z.enum(CASE_STATUSES).optional(),
  text: z.string().max(5000).optional(),
  visibility: z.enum(['internal', 'reporter']).optional(),
  mediaIds: z.array(z.string()).optional(),
  reference: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const duplicateFlagSchema = z.object({
  reference: z.string(),
  reasons: z.array(z.enum(DUPLICATE_REASONS)),
  distanceMeters: z.number().int().min(0).optional(),
  flaggedAt: z.date(),
});
export type DuplicateFlag = z.infer<typeof duplicateFlagSchema>;

/** A case as stored. */
export const caseSchema = z.object({
  reference: z.string().regex(/^NL-\d{4}-\d{6,}$/),
  intakeId: id,
  consentId: id,
  language: z.string(),
  reporter: z.object({ lineUserId: id }),
  reportedBy: z.enum(['self', 'volunteer']),
  volunteer: volunteerSchema.optional(),
  household: householdSchema.extend({
    vulnerable: z.array(z.enum(VULNERABLE_MEMBERS)),
    /** Absent on cases made before short reports: every question was asked then. */
    missing: z.array(z.enum(HOUSEHOLD_QUESTIONS)).optional(),
  }),
  category: z.enum(CATEGORIES),
  description: z.object({ text: z.string().optional(), voiceMediaId: z.string().optional() }),
  mediaIds: z.array(z.string()),
  location: z.object({
    lat: latitude.optional(),
    lng: longitude.optional(),
    typedAddress: typedAddressSchema.optional(),
    shared: sharedPlaceSchema.optional(),
    resolved: resolvedPlaceSchema,
  }),
  priority: prioritySchema,
  status: z.enum(CASE_STATUSES),
  timeline: z.array(timelineEntrySchema),
  possibleDuplicateOf: z.array(duplicateFlagSchema),
  /** Normalised search terms (see `caseKeywords`): the subset has no text index. */
  keywords: z.array(z.string()),
  /** Staff management, set by the staff API (src/case-api). */
  assigneeId: z.string().optional(),
  /** The home visit, as a Bangkok calendar date (YYYY-MM-DD). */
  visitDate: z.string().optional(),
  declineReason: z.string().optional(),
  duplicateOf: z.string().optional(),
  /** Number of lifecycle changes so far; each change is claimed by a unique insert of reference:seq. */
  changeSeq: z.number().int().optional(),
  firstActionAt: z.date().optional(),
  completedAt: z.date().optional(),
  /** When the personal data was erased (the person's request, or the retention period). */
  erasedAt: z.date().optional(),
  erasureReason: z.enum(['retention', 'consent_withdrawn', 'person_request']).optional(),
  /** Reporters of cases merged into this one: they hear about it too. */
  extraReporters: z.array(z.object({ lineUserId: z.string(), reference: z.string() })).optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Case = z.infer<typeof caseSchema>;
export type CaseCategory = (typeof CATEGORIES)[number];
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type VulnerableMember = (typeof VULNERABLE_MEMBERS)[number];
export type Tenure = (typeof TENURES)[number];
export type HouseholdQuestion = (typeof HOUSEHOLD_QUESTIONS)[number];
