import { z } from 'zod';

/** A translation key with its namespace, e.g. `flows:report_need.category.ask`. */
const keySchema = z.string().regex(/^[a-z_]+:[A-Za-z0-9_.]+$/, 'must be "namespace:path.to.key"');

export const textRefSchema = z.object({
  key: keySchema,
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type TextRef = z.infer<typeof textRefSchema>;

const stepId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'step ids are lower_snake_case');
const fieldName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'field names are camelCase');
const flowId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'flow ids are kebab-case');

export const optionSchema = z.object({
  value: z.string().regex(/^[a-z0-9_]+$/),
  label: keySchema,
  emoji: z.string().max(4).optional(),
  /** Choosing it ends a multiple choice at once with no selection ("none of these"). */
  exclusive: z.boolean().optional(),
});

// Quick replies hold 13 items: options plus "back" and "cancel" (and "done" for a multiple choice).
export const answerSpecSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('choice'),
      options: z.array(optionSchema).min(2).max(11),
      multiple: z.boolean().optional(),
    })
    .refine((spec) => !spec.multiple || spec.options.length <= 10, {
      error: 'a multiple choice has at most 10 options (its "done" reply needs the 11th place)',
      path: ['options'],
    }),
  z.object({ type: z.literal('yesno') }),
  z.object({ type: z.literal('language') }),
  z.object({ type: z.literal('text'), maxLength: z.number().int().positive().max(5000).optional() }),
  z.object({
    type: z.literal('number'),
    min: z.number().int(),
    max: z.number().int(),
    /**
     * Not more (`notAbove`) or less (`notBelow`) than another count answered: children of the household's
     * members. `reason` is said (with `n` and `other`) and the question asked again.
     */
    notAbove: z.object({ field: fieldName, reason: z.string() }).optional(),
    notBelow: z.object({ field: fieldName, reason: z.string() }).optional(),
  }),
  z.object({ type: z.literal('phone') }),
  z.object({ type: z.literal('date') }),
  z.object({ type: z.literal('photos'), max: z.number().int().min(1).max(20).optional() }),
  z.object({ type: z.literal('location') }),
  z.object({ type: z.literal('voice') }),
  z.object({ type: z.literal('textOrVoice'), maxLength: z.number().int().positive().max(5000).optional() }),
]);
export type AnswerSpec = z.infer<typeof answerSpecSchema>;

export const conditionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('equals'),
    field: fieldName,
    value: z.union([z.string(), z.number(), z.boolean()]),
  }),
  z.object({ type: z.literal('includes'), field: fieldName, value: z.string() }),
  z.object({ type: z.literal('answered'), field: fieldName }),
  z.object({ type: z.literal('consent'), level: z.enum(['given', 'sensitive']) }),
]);
export type Condition = z.infer<typeof conditionSchema>;

export const flowEffectSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('createCase') }),
  z.object({ type: z.literal('handoff') }),
  /**
   * `sensitiveField` holds the answer to the separate sensitive-data question ("agree" to consent); without
   * it the consent covers no sensitive data (asked later, when a sensitive question comes).
   */
  z.object({
    type: z.literal('recordConsent'),
    noticeVersion: z.string().min(1),
    sensitiveField: fieldName.optional(),
  }),
  z.object({ type: z.literal('withdrawConsent') }),
  z.object({ type: z.literal('deleteMyData') }),
  z.object({ type: z.literal('showCases') }),
  z.object({ type: z.literal('showMyData') }),
  /** Photos or a note (the answer stored in `field`) for the case the flow was started for (`caseReference`). */
  z.object({ type: z.literal('addToCase'), field: fieldName }),
  z.object({ type: z.literal('withdrawCase') }),
  /**
   * A follow-up flow's answers so far, for the case that exists already: the one this conversation's report
   * just made (`caseIntake`) or the one a card's button named (`caseReference`).
   */
  z.object({ type: z.literal('updateCase') }),
  /** Work for a feature outside the engine (e.g. `volunteer.register`): the host gets the answers so far. */
  z.object({ type: z.literal('host'), action: z.string().regex(/^[a-z][a-zA-Z0-9.]{0,63}$/) }),
]);
export type FlowEffect = z.infer<typeof flowEffectSchema>;

export const stepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('say'), text: textRefSchema, next: stepId }),
  z.object({
    kind: z.literal('ask'),
    text: textRefSchema,
    answer: answerSpecSchema,
    store: fieldName,
    /** Shown beside the answer on the summary card. */
    label: keySchema.optional(),
    optional: z.boolean().optional(),
    /** The label of the skip button, when skipping means something of its own ("use my LINE only"). */
    skipLabel: keySchema.optional(),
    /** Until the person picks a language, the other languages are offered on this question (once). */
    offerLanguage: z.boolean().optional(),
    /**
     * A photo answers this question too: it is kept for the flow's photos question and this one is left
     * unanswered ("whatever the person sends first is the problem").
     */
    orPhoto: z.boolean().optional(),
    /**
     * The answer's words may answer other questions too, through the flow's triggers ("my roof leaks
     * when it rains" picks the roof): those questions are then skipped.
     */
    fillsByWords: z.boolean().optional(),
    next: stepId,
  }),
  z.object({
    kind: z.literal('branch'),
    cases: z.array(z.object({ when: conditionSchema, next: stepId })).min(1),
    otherwise: stepId,
  }),
  z.object({ kind: z.literal('effect'), effect: flowEffectSchema, next: stepId }),
  z.object({
    kind: z.literal('summary'),
    title: keySchema,
    fields: z.array(fieldName).min(1).max(10),
    /** Shown without an edit button: changing them needs a check the summary cannot repeat. */
    locked: z.array(fieldName).optional(),
    next: stepId,
  }),
  z.object({ kind: z.literal('end'), text: textRefSchema.optional(), then: flowId.optional() }),
]);
export type Step = z.infer<typeof stepSchema>;
export type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

export const triggerSchema = z.object({
  /** A key whose text, in every language, is a `|`-separated list of words that start this flow. */
  keywords: keySchema,
  /** Answers the words already give, e.g. "roof leaking" -> category roof. */
  prefill: z.record(fieldName, z.string()).optional(),
  /**
   * The question the whole message answers when it says more than the keywords ("my roof leaks when it
   * rains" is the description too), so the user does not type it twice.
   */
  describes: fieldName.optional(),
});

export const flowSchema = z.object({
  id: flowId,
  version: z.number().int().min(1),
  /** Flows that collect personal data only start once the user consented. */
  requiresConsent: z.boolean(),
  start: stepId,
  triggers: z.array(triggerSchema).optional(),
  /**
   * Answers a button can start the flow with (e.g. `case:<reference>:<action>`), or that the flow before
   * it hands on when it ends with `then` (its answer of the same name; `caseIntake`: the case it made).
   */
  inputs: z.array(fieldName).optional(),
  /**
   * Questions after the case exists (the household questions after the reference): nothing is lost by
   * leaving them, so no "continue or start over?"; "Later" instead of "Cancel"; one reminder the next day,
   * then the questions close without a word.
   */
  followUp: z.boolean().optional(),
  steps: z.record(stepId, stepSchema),
});
export type Flow = z.infer<typeof flowSchema>;
export type FlowDefinition = z.input<typeof flowSchema>;

// ---------- answers ----------

export const sharedLocationSchema = z.object({
  lat: z.number(),
  lng: z.number(),
  title: z.string().optional(),
  address: z.string().optional(),
});
export const locationValueSchema = z.union([sharedLocationSchema, z.object({ typed: z.string() })]);
export type LocationValue = z.infer<typeof locationValueSchema>;

export const answerValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()),
  locationValueSchema,
  z.object({ text: z.string() }),
  z.object({ mediaId: z.string() }),
]);
export type AnswerValue = z.infer<typeof answerValueSchema>;

// ---------- inputs ----------

export const inputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({
    kind: z.literal('postback'),
    data: z.string(),
    params: z
      .object({ date: z.string().optional(), time: z.string().optional(), datetime: z.string().optional() })
      .optional(),
  }),
  z.object({
    kind: z.literal('image'),
    mediaId: z.string(),
    imageSet: z.object({ id: z.string(), index: z.number().int(), total: z.number().int() }).optional(),
  }),
  z.object({ kind: z.literal('audio'), mediaId: z.string() }),
  z.object({ kind: z.literal('video'), mediaId: z.string() }),
  z.object({ kind: z.literal('file'), mediaId: z.string() }),
  z.object({
    kind: z.literal('location'),
    lat: z.number(),
    lng: z.number(),
    title: z.string().optional(),
    address: z.string().optional(),
  }),
  z.object({ kind: z.literal('sticker') }),
  z.object({ kind: z.literal('follow'), profileLanguage: z.string().optional() }),
  /** A scheduler tick: the engine decides whether a reminder, an expiry or a hand-off timeout is due. */
  z.object({ kind: z.literal('timeout') }),
]);
export type Input = z.infer<typeof inputSchema>;

// ---------- state ----------

export const consentSchema = z.object({ noticeVersion: z.string(), at: z.string(), sensitive: z.boolean() });
export type Consent = z.infer<typeof consentSchema>;

export const runSchema = z.object({
  /** Made when the flow starts; a report's intake id, so a retried creation never makes two cases. */
  id: z.string(),
  flowId: z.string(),
  version: z.number().int(),
  stepId: z.string(),
  answers: z.record(z.string(), answerValueSchema),
  /** Fields answered by the words that started the flow: their questions are skipped. */
  prefilled: z.array(z.string()),
  /** Questions answered, in order, for "back". */
  history: z.array(z.string()),
  /** The summary step to return to after editing one answer. */
  returnTo: z.string().nullable(),
  /** A question answered over several messages: photos, or a multiple choice. */
  draft: z
    .object({
      photos: z.array(z.string()),
      sets: z.record(z.string(), z.number()),
      selected: z.array(z.string()),
      /** A typed address shown back as understood, waiting for "that's right" or a new one. */
      typed: z.string().optional(),
    })
    .nullable(),
  failures: z.number().int(),
  startedAt: z.string(),
  /** A follow-up flow's run (see `flowSchema.followUp`): whether its one reminder was sent. */
  followUp: z.object({ reminded: z.boolean() }).optional(),
});
export type Run = z.infer<typeof runSchema>;

export const stateSchema = z.object({
  v: z.literal(1),
  language: z.string().nullable(),
  /** The person picked the language themselves (not only guessed from their LINE profile). */
  languageChosen: z.boolean().default(false),
  consent: consentSchema.nullable(),
  run: runSchema.nullable(),
  /** Waiting for "continue or start over" after a long gap. */
  resumePrompt: z.boolean(),
  /** Photos or a location sent before any report, kept for the report that follows. */
  pendingMedia: z.object({ photos: z.array(z.string()), location: sharedLocationSchema.nullable() }),
  lastActivityAt: z.string().nullable(),
  reminderSentAt: z.string().nullable(),
  handoff: z.object({ since: z.string() }).nullable(),
  /** The flow that asked for consent first: it starts once the person agrees. */
  afterConsent: z.string().optional(),
});
export type ConversationState = z.infer<typeof stateSchema>;

export function initialState(): ConversationState {
  return {
    v: 1,
    language: null,
    languageChosen: false,
    consent: null,
    run: null,
    resumePrompt: false,
    pendingMedia: { photos: [], location: null },
    lastActivityAt: null,
    reminderSentAt: null,
    handoff: null,
  };
}
