import { z } from 'zod';
import { CASE_STATUSES, CATEGORIES } from '../cases/case-schema';
import { BROADCAST_STATUSES } from './models';

export const BROADCAST_LANGUAGES = ['th', 'en', 'hmn'] as const;
export type BroadcastLanguage = (typeof BROADCAST_LANGUAGES)[number];

const provinceCode = z.string().regex(/^\d{2}$/, { error: 'a 2-digit province code, e.g. 50' });
const districtCode = z.string().regex(/^\d{4}$/, { error: 'a 4-digit district code, e.g. 5001' });
const area = {
  provinceCode: provinceCode.optional(),
  districtCode: districtCode.optional(),
};

/**
 * Who receives it. Case-based audiences are the reporters of matching cases (a volunteer who
 * reported for a household is reached through `volunteers`), each once.
 */
export const audienceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }).describe('Every LINE user who follows the account'),
  z
    .object({ type: z.literal('volunteers'), ...area })
    .describe('Volunteers: LINE users who reported a case for a household (optionally in an area)'),
  z
    .object({ type: z.literal('open_cases'), ...area })
    .describe('Residents with a case that is not completed, declined, duplicate or withdrawn'),
  z
    .object({ type: z.literal('area'), provinceCode, districtCode: districtCode.optional() })
    .describe('Residents with a case in a province (and district)'),
  z
    .object({
      type: z.literal('cases'),
      statuses: z.array(z.enum(CASE_STATUSES)).min(1).optional(),
      categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
      ...area,
    })
    .describe('Residents with a case matching every given filter'),
]);
export type Audience = z.infer<typeof audienceSchema>;

const text = z.string().trim().min(1).max(5000, { error: 'LINE allows at most 5,000 characters' });
const imageUrl = z
  .url({ protocol: /^https$/, error: 'an https URL (LINE accepts no other)' })
  .max(2000, { error: 'LINE allows at most 2,000 characters' });

export const createBroadcastBody = z
  .object({
    audience: audienceSchema,
    messages: z
      .object({ th: text, en: text.optional(), hmn: text.optional() })
      .strict()
      .describe('Text per language; Thai is required and is sent to anyone whose language has none'),
    images: z
      .object({ th: imageUrl.optional(), en: imageUrl.optional(), hmn: imageUrl.optional() })
      .strict()
      .optional()
      .describe('An optional image per language (JPEG or PNG over https), sent after the text'),
    scheduledAt: z.iso.datetime({ offset: true }).optional().describe('When to send; absent or past: now'),
    overrideQuota: z
      .boolean()
      .default(false)
      .describe('Admins only: send although the audience exceeds the quota left this month'),
    dryRun: z.boolean().default(false).describe('Only report the audience, cost and quota'),
  })
  .strict();
export type CreateBroadcastBody = z.infer<typeof createBroadcastBody>;

export const broadcastParams = z.object({ id: z.string().min(1).max(100) });

export const listBroadcastsQuery = z.object({
  status: z.enum(BROADCAST_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
