import type { AnswerSpec, FlowDefinition } from '../src/conversation/schema';

/** Raise with any change of the notice read at the door: each survey records the version it rests on. */
export const SURVEY_NOTICE_VERSION = 'survey-2026-12';

const K = 'survey:household';
const option = (question: string, value: string, emoji: string, exclusive = false) => ({
  value,
  label: `${K}.${question}.${value}`,
  emoji,
  ...(exclusive ? { exclusive } : {}),
});
const ask = (id: string, store: string, answer: AnswerSpec, next: string, optional = false) => ({
  kind: 'ask' as const,
  text: { key: `${K}.${id}.ask` },
  label: `${K}.${id}.label`,
  answer,
  store,
  next,
  ...(optional ? { optional } : {}),
});
/**
 * A choice question whose "other" asks what, in a few words: `<id>` itself, then `<id>_other` (stored as
 * `<store>Other`, a column of its own in the export) only when "other" was picked.
 */
const askWithOther = (id: string, store: string, answer: AnswerSpec, next: string) => ({
  [id]: ask(id, store, answer, `${id}_other_check`),
  [`${id}_other_check`]: {
    kind: 'branch' as const,
    cases: [{ when: { type: 'equals' as const, field: store, value: 'other' }, next: `${id}_other` }],
    otherwise: next,
  },
  [`${id}_other`]: ask(`${id}_other`, `${store}Other`, { type: 'text', maxLength: 100 }, next),
});
const CONDITION = (question: string) => ({
  type: 'choice' as const,
  options: [
    option(question, 'good', '🟢'),
    option(question, 'repair', '🟠'),
    option(question, 'unsafe', '🔴'),
  ],
});

/**
 * The housing baseline survey a volunteer takes at a household's door, in about five minutes: the
 * household's own agreement first (the volunteer reads the notice aloud and says so), then who answers,
 * the household and its vulnerable members (with their separate agreement to sensitive data), the house
 * (roof, walls, floor: material and condition), land and its documents, water, toilet, electricity,
 * exposure, the household's first priority, photos and the place. It follows what a public humanitarian
 * shelter assessment records (../shared/reference/thailand.md).
 *
 * The campaign and village come from the host (src/campaigns/), which starts the run with them
 * (`inputs`), pauses and resumes it, and performs the `survey.*` effects: the duplicate check, the
 * visit declined, the survey stored with its consent and, when asked, the urgent case.
 */
export const householdSurvey = {
  id: 'household-survey',
  version: 1,
  requiresConsent: true,
  inputs: ['campaignId', 'villageId'],
  start: 'start',
  steps: {
    start: {
      kind: 'branch',
      cases: [{ when: { type: 'answered', field: 'campaignId' }, next: 'intro' }],
      otherwise: 'no_campaign',
    },
    no_campaign: { kind: 'end', text: { key: `${K}.no_campaign` } },
    intro: { kind: 'say', text: { key: `${K}.intro` }, next: 'notice' },
    // The version is recorded with each survey (survey-effects.ts reads it here), not read aloud.
    notice: {
      kind: 'say',
      text: { key: `${K}.notice`, params: { version: SURVEY_NOTICE_VERSION } },
      next: 'notice_read',
    },
    notice_read: {
      kind: 'ask',
      text: { key: `${K}.notice_read.ask` },
      answer: { type: 'yesno' },
      store: 'noticeRead',
      next: 'notice_check',
    },
    notice_check: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'noticeRead', value: true }, next: 'consent' }],
      otherwise: 'notice_first',
    },
    notice_first: { kind: 'say', text: { key: `${K}.notice_first` }, next: 'notice' },
    consent: {
      kind: 'ask',
      text: { key: `${K}.consent.ask` },
      answer: {
        type: 'choice',
        // Not ✖️: that is "cancel" beside it, which ends the survey rather than records a refusal.
        options: [option('consent', 'agree', '✅'), option('consent', 'decline', '🙅')],
      },
      store: 'householdConsent',
      next: 'consent_check',
    },
    consent_check: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'householdConsent', value: 'agree' }, next: 'respondent' }],
      otherwise: 'declined',
    },
    // Counted as a household visited, with nothing about it kept.
    declined: { kind: 'effect', effect: { type: 'host', action: 'survey.declined' }, next: 'declined_end' },
    declined_end: { kind: 'end', text: { key: `${K}.declined` } },
    respondent: ask(
      'respondent',
      'respondent',
      {
        type: 'choice',
        options: [
          option('respondent', 'head', '🧑'),
          option('respondent', 'spouse', '💑'),
          option('respondent', 'other_adult', '👥'),
          option('respondent', 'other', '❓'),
        ],
      },
      'head_name',
    ),
    head_name: ask('head_name', 'headName', { type: 'text', maxLength: 200 }, 'phone'),
    phone: ask('phone', 'phone', { type: 'phone' }, 'check', true),
    // Same village and same name or phone already surveyed in this campaign: the volunteer is told now.
    check: { kind: 'effect', effect: { type: 'host', action: 'survey.checkDuplicate' }, next: 'head_woman' },
    head_woman: ask('head_woman', 'headWoman', { type: 'yesno' }, 'members'),
    // The children are some of the members: neither answer may contradict the other (edited later, too).
    members: ask(
      'members',
      'members',
      {
        type: 'number',
        min: 1,
        max: 30,
        notBelow: { field: 'children', reason: `${K}.members.fewer_than_children` },
      },
      'children',
    ),
    children: ask(
      'children',
      'children',
      {
        type: 'number',
        min: 0,
        max: 30,
        notAbove: { field: 'members', reason: `${K}.children.more_than_members` },
      },
      'sensitive',
    ),
    sensitive: {
      kind: 'ask',
      text: { key: `${K}.sensitive.ask` },
      answer: { type: 'yesno' },
      store: 'sensitiveConsent',
      next: 'sensitive_check',
    },
    sensitive_check: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'sensitiveConsent', value: true }, next: 'vulnerable' }],
      otherwise: 'roof_material',
    },
    vulnerable: ask(
      'vulnerable',
      'vulnerable',
      {
        type: 'choice',
        multiple: true,
        options: [
          option('vulnerable', 'elderly', '👴'),
          option('vulnerable', 'disabled', '♿'),
          option('vulnerable', 'chronically_ill', '💊'),
          option('vulnerable', 'under5', '👶'),
          option('vulnerable', 'pregnant', '🤰'),
          option('vulnerable', 'none', '➖', true),
        ],
      },
      'ethnicity',
    ),
    ...askWithOther(
      'ethnicity',
      'ethnicity',
      {
        type: 'choice',
        options: [
          option('ethnicity', 'hmong', '🏔️'),
          option('ethnicity', 'karen', '🏔️'),
          option('ethnicity', 'lahu', '🏔️'),
          option('ethnicity', 'akha', '🏔️'),
          option('ethnicity', 'mien', '🏔️'),
          option('ethnicity', 'lisu', '🏔️'),
          option('ethnicity', 'thai', '🇹🇭'),
          option('ethnicity', 'other', '❓'),
          option('ethnicity', 'not_say', '🤐'),
        ],
      },
      'roof_material',
    ),
    ...askWithOther(
      'roof_material',
      'roofMaterial',
      {
        type: 'choice',
        options: [
          option('roof_material', 'metal_sheet', '🔩'),
          option('roof_material', 'tiles', '🧱'),
          option('roof_material', 'thatch', '🌾'),
          option('roof_material', 'plastic', '⛺'),
          option('roof_material', 'wood', '🪵'),
          option('roof_material', 'none', '🚫'),
          option('roof_material', 'other', '❓'),
        ],
      },
      'roof_condition',
    ),
    roof_condition: ask('roof_condition', 'roofCondition', CONDITION('roof_condition'), 'wall_material'),
    ...askWithOther(
      'wall_material',
      'wallMaterial',
      {
        type: 'choice',
        options: [
          option('wall_material', 'concrete', '🧱'),
          option('wall_material', 'wood', '🪵'),
          option('wall_material', 'bamboo', '🎋'),
          option('wall_material', 'metal_sheet', '🔩'),
          option('wall_material', 'plastic', '⛺'),
          option('wall_material', 'none', '🚫'),
          option('wall_material', 'other', '❓'),
        ],
      },
      'wall_condition',
    ),
    wall_condition: ask('wall_condition', 'wallCondition', CONDITION('wall_condition'), 'floor_material'),
    ...askWithOther(
      'floor_material',
      'floorMaterial',
      {
        type: 'choice',
        options: [
          option('floor_material', 'concrete', '🧱'),
          option('floor_material', 'wood', '🪵'),
          option('floor_material', 'bamboo', '🎋'),
          option('floor_material', 'earth', '🟫'),
          option('floor_material', 'other', '❓'),
        ],
      },
      'floor_condition',
    ),
    floor_condition: ask('floor_condition', 'floorCondition', CONDITION('floor_condition'), 'tenure'),
    tenure: ask(
      'tenure',
      'tenure',
      {
        type: 'choice',
        options: [
          option('tenure', 'own', '🏡'),
          option('tenure', 'rent', '🔑'),
          // On someone else's land with their permission, paying nothing (new code).
          option('tenure', 'permission_free', '🤝'),
          option('tenure', 'public_land', '🌳'),
          option('tenure', 'not_sure', '❔'),
        ],
      },
      'land_document',
    ),
    land_document: ask(
      'land_document',
      'landDocument',
      {
        type: 'choice',
        options: [
          option('land_document', 'title_deed', '📜'),
          option('land_document', 'use_right', '📄'),
          option('land_document', 'none', '🚫'),
          option('land_document', 'not_sure', '❔'),
        ],
      },
      'eviction',
    ),
    eviction: ask('eviction', 'evictionThreat', { type: 'yesno' }, 'water'),
    ...askWithOther(
      'water',
      'water',
      {
        type: 'choice',
        options: [
          option('water', 'piped', '🚰'),
          option('water', 'well', '🪣'),
          option('water', 'rain', '🌧️'),
          option('water', 'stream', '🏞️'),
          option('water', 'bought', '🛒'),
          option('water', 'other', '❓'),
        ],
      },
      'toilet',
    ),
    toilet: ask(
      'toilet',
      'toilet',
      {
        type: 'choice',
        options: [
          option('toilet', 'flush', '🚽'),
          // The squat toilet flushed by pouring water, the most common in rural Thailand (new code).
          option('toilet', 'pour_flush', '🚾'),
          option('toilet', 'pit', '🕳️'),
          option('toilet', 'shared', '👥'),
          option('toilet', 'none', '🚫'),
        ],
      },
      'electricity',
    ),
    electricity: ask(
      'electricity',
      'electricity',
      {
        type: 'choice',
        options: [
          option('electricity', 'grid', '🔌'),
          option('electricity', 'solar', '☀️'),
          option('electricity', 'neighbour', '🏘️'),
          option('electricity', 'none', '🚫'),
        ],
      },
      'exposure',
    ),
    exposure: ask(
      'exposure',
      'exposure',
      {
        type: 'choice',
        multiple: true,
        options: [
          option('exposure', 'flood', '🌊'),
          option('exposure', 'landslide', '⛰️'),
          option('exposure', 'wind', '🌪️'),
          option('exposure', 'none', '➖', true),
        ],
      },
      'priority',
    ),
    ...askWithOther(
      'priority',
      'priority',
      {
        type: 'choice',
        options: [
          option('priority', 'roof', '🏠'),
          option('priority', 'walls', '🧱'),
          option('priority', 'floor', '🪵'),
          option('priority', 'toilet', '🚽'),
          option('priority', 'water', '🚰'),
          option('priority', 'electricity', '💡'),
          option('priority', 'new_house', '🏗️'),
          option('priority', 'land', '📜'),
          option('priority', 'other', '❓'),
        ],
      },
      'photos',
    ),
    photos: ask('photos', 'photos', { type: 'photos', max: 10 }, 'location', true),
    location: ask('location', 'location', { type: 'location' }, 'urgent'),
    // Asked before the summary, so the case is made in the same tap that stores the survey.
    urgent: ask(
      'urgent',
      'urgent',
      { type: 'choice', options: [option('urgent', 'case', '🚨'), option('urgent', 'no', '➖')] },
      'summary',
    ),
    summary: {
      kind: 'summary',
      title: `${K}.summary`,
      fields: [
        'headName',
        'phone',
        'members',
        'roofCondition',
        'wallCondition',
        'floorCondition',
        'toilet',
        'priority',
        'urgent',
        'location',
      ],
      next: 'submit',
    },
    submit: { kind: 'effect', effect: { type: 'host', action: 'survey.submit' }, next: 'done' },
    done: { kind: 'end' },
  },
} satisfies FlowDefinition;
