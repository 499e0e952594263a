import { emptyDraft, parseAnswer, type AnswerInput } from './answers';
import {
  commandOf,
  isWord,
  matchTrigger,
  saysMore,
  type Command,
  type Lexicon,
  type Trigger,
} from './lexicon';
import type { Effect, OutMessage } from './messages';
import {
  stateSchema,
  type AnswerValue,
  type Condition,
  type ConversationState,
  type Flow,
  type FlowEffect,
  type Input,
  type Run,
  type StepOf,
  type TextRef,
} from './schema';
import { postbackData, readPostback } from './postback';
import { clip } from './render';
import {
  languagePicker,
  MENU_FLOW,
  MENU_REPLY,
  placeMessage,
  repliesFor,
  reply,
  selectionMessage,
  summaryMessage,
  text,
  WELCOME_FLOW,
  type DescribePlace,
  type Voice,
} from './speech';
import { normalise } from './text';
import { followUpAnswers, followUpDue, followUpTimeoutAt } from './follow-up';

export type Clock = { now(): Date };
/** Fresh ids (the host derives them from the event, so a redelivered event makes the same ids). */
export type Ids = { next(): string };
export type { DescribePlace, PlaceNames } from './speech';
export type Engine = {
  flows: Record<string, Flow>;
  lexicon: Lexicon;
  defaultLanguage: string;
  /** Without it a typed address is echoed back as typed, for the user to check. */
  describePlace?: DescribePlace;
};
export type StepResult = { state: ConversationState; effects: Effect[] };

/** Flows the engine itself starts. */
export { MENU_FLOW, WELCOME_FLOW } from './speech';
export const REPORT_FLOW = 'report-need';
export const MY_CASES_FLOW = 'my-cases';

const HOUR = 60 * 60 * 1000;
export const TIMING = {
  /** A longer gap asks "continue or start over?". */
  resumeAfterMs: 2 * HOUR,
  /** One reminder for an unfinished flow... */
  reminderAfterMs: 24 * HOUR,
  /** ...then it expires, keeping nothing unconfirmed. */
  expireAfterReminderMs: 24 * HOUR,
  handoffTimeoutMs: 48 * HOUR,
  /** Photos or a location sent with no report after them. */
  pendingMediaMs: 48 * HOUR,
};

const MAX_FAILURES = 3;
const MAX_PENDING_PHOTOS = 20;
/** How much of a kept description is read back: enough to recognise it. */
const NOTED_LENGTH = 120;

/**
 * One turn of the conversation, with no I/O: the state after the input, and what the host must do.
 * The state may come straight from storage: it is checked against its schema first.
 */
export function step(
  engine: Engine,
  state: ConversationState,
  input: Input,
  clock: Clock,
  ids: Ids,
): StepResult {
  const turn = new Turn(engine, stateSchema.parse(state), clock.now(), ids);
  turn.handle(input);
  return turn.result();
}

/** When the scheduler should send a `timeout` input for this state, or null when nothing is pending. */
export function nextTimeoutAt(state: ConversationState): Date | null {
  const at = (iso: string | null, ms: number) => (iso ? new Date(Date.parse(iso) + ms) : null);
  if (state.handoff) return at(state.handoff.since, TIMING.handoffTimeoutMs);
  if (state.run?.followUp) return followUpTimeoutAt(state, state.run);
  if (state.run && hasProgress(state.run)) {
    return state.reminderSentAt
      ? at(state.reminderSentAt, TIMING.expireAfterReminderMs)
      : at(state.lastActivityAt, TIMING.reminderAfterMs);
  }
  if (state.pendingMedia.photos.length > 0 || state.pendingMedia.location) {
    return at(state.lastActivityAt, TIMING.pendingMediaMs);
  }
  return null;
}

/**
 * A run with nothing to lose (a menu on screen, a first question, follow-up questions whose answers are
 * saved as given) is never resumed or expired as unconfirmed.
 */
function hasProgress(run: Run): boolean {
  if (run.followUp) return false;
  return (
    Object.keys(run.answers).length > 0 ||
    (run.draft?.photos.length ?? 0) > 0 ||
    (run.draft?.selected.length ?? 0) > 0 ||
    run.draft?.typed !== undefined
  );
}

class Turn {
  private readonly out: OutMessage[] = [];
  private readonly effects: Effect[] = [];
  private readonly nowIso: string;
  /** The intake id of a case this turn's report made: handed to a follow-up flow that takes `caseIntake`. */
  private madeCase: string | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly s: ConversationState,
    private readonly now: Date,
    private readonly ids: Ids,
  ) {
    this.nowIso = now.toISOString();
  }

  result(): StepResult {
    const last = this.out.at(-1);
    // No message ever ends without a way on: the menu is always one tap away.
    if (last && !last.quickReplies?.length) last.quickReplies = [MENU_REPLY];
    const effects = [...this.effects];
    if (this.out.length > 0) effects.push({ type: 'send', messages: this.out });
    return { state: this.s, effects };
  }

  handle(input: Input): void {
    if (input.kind === 'timeout') return this.onTimeout();
    const gap = this.s.lastActivityAt ? this.now.getTime() - Date.parse(this.s.lastActivityAt) : 0;
    this.s.lastActivityAt = this.nowIso;
    this.s.reminderSentAt = null;
    if (this.s.handoff) return this.duringHandoff(input);
    if (input.kind === 'follow') return this.onFollow(input.profileLanguage);
    this.dispatch(input, gap);
  }

  // ---------- dispatch ----------

  private dispatch(input: Exclude<Input, { kind: 'timeout' | 'follow' }>, gap: number): void {
    const { lexicon } = this.engine;
    const run = this.s.run;
    if (run && !this.runMatchesFlow(run)) {
      // The flow changed under the user: say so and start it again rather than guess.
      this.say('bot:flow.changed');
      const flowId = run.flowId in this.engine.flows ? run.flowId : MENU_FLOW;
      this.discardRun();
      return this.startFlow(flowId);
    }
    const tapped = input.kind === 'postback' ? readPostback(input.data) : undefined;
    const typed = input.kind === 'text' ? input.text : null;
    const resume = tapped?.kind === 'resume' ? tapped.choice : undefined;
    const wantsContinue = resume === 'continue' || (typed !== null && isWord(lexicon, 'continue', typed));
    const wantsRestart = resume === 'restart' || (typed !== null && isWord(lexicon, 'restart', typed));

    if (this.s.resumePrompt) {
      this.s.resumePrompt = false;
      if (wantsContinue) return this.reprompt();
      if (wantsRestart) return this.restartRun();
    } else if (run && hasProgress(run) && gap > TIMING.resumeAfterMs && !resume) {
      this.s.resumePrompt = true;
      this.keepMedia(input);
      return this.askResume();
    }
    if (resume === 'continue') return run ? this.reprompt() : this.startFlow(MENU_FLOW);
    if (resume === 'restart') return run ? this.restartRun() : this.startFlow(MENU_FLOW);

    const command =
      tapped?.kind === 'command' ? tapped.command : typed !== null ? commandOf(lexicon, typed) : null;
    if (command) return this.onCommand(command);
    if (tapped?.kind === 'language') return this.setLanguage(tapped.language);
    if (typed !== null && lexicon.languageNames.has(normalise(typed)) && (!run || this.offersLanguage(run))) {
      return this.setLanguage(lexicon.languageNames.get(normalise(typed))!);
    }
    if (tapped?.kind === 'case') {
      this.discardRun();
      return this.startFlow(MY_CASES_FLOW, { caseReference: tapped.reference, caseAction: tapped.action });
    }
    if (tapped?.kind === 'flow') {
      this.discardRun();
      return this.startFlow(tapped.flowId);
    }
    if (run) return this.onAnswer(input, run);
    return this.onIdle(input);
  }

  private duringHandoff(input: Input): void {
    // Staff answer now; the bot stays quiet except for the way back to it.
    const isMenu =
      (input.kind === 'postback' && input.data === postbackData.command('menu')) ||
      (input.kind === 'text' && isWord(this.engine.lexicon, 'menu', input.text));
    if (!isMenu) return;
    this.s.handoff = null;
    this.effects.push({ type: 'endHandoff', at: this.nowIso });
    this.say('bot:handoff.ended');
    this.startFlow(MENU_FLOW);
  }

  /** The question on screen offers the other languages ("English" typed there switches to it). */
  private offersLanguage(run: Run): boolean {
    const current = this.engine.flows[run.flowId]?.steps[run.stepId];
    return current?.kind === 'ask' && current.offerLanguage === true && !this.s.languageChosen;
  }

  private onFollow(profileLanguage: string | undefined): void {
    this.s.language ??= this.languageFromProfile(profileLanguage);
    this.discardRun();
    if (this.s.consent) {
      this.say('bot:follow.welcome_back');
      return this.startFlow(MENU_FLOW);
    }
    // The language is the LINE profile's: the consent question offers the others once, no question first.
    this.say('bot:follow.hello');
    this.startFlow(WELCOME_FLOW);
  }

  private languageFromProfile(profileLanguage: string | undefined): string {
    const { languages } = this.engine.lexicon;
    const primary = (profileLanguage ?? '').toLowerCase().split('-')[0] ?? '';
    // LINE may report White or Green Hmong by their own codes; both read the hmn texts.
    const code = ['mww', 'hnj'].includes(primary) ? 'hmn' : primary;
    return languages.includes(code) ? code : this.engine.defaultLanguage;
  }

  private onCommand(command: Command): void {
    const run = this.s.run;
    switch (command) {
      case 'menu':
        this.discardRun();
        return this.startFlow(MENU_FLOW);
      case 'cancel':
        // Follow-up questions are left for later: what was answered is on the case already. Not reminded
        // yet, they stay open for the one reminder tomorrow; reminded already, they close.
        if (run?.followUp && !run.followUp.reminded) return this.say('bot:followup.later');
        if (run?.followUp) this.say('bot:followup.later_reminded');
        else if (run && hasProgress(run)) this.say('bot:cancel.done');
        else this.say('bot:cancel.nothing');
        this.discardRun();
        return this.startFlow(MENU_FLOW);
      case 'back':
        return run ? this.goBack(run) : (this.say('bot:back.nothing'), this.startFlow(MENU_FLOW));
      case 'help':
        this.say('bot:help.text');
        return run ? this.reprompt() : this.startFlow(MENU_FLOW);
      case 'language':
        return void this.out.push(languagePicker(this.voice()));
      case 'staff':
        this.s.handoff = { since: this.nowIso };
        this.effects.push({ type: 'handoff', since: this.nowIso });
        this.out.push({ kind: 'text', text: text('bot:handoff.started'), quickReplies: [MENU_REPLY] });
        return;
    }
  }

  private onTimeout(): void {
    const now = this.now.getTime();
    const since = (iso: string | null) => (iso ? now - Date.parse(iso) : 0);
    if (this.s.handoff) {
      if (since(this.s.handoff.since) < TIMING.handoffTimeoutMs) return;
      this.s.handoff = null;
      this.effects.push({ type: 'endHandoff', at: this.nowIso });
      this.say('bot:handoff.timeout');
      return;
    }
    if (this.s.run?.followUp) return this.followUpTimeout(this.s.run);
    if (this.s.run && hasProgress(this.s.run)) {
      if (!this.s.reminderSentAt) {
        if (since(this.s.lastActivityAt) < TIMING.reminderAfterMs) return;
        this.s.reminderSentAt = this.nowIso;
        this.out.push({
          kind: 'text',
          text: text('bot:reminder.text'),
          quickReplies: [
            reply('bot:reply.continue', postbackData.resume('continue'), '▶️'),
            reply('bot:reply.cancel', postbackData.command('cancel'), '✖️'),
          ],
        });
      } else if (since(this.s.reminderSentAt) >= TIMING.expireAfterReminderMs) {
        this.discardRun();
        this.say('bot:reminder.expired');
      }
      return;
    }
    const pending = this.s.pendingMedia;
    if (
      (pending.photos.length > 0 || pending.location) &&
      since(this.s.lastActivityAt) >= TIMING.pendingMediaMs
    ) {
      this.discardPendingMedia();
    }
  }

  /** One reminder for follow-up questions left unanswered, then they close without a word (no push). */
  private followUpTimeout(run: Run): void {
    const due = followUpDue(this.s, run, this.now);
    if (due === 'close') {
      this.s.run = null;
      return;
    }
    if (due !== 'remind' || !run.followUp) return;
    run.followUp.reminded = true;
    this.s.reminderSentAt = this.nowIso;
    this.out.push({
      kind: 'text',
      text: text('bot:followup.reminder'),
      quickReplies: [
        reply('bot:reply.continue', postbackData.resume('continue'), '▶️'),
        reply('bot:reply.later', postbackData.command('cancel'), '⏰'),
      ],
    });
  }

  // ---------- outside a flow ----------

  private onIdle(input: Exclude<Input, { kind: 'timeout' | 'follow' }>): void {
    switch (input.kind) {
      case 'text': {
        const trigger = matchTrigger(this.engine.lexicon, input.text);
        if (trigger) return this.startFromTrigger(trigger, input.text);
        this.say('bot:idle.unknown');
        return this.startFlow(MENU_FLOW);
      }
      case 'image':
      case 'location': {
        if (!this.s.consent) {
          // Nothing personal is kept without consent.
          this.out.push({
            kind: 'text',
            text: text('bot:media.needs_consent'),
            quickReplies: [reply('bot:reply.consent', postbackData.flow(WELCOME_FLOW), '✅'), MENU_REPLY],
          });
          return;
        }
        if (input.kind === 'image' && input.imageSet && input.imageSet.index < input.imageSet.total) {
          this.keepMedia(input);
          return;
        }
        this.keepMedia(input);
        const count = this.s.pendingMedia.photos.length;
        this.out.push({
          kind: 'text',
          text:
            input.kind === 'image'
              ? text('bot:media.kept_photos', { n: count })
              : text('bot:media.kept_location'),
          quickReplies: [reply('bot:reply.report', postbackData.flow(REPORT_FLOW), '📝'), MENU_REPLY],
        });
        return;
      }
      case 'audio':
        this.say('bot:idle.voice');
        return this.startFlow(MENU_FLOW);
      default: {
        const tapped = input.kind === 'postback' ? readPostback(input.data) : undefined;
        const ofRun = (tapped?.kind === 'edit' || tapped?.kind === 'answer') && tapped.runId;
        this.say(ofRun ? 'bot:reask.stale_card' : 'bot:idle.unknown');
        return this.startFlow(MENU_FLOW);
      }
    }
  }

  private keepMedia(input: Input): void {
    if (!this.s.consent) return;
    if (input.kind === 'image' && this.s.pendingMedia.photos.length < MAX_PENDING_PHOTOS) {
      this.s.pendingMedia.photos.push(input.mediaId);
    }
    if (input.kind === 'location') {
      const { lat, lng, title, address } = input;
      this.s.pendingMedia.location = {
        lat,
        lng,
        ...(title ? { title } : {}),
        ...(address ? { address } : {}),
      };
    }
  }

  // ---------- flows ----------

  private flowOf(run: Run): Flow {
    const flow = this.engine.flows[run.flowId];
    if (!flow) throw new Error(`unknown flow ${run.flowId}`);
    return flow;
  }

  private runMatchesFlow(run: Run): boolean {
    const flow = this.engine.flows[run.flowId];
    return flow !== undefined && flow.version === run.version && run.stepId in flow.steps;
  }

  /** The words that started a flow also answer its description when they say more than the keywords. */
  private startFromTrigger(trigger: Trigger, typed: string): void {
    const flow = this.engine.flows[trigger.flowId];
    this.startFlow(trigger.flowId, {
      ...trigger.prefill,
      ...(flow ? this.described(trigger, typed, flow) : {}),
    });
  }

  private described(trigger: Trigger, typed: string, flow: Flow): Record<string, AnswerValue> {
    const field = trigger.describes;
    if (!field || !saysMore(this.engine.lexicon, typed)) return {};
    const ask = askFor(flow, field);
    if (!ask) return {};
    const parsed = parseAnswer(ask.answer, { kind: 'text', text: typed }, null, false, this.engine.lexicon);
    return parsed.kind === 'value' ? { [field]: parsed.value } : {};
  }

  /**
   * "หลังคารั่ว ฝนตกน้ำเข้าบ้าน" typed at the category question: the words pick the option, as they do at
   * the menu, and describe the problem too. True when the question is answered so.
   */
  private choiceFromWords(current: StepOf<'ask'>, run: Run, typed: string): boolean {
    const spec = current.answer;
    if (spec.type !== 'choice' || spec.multiple) return false;
    const normalised = normalise(typed);
    const trigger = this.engine.lexicon.triggers.find(
      (t) =>
        spec.options.some((option) => option.value === t.prefill[current.store]) &&
        t.words.some((word) => normalised.includes(word)),
    );
    if (!trigger) return false;
    run.answers[current.store] = trigger.prefill[current.store]!;
    for (const [field, value] of Object.entries(this.described(trigger, typed, this.flowOf(run)))) {
      if (field in run.answers) continue;
      run.answers[field] = value;
      run.prefilled.push(field);
    }
    return true;
  }

  /**
   * "My roof leaks when it rains" told as the problem picks the roof: the first trigger whose words are in
   * the text answers the questions it prefills, when they are this flow's and the person did not answer
   * them themselves (words told again after "back" may name another kind).
   */
  private fillByWords(run: Run, flow: Flow, typed: string): void {
    const normalised = normalise(typed);
    const open = (field: string) => !(field in run.answers) || run.prefilled.includes(field);
    for (const trigger of this.engine.lexicon.triggers) {
      const fields = Object.entries(trigger.prefill).filter(
        ([field]) => askFor(flow, field) !== undefined && open(field),
      );
      if (fields.length === 0 || !trigger.words.some((word) => normalised.includes(word))) continue;
      for (const [field, value] of fields) {
        run.answers[field] = value;
        if (!run.prefilled.includes(field)) run.prefilled.push(field);
      }
      return;
    }
  }

  private startFlow(flowId: string, prefill: Record<string, AnswerValue> = {}): void {
    const flow = this.engine.flows[flowId] ?? this.engine.flows[MENU_FLOW];
    if (!flow) throw new Error(`no flow ${flowId} and no ${MENU_FLOW} flow`);
    if (flow.requiresConsent && !this.consentIsCurrent()) {
      // No consent, or one to an older notice: ask for it, in the person's language, then go on with what
      // they wanted (the words they typed are not kept before consent).
      this.say(this.s.consent ? 'bot:consent.renew' : 'bot:consent.needed');
      this.s.afterConsent = flow.id;
      return this.startFlow(WELCOME_FLOW);
    }
    this.s.resumePrompt = false;
    this.s.run = {
      id: this.ids.next(),
      flowId: flow.id,
      version: flow.version,
      stepId: flow.start,
      answers: { ...prefill },
      prefilled: Object.keys(prefill),
      history: [],
      returnTo: null,
      draft: null,
      failures: 0,
      startedAt: this.nowIso,
      ...(flow.followUp ? { followUp: { reminded: false } } : {}),
    };
    this.advance(flow.start);
  }

  /** Consent given to the notice the welcome flow shows now (its `recordConsent` version). */
  private consentIsCurrent(): boolean {
    const welcome = this.engine.flows[WELCOME_FLOW];
    const notice = Object.values(welcome?.steps ?? {}).find(
      (s): s is StepOf<'effect'> => s.kind === 'effect' && s.effect.type === 'recordConsent',
    );
    const version = notice?.effect.type === 'recordConsent' ? notice.effect.noticeVersion : undefined;
    return this.s.consent !== null && (version === undefined || this.s.consent.noticeVersion === version);
  }

  /**
   * The flow an ending flow continues with, and the answers it hands on: those the next flow takes as
   * `inputs`, and `caseIntake` when this turn's report made a case. After consent, the flow that asked
   * for it comes first.
   */
  private continueWith(flow: Flow, run: Run, then: string | undefined): void {
    if (flow.id === WELCOME_FLOW) {
      if (this.s.consent && this.s.afterConsent) then = this.s.afterConsent;
      delete this.s.afterConsent;
    }
    if (!then) return;
    const next = this.engine.flows[then];
    const given: Record<string, AnswerValue> = {
      ...run.answers,
      ...(this.madeCase ? { caseIntake: this.madeCase } : {}),
    };
    const handed = Object.fromEntries(
      (next?.inputs ?? []).filter((field) => field in given).map((field) => [field, given[field]!]),
    );
    this.startFlow(then, handed);
  }

  private restartRun(): void {
    const flowId = this.s.run?.flowId ?? MENU_FLOW;
    this.discardRun();
    this.startFlow(flowId);
  }

  /** Runs steps until one waits for the user or the flow ends. */
  private advance(stepId: string): void {
    for (let guard = 0; guard < 100; guard++) {
      const run = this.s.run;
      if (!run) return;
      const flow = this.flowOf(run);
      const current = flow.steps[stepId];
      if (!current) throw new Error(`flow ${flow.id} has no step ${stepId}`);
      run.stepId = stepId;
      switch (current.kind) {
        case 'say':
          this.say(current.text.key, current.text.params);
          stepId = current.next;
          continue;
        case 'branch':
          stepId = current.cases.find((c) => this.holds(c.when, run))?.next ?? current.otherwise;
          continue;
        case 'effect':
          this.perform(current.effect, run, flow);
          stepId = current.next;
          continue;
        case 'ask': {
          if (run.prefilled.includes(current.store) && current.store in run.answers) {
            // Words typed at the menu that became the description: say they were kept, or the
            // person wonders why nobody asked what happened.
            const typed = (run.answers[current.store] as { text?: unknown } | undefined)?.text;
            if (current.answer.type === 'textOrVoice' && typeof typed === 'string')
              this.say('bot:answer.noted', { text: clip(typed, NOTED_LENGTH) });
            stepId = current.next;
            continue;
          }
          const pending = this.s.pendingMedia;
          if (current.answer.type === 'location' && pending.location) {
            run.answers[current.store] = pending.location;
            pending.location = null;
            run.history.push(stepId);
            this.say('bot:location.kept');
            stepId = current.next;
            continue;
          }
          if (current.answer.type === 'photos' && pending.photos.length > 0) {
            run.draft = { ...emptyDraft(), photos: pending.photos.slice(0, current.answer.max ?? 10) };
            pending.photos = [];
            this.say('bot:photos.kept', { n: run.draft.photos.length });
          }
          return this.prompt(current, run);
        }
        case 'summary':
          return void this.out.push(summaryMessage(this.voice(), current, run, flow));
        case 'end':
          if (current.text) this.say(current.text.key, current.text.params);
          this.s.run = null;
          return this.continueWith(flow, run, current.then);
      }
    }
    throw new Error(`flow ${this.s.run?.flowId} runs more than 100 steps without waiting`);
  }

  private holds(condition: Condition, run: Run): boolean {
    switch (condition.type) {
      case 'equals':
        return run.answers[condition.field] === condition.value;
      case 'includes': {
        const value = run.answers[condition.field];
        return Array.isArray(value) && value.includes(condition.value);
      }
      case 'answered':
        return run.answers[condition.field] !== undefined;
      case 'consent':
        return condition.level === 'given' ? this.s.consent !== null : this.s.consent?.sensitive === true;
    }
  }

  private perform(effect: FlowEffect, run: Run, flow: Flow): void {
    const at = this.nowIso;
    switch (effect.type) {
      case 'createCase':
        if (!this.s.consent) throw new Error(`flow ${flow.id} creates a case without consent`);
        this.effects.push({
          type: 'createCase',
          intakeId: run.id,
          flowId: flow.id,
          flowVersion: flow.version,
          language: this.language(),
          answers: { ...run.answers },
          consent: this.s.consent,
        });
        this.madeCase = run.id;
        // Handed over: nothing left in the run to edit, remind about, or discard as unconfirmed.
        run.answers = {};
        run.history = [];
        run.prefilled = [];
        return;
      case 'handoff':
        this.s.handoff = { since: at };
        this.effects.push({ type: 'handoff', since: at });
        return;
      case 'recordConsent': {
        const sensitive = effect.sensitiveField ? run.answers[effect.sensitiveField] === 'agree' : false;
        this.s.consent = { noticeVersion: effect.noticeVersion, at, sensitive };
        this.effects.push({
          type: 'recordConsent',
          noticeVersion: effect.noticeVersion,
          sensitive,
          at,
          language: this.language(),
        });
        return;
      }
      case 'withdrawConsent':
      case 'deleteMyData':
        this.s.consent = null;
        this.discardPendingMedia();
        this.effects.push({ type: effect.type, at });
        return;
      case 'showCases':
      case 'showMyData':
        this.effects.push({ type: effect.type });
        return;
      case 'addToCase': {
        const value = run.answers[effect.field];
        const mediaIds = Array.isArray(value) ? [...value] : [];
        const note =
          value && typeof value === 'object' && !Array.isArray(value)
            ? 'text' in value
              ? { text: value.text }
              : 'mediaId' in value
                ? { voiceMediaId: value.mediaId }
                : undefined
            : undefined;
        this.effects.push({
          type: 'addToCase',
          reference: String(run.answers.caseReference),
          at,
          language: this.language(),
          mediaIds,
          ...(note ? { note } : {}),
        });
        // Handed over: the host keeps or deletes these files, never the discard of an unconfirmed run.
        delete run.answers[effect.field];
        return;
      }
      case 'withdrawCase':
        this.effects.push({
          type: 'withdrawCase',
          reference: String(run.answers.caseReference),
          at,
          language: this.language(),
        });
        return;
      case 'updateCase': {
        const intake = run.answers.caseIntake;
        this.effects.push({
          type: 'updateCase',
          case:
            typeof intake === 'string'
              ? { intakeId: intake }
              : { reference: String(run.answers.caseReference) },
          at,
          language: this.language(),
          answers: followUpAnswers(run, flow),
        });
        return;
      }
      case 'host':
        this.effects.push({
          type: 'host',
          action: effect.action,
          runId: run.id,
          language: this.language(),
          answers: { ...run.answers },
        });
        return;
    }
  }

  // ---------- answers ----------

  private onAnswer(input: Exclude<Input, { kind: 'timeout' | 'follow' }>, run: Run): void {
    const flow = this.flowOf(run);
    const current = flow.steps[run.stepId];
    if (!current || (current.kind !== 'ask' && current.kind !== 'summary')) return this.reprompt();
    let answer: AnswerInput;
    if (input.kind === 'postback') {
      const tapped = readPostback(input.data);
      if ((tapped?.kind === 'edit' || tapped?.kind === 'answer') && tapped.runId && tapped.runId !== run.id) {
        // A summary card of a run already ended or paused (another survey, an earlier registration).
        this.say('bot:reask.stale_card');
        return this.reprompt();
      }
      if (tapped?.kind === 'edit' && current.kind === 'summary')
        return this.editField(tapped.field, run, flow);
      if (tapped?.kind !== 'answer' || tapped.stepId !== run.stepId) {
        // A button from an earlier question.
        this.say('bot:reask.stale');
        return this.reprompt();
      }
      answer = {
        kind: 'token',
        token: tapped.value,
        ...(input.params?.date ? { date: input.params.date } : {}),
      };
    } else {
      answer = input;
    }

    if (current.kind === 'summary') {
      const confirmed =
        (answer.kind === 'token' && answer.token === 'confirm') ||
        (answer.kind === 'text' &&
          (isWord(this.engine.lexicon, 'confirm', answer.text) ||
            isWord(this.engine.lexicon, 'yes', answer.text)));
      return confirmed ? this.advance(current.next) : this.fail(text('bot:reask.summary'));
    }

    if (input.kind === 'image' && current.orPhoto) {
      // A photo first is the problem shown, not told: kept for the photos question, this one left empty.
      this.keepMedia(input);
      if (input.imageSet && input.imageSet.index < input.imageSet.total) return;
      delete run.answers[current.store];
      this.say('bot:photos.as_problem');
      return this.finishAsk(current, run);
    }
    const hasType = (type: string) =>
      Object.values(flow.steps).some((s) => s.kind === 'ask' && s.answer.type === type);
    const mediaForLater =
      (input.kind === 'image' && current.answer.type !== 'photos' && hasType('photos')) ||
      (input.kind === 'location' && current.answer.type !== 'location' && hasType('location'));
    if (!hasProgress(run) && (input.kind === 'image' || input.kind === 'location') && !mediaForLater) {
      // Nothing to lose (a menu on screen): a photo or place starts over, as if sent first.
      this.discardRun();
      return this.onIdle(input);
    }
    if (mediaForLater) {
      // A photo or location sent early is not a wrong answer: it is kept for its own question.
      this.keepMedia(input);
      if (input.kind === 'image' && input.imageSet && input.imageSet.index < input.imageSet.total) return;
      this.say(input.kind === 'image' ? 'bot:media.kept_for_later' : 'bot:media.kept_location_for_later');
      return this.prompt(current, run);
    }

    const typed = current.answer.type === 'location' ? run.draft?.typed : undefined;
    if (typed !== undefined) {
      const token = answer.kind === 'token' ? answer.token : null;
      const words = input.kind === 'text' ? input.text : null;
      const said = (word: 'yes' | 'no' | 'confirm') =>
        words !== null && isWord(this.engine.lexicon, word, words);
      if (token === 'yes' || said('yes') || said('confirm')) {
        run.answers[current.store] = { typed };
        return this.finishAsk(current, run);
      }
      if (token === 'no' || said('no')) {
        run.draft = null;
        return this.prompt(current, run);
      }
      // Anything else is a new answer: a shared location, or the address typed again.
    }

    const parsed = parseAnswer(
      current.answer,
      answer,
      run.draft,
      current.optional === true,
      this.engine.lexicon,
    );
    switch (parsed.kind) {
      case 'value':
        if (typeof parsed.value === 'object' && 'typed' in parsed.value) {
          // A typed address is shown back as understood before it is kept; a shared point needs no check.
          run.draft = { ...emptyDraft(), typed: parsed.value.typed };
          return this.prompt(current, run);
        }
        if (current.answer.type === 'number' && typeof parsed.value === 'number') {
          const beyond = this.beyondOther(current.answer, parsed.value, run);
          if (beyond) return this.fail(beyond);
        }
        run.answers[current.store] = parsed.value;
        if (current.fillsByWords && input.kind === 'text') this.fillByWords(run, flow, input.text);
        // The language question speaks the new language from its very next message.
        if (current.answer.type === 'language') {
          this.s.language = String(parsed.value);
          this.s.languageChosen = true;
        }
        return this.finishAsk(current, run);
      case 'skip':
        delete run.answers[current.store];
        return this.finishAsk(current, run);
      case 'progress':
        run.draft = parsed.draft;
        if (current.answer.type === 'choice') {
          if (parsed.ack) this.say(parsed.ack.key, parsed.ack.params);
          return void this.out.push(selectionMessage(this.voice(), current, run));
        }
        if (parsed.ack)
          this.out.push({
            kind: 'text',
            text: parsed.ack,
            quickReplies: repliesFor(this.voice(), current, run),
          });
        return;
      case 'reask': {
        const typedText = input.kind === 'text' ? input.text : null;
        if (typedText === null) return this.fail(parsed.reason);
        if (this.choiceFromWords(current, run, typedText)) return this.finishAsk(current, run);
        const trigger = hasProgress(run) ? null : matchTrigger(this.engine.lexicon, typedText);
        if (trigger) {
          // "หลังคารั่ว" typed while the menu is on screen is a report, not a wrong menu choice.
          this.discardRun();
          return this.startFromTrigger(trigger, typedText);
        }
        return this.fail(parsed.reason);
      }
    }
  }

  /** A count more than the one it is part of (9 children of 5 people), or less than a part already given. */
  private beyondOther(
    spec: Extract<StepOf<'ask'>['answer'], { type: 'number' }>,
    value: number,
    run: Run,
  ): TextRef | null {
    const other = (field: string) => {
      const answer = run.answers[field];
      return typeof answer === 'number' ? answer : undefined;
    };
    const most = spec.notAbove ? other(spec.notAbove.field) : undefined;
    if (spec.notAbove && most !== undefined && value > most)
      return { key: spec.notAbove.reason, params: { n: value, other: most } };
    const least = spec.notBelow ? other(spec.notBelow.field) : undefined;
    if (spec.notBelow && least !== undefined && value < least)
      return { key: spec.notBelow.reason, params: { n: value, other: least } };
    return null;
  }

  /** A multiple choice asked again (back, or edit from the summary) starts from what was chosen. */
  private restoreSelection(step: StepOf<'ask'>, run: Run): void {
    const spec = step.answer;
    const answer = run.answers[step.store];
    if (spec.type !== 'choice' || !spec.multiple || !Array.isArray(answer)) return;
    const none = spec.options.find((option) => option.exclusive)?.value;
    const selected = answer.length > 0 ? answer.map(String) : none ? [none] : [];
    if (selected.length > 0) run.draft = { ...emptyDraft(), selected };
  }

  private finishAsk(current: StepOf<'ask'>, run: Run): void {
    run.prefilled = run.prefilled.filter((field) => field !== current.store);
    run.history.push(run.stepId);
    run.failures = 0;
    run.draft = null;
    const next = run.returnTo ?? current.next;
    run.returnTo = null;
    this.advance(next);
  }

  private fail(reason: TextRef): void {
    const run = this.s.run!;
    run.failures += 1;
    this.say(reason.key, reason.params);
    if (run.failures < MAX_FAILURES) return this.reprompt();
    // Do not loop: offer help or a person instead.
    run.failures = 0;
    this.out.push({
      kind: 'text',
      text: text('bot:stuck.text'),
      quickReplies: [
        reply('bot:reply.help', postbackData.command('help'), '❓'),
        reply('bot:reply.staff', postbackData.command('staff'), '💬'),
        reply('bot:reply.cancel', postbackData.command('cancel'), '✖️'),
      ],
    });
  }

  private goBack(run: Run): void {
    const flow = this.flowOf(run);
    if (run.returnTo) {
      // Editing one answer from the summary: back returns to the summary unchanged.
      const summary = run.returnTo;
      run.returnTo = null;
      run.draft = null;
      return this.advance(summary);
    }
    const previous = run.history.pop();
    if (!previous) {
      this.say('bot:back.first');
      return this.reprompt();
    }
    const target = flow.steps[previous];
    if (target?.kind !== 'ask') return this.reprompt();
    run.stepId = previous;
    run.draft = null;
    run.failures = 0;
    this.restoreSelection(target, run);
    this.say('bot:back.change');
    this.prompt(target, run);
  }

  private editField(field: string, run: Run, flow: Flow): void {
    const summary = flow.steps[run.stepId];
    if (summary?.kind === 'summary' && summary.locked?.includes(field)) return this.reprompt();
    const target = Object.entries(flow.steps).find(([, s]) => s.kind === 'ask' && s.store === field);
    if (!target) return this.reprompt();
    run.returnTo = run.stepId;
    run.stepId = target[0];
    run.draft = null;
    run.prefilled = run.prefilled.filter((f) => f !== field);
    this.restoreSelection(target[1] as StepOf<'ask'>, run);
    this.prompt(target[1] as StepOf<'ask'>, run);
  }

  private reprompt(): void {
    const run = this.s.run;
    if (!run) return this.startFlow(MENU_FLOW);
    const flow = this.flowOf(run);
    const current = flow.steps[run.stepId];
    if (current?.kind === 'ask') return this.prompt(current, run);
    if (current?.kind === 'summary')
      return void this.out.push(summaryMessage(this.voice(), current, run, flow));
    this.advance(run.stepId);
  }

  private askResume(): void {
    this.out.push({
      kind: 'text',
      text: text('bot:resume.ask'),
      quickReplies: [
        reply('bot:reply.continue', postbackData.resume('continue'), '▶️'),
        reply('bot:reply.restart', postbackData.resume('restart'), '🔄'),
        reply('bot:reply.cancel', postbackData.command('cancel'), '✖️'),
      ],
    });
  }

  // ---------- what the bot says ----------

  private say(key: string, params?: TextRef['params']): void {
    this.out.push({ kind: 'text', text: text(key, params) });
  }

  private voice(): Voice {
    const { lexicon, defaultLanguage, describePlace } = this.engine;
    return {
      lexicon,
      defaultLanguage,
      describePlace,
      language: this.language(),
      languageChosen: this.s.languageChosen,
    };
  }

  private language(): string {
    return this.s.language ?? this.engine.defaultLanguage;
  }

  private setLanguage(code: string): void {
    if (!this.engine.lexicon.languages.includes(code))
      return void this.out.push(languagePicker(this.voice()));
    this.s.language = code;
    this.s.languageChosen = true;
    this.say('bot:language.changed');
    if (this.s.run) this.reprompt();
    else this.startFlow(MENU_FLOW);
  }

  private prompt(current: StepOf<'ask'>, run: Run): void {
    run.stepId = Object.entries(this.flowOf(run).steps).find(([, s]) => s === current)?.[0] ?? run.stepId;
    const typed = current.answer.type === 'location' ? run.draft?.typed : undefined;
    if (typed !== undefined) return void this.out.push(placeMessage(this.voice(), typed, current, run));
    if (
      current.answer.type === 'choice' &&
      current.answer.multiple &&
      (run.draft?.selected.length ?? 0) > 0
    ) {
      // What is chosen so far, under the question.
      this.out.push({ kind: 'text', text: current.text });
      return void this.out.push(selectionMessage(this.voice(), current, run));
    }
    this.out.push({ kind: 'text', text: current.text, quickReplies: repliesFor(this.voice(), current, run) });
  }

  // ---------- discarding what was never confirmed ----------

  private discardRun(): void {
    const run = this.s.run;
    this.s.resumePrompt = false;
    if (!run) return;
    const media = [...(run.draft?.photos ?? [])];
    const flow = this.engine.flows[run.flowId];
    for (const [field, value] of Object.entries(run.answers)) {
      const ask = flow && Object.values(flow.steps).find((s) => s.kind === 'ask' && s.store === field);
      if (ask && ask.kind === 'ask' && ask.answer.type === 'photos' && Array.isArray(value))
        media.push(...value);
      else if (typeof value === 'object' && value !== null && 'mediaId' in value) media.push(value.mediaId);
    }
    if (media.length > 0) this.effects.push({ type: 'discardMedia', mediaIds: media });
    this.s.run = null;
  }

  private discardPendingMedia(): void {
    const { photos } = this.s.pendingMedia;
    if (photos.length > 0) this.effects.push({ type: 'discardMedia', mediaIds: [...photos] });
    this.s.pendingMedia = { photos: [], location: null };
  }
}

function askFor(flow: Flow, field: string): StepOf<'ask'> | undefined {
  return Object.values(flow.steps).find((s): s is StepOf<'ask'> => s.kind === 'ask' && s.store === field);
}
