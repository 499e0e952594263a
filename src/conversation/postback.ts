import { COMMANDS, type Command } from './lexicon';

/**
 * Every postback's data, written and read in one place. LINE gives a postback up to 300 characters
 * of data; ours are short `kind:arg:arg` strings, kept stable because buttons already sent in
 * people's chats keep working after a deploy.
 */
export type Postback =
  | { kind: 'command'; command: Command }
  | { kind: 'flow'; flowId: string }
  | { kind: 'language'; language: string }
  | { kind: 'resume'; choice: 'continue' | 'restart' }
  /**
   * Change one answer from the summary. `runId`: the run whose card it is (cards written before it was
   * carried have none); a card of another run must not change the current one.
   */
  | { kind: 'edit'; field: string; runId?: string }
  /** An answer to the question of step `stepId`; `runId` as for `edit` (on the summary's confirm). */
  | { kind: 'answer'; stepId: string; value: string; runId?: string }
  /** A button on a case card: starts "my cases" for that case. */
  | { kind: 'case'; reference: string; action: CaseAction }
  | { kind: 'rate'; reference: string; stars: number }
  | { kind: 'rateComment'; reference: string }
  | { kind: 'reopen'; reference: string }
  /** The household's answer to "may we show your home's story?" (cases/publication-consent.ts). */
  | { kind: 'publish'; answer: PublishAnswer; reference: string }
  /** Sent by LINE with a rich menu switch: the menu is changed by LINE itself. */
  | { kind: 'richMenuSwitch'; menu: string };

export const CASE_ACTIONS = ['photos', 'note', 'withdraw', 'household'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const PUBLISH_ANSWERS = ['yes', 'no', 'withdraw'] as const;
export type PublishAnswer = (typeof PUBLISH_ANSWERS)[number];

const REFERENCE = 'NL-\\d{4}-\\d{6,}';
const PATTERNS: [RegExp, (match: RegExpExecArray) => Postback | undefined][] = [
  [/^cmd:([a-z]+)$/, (m) => (isCommand(m[1]!) ? { kind: 'command', command: m[1] } : undefined)],
  [/^flow:([a-z0-9-]+)$/, (m) => ({ kind: 'flow', flowId: m[1]! })],
  [/^lang:([a-z]{2,3})$/, (m) => ({ kind: 'language', language: m[1]! })],
  [/^resume:(continue|restart)$/, (m) => ({ kind: 'resume', choice: m[1] as 'continue' | 'restart' })],
  [
    /^edit:([a-zA-Z0-9]+)(?::(\S{1,200}))?$/,
    (m) => ({ kind: 'edit', field: m[1]!, ...(m[2] ? { runId: m[2] } : {}) }),
  ],
  [
    /^a:([a-z0-9_]+):([^#]+)#(\S{1,200})$/,
    (m) => ({ kind: 'answer', stepId: m[1]!, value: m[2]!, runId: m[3]! }),
  ],
  [/^a:([a-z0-9_]+):(.+)$/, (m) => ({ kind: 'answer', stepId: m[1]!, value: m[2]! })],
  [
    new RegExp(`^case:(${REFERENCE}):(${CASE_ACTIONS.join('|')})$`),
    (m) => ({ kind: 'case', reference: m[1]!, action: m[2] as CaseAction }),
  ],
  [
    new RegExp(`^rate:(${REFERENCE}):([1-5])$`),
    (m) => ({ kind: 'rate', reference: m[1]!, stars: Number(m[2]) }),
  ],
  [new RegExp(`^rate-comment:(${REFERENCE})$`), (m) => ({ kind: 'rateComment', reference: m[1]! })],
  [new RegExp(`^reopen:(${REFERENCE})$`), (m) => ({ kind: 'reopen', reference: m[1]! })],
  [
    new RegExp(`^publish:(${PUBLISH_ANSWERS.join('|')}):(${REFERENCE})$`),
    (m) => ({ kind: 'publish', answer: m[1] as PublishAnswer, reference: m[2]! }),
  ],
  [/^richmenu:switch:([a-z-]+)$/, (m) => ({ kind: 'richMenuSwitch', menu: m[1]! })],
];

function isCommand(value: string): value is Command {
  return (COMMANDS as readonly string[]).includes(value);
}

/** What a postback's data asks for, or undefined for data we never wrote. */
export function readPostback(data: string): Postback | undefined {
  for (const [pattern, read] of PATTERNS) {
    const match = pattern.exec(data);
    if (match) return read(match);
  }
  return undefined;
}

/**
 * "Survey a household" (src/campaigns/survey-chat.ts reads it): on the survey variant of the volunteer's
 * rich menu, so it lives here with the other codes the menus send.
 */
export const SURVEY_START = 'survey:start';

/** The data of each kind of button. */
export const postbackData = {
  command: (command: Command) => `cmd:${command}`,
  flow: (flowId: string) => `flow:${flowId}`,
  language: (language: string) => `lang:${language}`,
  resume: (choice: 'continue' | 'restart') => `resume:${choice}`,
  edit: (field: string, runId?: string) => `edit:${field}${runId ? `:${runId}` : ''}`,
  answer: (stepId: string, value: string, runId?: string) =>
    `a:${stepId}:${value}${runId ? `#${runId}` : ''}`,
  case: (reference: string, action: CaseAction) => `case:${reference}:${action}`,
  rate: (reference: string, stars: number) => `rate:${reference}:${stars}`,
  rateComment: (reference: string) => `rate-comment:${reference}`,
  reopen: (reference: string) => `reopen:${reference}`,
  publish: (answer: PublishAnswer, reference: string) => `publish:${answer}:${reference}`,
  richMenuSwitch: (menu: string) => `richmenu:switch:${menu}`,
};
