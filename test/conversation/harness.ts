import type { i18n } from 'i18next';
import { allFlows } from '../../flows';
import {
  createEngine,
  initialState,
  renderMessages,
  step,
  type ConversationState,
  type Effect,
  type Engine,
  type Input,
  type StepResult,
} from '../../src/conversation';
import { createI18n, loadResources } from '../../src/i18n';
import { placeDescriber } from '../../src/cases/case-input';
import { loadAddressDirectory } from '../../src/geo/address-directory';

export const resources = loadResources();
export const engine = createEngine(allFlows, resources, 'th');

/** The engine as the service builds it: typed addresses are looked up in Thailand's place directory. */
export async function placeEngine(): Promise<Engine> {
  const describePlace = placeDescriber(await loadAddressDirectory());
  return createEngine(allFlows, resources, 'th', { describePlace });
}
const defaultEngine = engine;
export const START = '2025-01-15T03:00:00.000Z';

export function fixedIds(prefix = 'id') {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}

export function consentedState(language: string, sensitive = true): ConversationState {
  return {
    ...initialState(),
    language,
    consent: { noticeVersion: '2025-01', at: START, sensitive },
    lastActivityAt: START,
  };
}

/** A user talking to the engine: the state goes through JSON between turns, as it does through storage. */
export class Conversation {
  private stored: string;
  now: Date;
  readonly ids = fixedIds();

  constructor(
    state: ConversationState = initialState(),
    start = START,
    private readonly engine: Engine = defaultEngine,
  ) {
    this.stored = JSON.stringify(state);
    this.now = new Date(start);
  }

  get state(): ConversationState {
    return JSON.parse(this.stored) as ConversationState;
  }

  send(input: Input, afterMs = 60_000): StepResult {
    this.now = new Date(this.now.getTime() + afterMs);
    const result = step(this.engine, this.state, input, { now: () => this.now }, this.ids);
    this.stored = JSON.stringify(result.state);
    return result;
  }
}

export function sent(result: StepResult) {
  return result.effects
    .filter((e): e is Extract<Effect, { type: 'send' }> => e.type === 'send')
    .flatMap((e) => e.messages);
}

/** The keys of the texts sent, in order: what most engine tests assert on. */
export function keys(result: StepResult): string[] {
  return sent(result).map((m) => (m.kind === 'text' ? m.text.key : m.kind));
}

/** Postback data of the quick replies on the last message. */
export function replies(result: StepResult): string[] {
  return (sent(result).at(-1)?.quickReplies ?? []).map((r) =>
    r.action.type === 'postback' || r.action.type === 'datepicker' ? r.action.data : r.action.type,
  );
}

let i18nInstance: i18n | undefined;
export function translator(): Promise<i18n> {
  i18nInstance ??= createI18n('th', resources);
  return Promise.resolve(i18nInstance);
}

export async function render(result: StepResult, language: string) {
  const i18n = await translator();
  return renderMessages(sent(result), i18n.t, language);
}
