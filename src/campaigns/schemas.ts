import { z } from 'zod';

/** The survey flows a campaign may use (flows/household-survey.ts). */
export const SURVEY_FLOWS = ['household-survey'] as const;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date as YYYY-MM-DD' })
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), { error: 'not a calendar date' });
const villageName = z.string().trim().min(1).max(120);
const target = z.number().int().min(1).max(100_000);
const volunteerId = z.string().regex(/^[\w.:-]{1,200}$/, { error: 'a volunteer registration id' });

export const campaignIdParams = z.object({
  id: z.string().regex(/^cmp-[a-z0-9]{1,40}$/, { error: 'a campaign id' }),
});

export const areaInput = z.object({
  provinceCode: z.string().regex(/^\d{2}$/, { error: 'a 2-digit DOPA province code' }),
  districtCode: z
    .string()
    .regex(/^\d{4}$/, { error: 'a 4-digit DOPA district code' })
    .optional(),
  subdistrictCode: z
    .string()
    .regex(/^\d{6}$/, { error: 'a 6-digit DOPA subdistrict code' })
    .optional(),
});

/** At most 12: the volunteer picks the village from LINE quick replies (13 with "menu"). */
const villagesInput = z
  .array(
    z.object({
      id: z
        .string()
        .regex(/^v\d{1,4}$/)
        .optional(),
      name: villageName,
      target,
    }),
  )
  .max(12)
  .refine((list) => new Set(list.map((v) => v.name.toLowerCase())).size === list.length, {
    error: 'each village once',
  });

export const createCampaignBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    area: areaInput,
    villages: villagesInput.default([]),
    /** The whole area's households, when the campaign names no villages. */
    target: target.optional(),
    startsOn: day,
    endsOn: day,
    flowId: z.enum(SURVEY_FLOWS).default('household-survey'),
    volunteerIds: z.array(volunteerId).max(200).default([]),
  })
  .refine((c) => c.startsOn <= c.endsOn, { error: 'ends before it starts', path: ['endsOn'] })
  .refine((c) => c.villages.length > 0 || c.target !== undefined, {
    error: 'a target: per village, or for the whole area',
    path: ['target'],
  })
  .refine((c) => c.area.subdistrictCode === undefined || c.area.districtCode !== undefined, {
    error: 'a subdistrict needs its district',
    path: ['area', 'districtCode'],
  });
export type CreateCampaignBody = z.output<typeof createCampaignBody>;

export const updateCampaignBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    villages: villagesInput.optional(),
    target: target.optional(),
    startsOn: day.optional(),
    endsOn: day.optional(),
    volunteerIds: z.array(volunteerId).max(200).optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { error: 'nothing to change' });
export type UpdateCampaignBody = z.output<typeof updateCampaignBody>;

const areaView = z.object({
  provinceCode: z.string(),
  province: z.string(),
  provinceEn: z.string(),
  districtCode: z.string().optional(),
  district: z.string().optional(),
  districtEn: z.string().optional(),
  subdistrictCode: z.string().optional(),
  subdistrict: z.string().optional(),
  subdistrictEn: z.string().optional(),
});

export const campaignView = z.object({
  id: z.string(),
  name: z.string(),
  area: areaView,
  villages: z.array(z.object({ id: z.string(), name: z.string(), target: z.number().int() })),
  target: z.number().int(),
  startsOn: z.string(),
  endsOn: z.string(),
  flowId: z.string(),
  running: z.boolean(),
  /** Before its first day, within its dates, after its last day (Bangkok calendar). */
  status: z.enum(['upcoming', 'running', 'ended']),
  /** Names only for roles that manage volunteers (a personal-data read, audited). */
  volunteers: z.array(z.object({ volunteerId: z.string(), name: z.string().nullable() })),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CampaignView = z.infer<typeof campaignView>;

/** A campaign in the list, with how far it has got. */
export const campaignListItem = campaignView.extend({
  /** Households surveyed (completed surveys). */
  surveyed: z.number().int(),
  /** Visits where the household declined. */
  declined: z.number().int(),
});
