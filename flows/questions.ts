import type { FlowDefinition } from '../src/conversation/schema';

/**
 * The questions about a housing need, shared by the flows that ask them: a resident's report and its
 * household questions after the reference, and a volunteer's report for a household (every question).
 * Each flow puts them in its own order with its own `next`.
 */
type Steps = FlowDefinition['steps'];
type Ask = Extract<Steps[string], { kind: 'ask' }>;

export const CATEGORIES = [
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

const agreeDecline = [
  { value: 'agree', label: 'flows:welcome.agree', emoji: '✅' },
  { value: 'decline', label: 'flows:welcome.decline', emoji: '✖️' },
];

export const category: Ask = {
  kind: 'ask',
  text: { key: 'flows:report_need.category.ask' },
  label: 'flows:report_need.category.label',
  answer: {
    type: 'choice',
    options: CATEGORIES.map(([value, emoji]) => ({
      value,
      emoji,
      label: `flows:report_need.category.${value}`,
    })),
  },
  store: 'category',
  next: 'description',
};

export const description: Ask = {
  kind: 'ask',
  text: { key: 'flows:report_need.description.ask' },
  label: 'flows:report_need.description.label',
  answer: { type: 'textOrVoice', maxLength: 2000 },
  store: 'description',
  next: 'photos',
};

export const photos: Ask = {
  kind: 'ask',
  text: { key: 'flows:report_need.photos.ask' },
  label: 'flows:report_need.photos.label',
  answer: { type: 'photos', max: 10 },
  optional: true,
  store: 'photos',
  next: 'location',
};

export const location: Ask = {
  kind: 'ask',
  text: { key: 'flows:report_need.location.ask' },
  label: 'flows:report_need.location.label',
  answer: { type: 'location' },
  store: 'location',
  next: 'household',
};

export const householdSize: Ask = {
  kind: 'ask',
  text: { key: 'flows:report_need.household.ask' },
  label: 'flows:report_need.household.label',
  answer: { type: 'number', min: 1, max: 30 },
  store: 'householdSize',
  next: 'head_name',
};

/** Staff call by name; a resident may prefer not to give it. */
export const headName: Ask = {
  kind: 'ask',
  text: { key: 'flows:report_need.head_name.ask' },
  label: 'flows:report_need.head_name.label',
  answer: { type: 'text', maxLength: 200 },
  optional: true,
  store: 'headName',
  next: 'tenure',
};

/** Health and disability are sensitive data: asked only with explicit consent to them (PDPA s.26). */
export const vulnerable: Ask = {
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
};

export const tenure: Ask = {
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
};

export const phone: Ask = {
  kind: 'ask',
  text: { key: 'flows:report_need.phone.ask' },
  label: 'flows:report_need.phone.label',
  answer: { type: 'phone' },
  optional: true,
  store: 'phone',
  next: 'summary',
};

/**
 * The person's own consent to sensitive data, asked when the first sensitive question comes (not up
 * front): `sensitive` holds "agree" or "decline"; the flow records it only when given.
 */
export const sensitiveConsent: Ask = {
  kind: 'ask',
  text: { key: 'flows:sensitive.ask' },
  answer: { type: 'choice', options: agreeDecline },
  store: 'sensitive',
  next: 'sensitive_given',
};

export const createCase = { kind: 'effect', effect: { type: 'createCase' }, next: 'thanks' } as const;
