import type { FlowDefinition } from '../src/conversation/schema';
import { category, CATEGORIES, createCase, description, location, phone, photos } from './questions';

/**
 * A resident reporting a housing need of their own household: the short path to a reference. What the
 * problem is (a sentence, a voice message or a photo: whatever comes first), its kind when the words did
 * not say it, photos, the place, a phone or LINE only, the summary, the reference. The household
 * questions come after the reference (`household-questions`), skippable and resumable.
 */
export const reportNeed = {
  id: 'report-need',
  version: 3,
  requiresConsent: true,
  start: 'description',
  // Specific words first: "หลังคารั่ว" starts the report with the roof already chosen, and a longer
  // "หลังคารั่ว ฝนตกน้ำเข้าบ้าน" is the description too.
  triggers: [
    ...CATEGORIES.filter(([value]) => value !== 'other').map(([value]) => ({
      keywords: `flows:report_need.triggers.${value}`,
      prefill: { category: value },
      describes: 'description',
    })),
    { keywords: 'flows:report_need.triggers.general', describes: 'description' },
  ],
  steps: {
    description: {
      ...description,
      text: { key: 'flows:report_need.problem.ask' },
      orPhoto: true,
      fillsByWords: true,
      next: 'category',
    },
    category: { ...category, next: 'photos' },
    photos,
    location: { ...location, next: 'phone' },
    phone: { ...phone, skipLabel: 'flows:report_need.phone.line_only' },
    summary: {
      kind: 'summary',
      title: 'flows:report_need.summary',
      fields: ['category', 'description', 'photos', 'location', 'phone'],
      next: 'create',
    },
    create: { ...createCase, next: 'household' },
    household: { kind: 'end', then: 'household-questions' },
  },
} satisfies FlowDefinition;
