import type { FlowDefinition } from '../src/conversation/schema';

const categories = [
  ['roof', '🏠'],
  ['walls', '🧱'],
  ['floor', '🪵'],
  ['toilet', '🚽'],
  ['electricity', '💡'],
  ['water', '🚰'],
  ['unsafe', '⚠️'],
  ['disaster', '🌊'],
  ['adaptation', '♿'],
  ['other', '❓'],
] as const;

/** A resident reporting a housing need of their own household. */
export const reportNeed = {
  id: 'report-need',
  version: 2,
  requiresConsent: true,
  start: 'category',
  // Specific words first: "หลังคารั่ว" starts the report with the roof already chosen, and a longer
  // "หลังคารั่ว ฝนตกน้ำเข้าบ้าน" is the description too.
  triggers: [
    ...categories
      .filter(([value]) => value !== 'other')
      .map(([value]) => ({
        keywords: `flows:report_need.triggers.${value}`,
        prefill: { category: value },
        describes: 'description',
      })),
    { keywords: 'flows:report_need.triggers.general', describes: 'description' },
  ],
  steps: {
    category: {
      kind: 'ask',
      text: { key: 'flows:report_need.category.ask' },
      label: 'flows:report_need.category.label',
      answer: {
        type: 'choice',
        options: categories.map(([value, emoji]) => ({
          value,
          emoji,
          label: `flows:report_need.category.${value}`,
        })),
      },
      store: 'category',
      next: 'description',
    },
    description: {
      kind: 'ask',
      text: { key: 'flows:report_need.description.ask' },
      label: 'flows:report_need.description.label',
      answer: { type: 'textOrVoice', maxLength: 2000 },
      store: 'description',
      next: 'photos',
    },
    photos: {
      kind: 'ask',
      text: { key: 'flows:report_need.photos.ask' },
      label: 'flows:report_need.photos.label',
      answer: { type: 'photos', max: 10 },
      optional: true,
      store: 'photos',
      next: 'location',
    },
    location: {
      kind: 'ask',
      text: { key: 'flows:report_need.location.ask' },
      label: 'flows:report_need.location.label',
      answer: { type: 'location' },
      store: 'location',
      next: 'household',
    },
    household: {
      kind: 'ask',
      text: { key: 'flows:report_need.household.ask' },
      label: 'flows:report_need.household.label',
      answer: { type: 'number', min: 1, max: 30 },
      store: 'householdSize',
      next: 'head_name',
    },
    // Staff call by name; a resident may prefer not to give it.
    head_name: {
      kind: 'ask',
      text: { key: 'flows:report_need.head_name.ask' },
      label: 'flows:report_need.head_name.label',
      answer: { type: 'text', maxLength: 200 },
      optional: true,
      store: 'headName',
      next: 'may_ask_vulnerable',
    },
    // Health and disability are sensitive data: asked only with explicit consent to them.
    may_ask_vulnerable: {
      kind: 'branch',
      cases: [{ when: { type: 'consent', level: 'sensitive' }, next: 'vulnerable' }],
      otherwise: 'tenure',
    },
    vulnerable: {
      kind: 'ask',
      text: { key: 'flows:report_need.vulnerable.ask' },
      label: 'flows:report_need.vulnerable.label',
      answer: {
        type: 'choice',
        multiple: true,
        options: [
          { value: 'elderly', label: 'flows:report_need.vulnerable.elderly', emoji: '👴' },
          { value: 'disabled', label: 'flows:report_need.vulnerable.disabled', emoji: '♿' },
          { value: 'chronically_ill', label: 'flows:report_need.vulnerable.chronically_ill', emoji: '💊' },
          { value: 'under5', label: 'flows:report_need.vulnerable.under5', emoji: '👶' },
          { value: 'pregnant', label: 'flows:report_need.vulnerable.pregnant', emoji: '🤰' },
          { value: 'none', label: 'flows:report_need.vulnerable.none', emoji: '➖', exclusive: true },
        ],
      },
      store: 'vulnerable',
      next: 'tenure',
    },
    tenure: {
      kind: 'ask',
      text: { key: 'flows:report_need.tenure.ask' },
      label: 'flows:report_need.tenure.label',
      answer: {
        type: 'choice',
        options: [
          { value: 'own', label: 'flows:report_need.tenure.own', emoji: '🏡' },
          { value: 'rent', label: 'flows:report_need.tenure.rent', emoji: '🔑' },
          { value: 'public_land', label: 'flows:report_need.tenure.public_land', emoji: '🌳' },
          { value: 'not_sure', label: 'flows:report_need.tenure.not_sure', emoji: '❔' },
        ],
      },
      store: 'tenure',
      next: 'phone',
    },
    phone: {
      kind: 'ask',
      text: { key: 'flows:report_need.phone.ask' },
      label: 'flows:report_need.phone.label',
      answer: { type: 'phone' },
      optional: true,
      store: 'phone',
      next: 'summary',
    },
    summary: {
      kind: 'summary',
      title: 'flows:report_need.summary',
      fields: [
        'category',
        'description',
        'photos',
        'location',
        'householdSize',
        'headName',
        'vulnerable',
        'tenure',
        'phone',
      ],
      next: 'create',
    },
    create: { kind: 'effect', effect: { type: 'createCase' }, next: 'thanks' },
    thanks: { kind: 'end', text: { key: 'flows:report_need.thanks' } },
  },
} satisfies FlowDefinition;
