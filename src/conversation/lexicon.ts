import type { Resources } from '../i18n';
import type { Flow } from './schema';
import { lookupKey, normalise, wordsOf } from './text';

export const WORDS = [
  'menu',
  'back',
  'cancel',
  'help',
  'language',
  'staff',
  'done',
  'skip',
  'yes',
  'no',
  'continue',
  'restart',
  'confirm',
] as const;
export type Word = (typeof WORDS)[number];

export const COMMANDS = [
  'menu',
  'back',
  'cancel',
  'help',
  'language',
  'staff',
] as const satisfies readonly Word[];
export type Command = (typeof COMMANDS)[number];

export type Trigger = {
  flowId: string;
  words: string[];
  prefill: Record<string, string>;
  describes?: string;
};

/** Every word the engine understands, in every language at once: a Thai user may type "menu". */
export type Lexicon = {
  languages: string[];
  words: Record<Word, Set<string>>;
  /** Normalised language names and codes ("ไทย", "english", "hmoob", "th") to the language code. */
  languageNames: Map<string, string>;
  /** Own names of the languages, for the picker. */
  ownNames: Record<string, string>;
  triggers: Trigger[];
  resources: Resources;
};

export function buildLexicon(resources: Resources, flows: Flow[], defaultLanguage: string): Lexicon {
  // The default language leads every language picker.
  const languages = Object.keys(resources).sort(
    (a, b) => Number(b === defaultLanguage) - Number(a === defaultLanguage),
  );
  const words = Object.fromEntries(
    WORDS.map((word) => [word, new Set(wordsOf(resources, `bot:words.${word}`))]),
  ) as Record<Word, Set<string>>;
  const languageNames = new Map<string, string>();
  const ownNames: Record<string, string> = {};
  for (const language of languages) {
    ownNames[language] = lookupKey(resources, language, 'bot:language.name') ?? language;
    languageNames.set(normalise(language), language);
    for (const name of wordsOf({ [language]: resources[language] ?? {} }, 'bot:language.names')) {
      languageNames.set(name, language);
    }
  }
  const triggers = flows.flatMap((flow) =>
    (flow.triggers ?? []).map((trigger) => ({
      flowId: flow.id,
      words: wordsOf(resources, trigger.keywords),
      prefill: trigger.prefill ?? {},
      ...(trigger.describes ? { describes: trigger.describes } : {}),
    })),
  );
  return { languages, words, languageNames, ownNames, triggers, resources };
}

export function isWord(lexicon: Lexicon, word: Word, text: string): boolean {
  return lexicon.words[word].has(normalise(text));
}

export function commandOf(lexicon: Lexicon, text: string): Command | null {
  return COMMANDS.find((command) => isWord(lexicon, command, text)) ?? null;
}

/**
 * The first trigger with a word inside the text (Thai has no spaces between words, so a substring
 * match: "หลังคารั่วมาก" contains "หลังคา"). Triggers are tried in flow order, specific ones first.
 */
export function matchTrigger(lexicon: Lexicon, text: string): Trigger | null {
  const normalised = normalise(text);
  return lexicon.triggers.find((trigger) => trigger.words.some((word) => normalised.includes(word))) ?? null;
}

/** Letters beyond the trigger words that make a message a description, not just the problem's name. */
const DESCRIPTION_MIN_LETTERS = 6;

/**
 * Whether the text says more than trigger words: "หลังคารั่วครับ" or "my floor is broken" only names the
 * problem, "หลังคารั่ว ฝนตกน้ำเข้าบ้าน" or "my roof leaks when it rains" describes it.
 */
export function saysMore(lexicon: Lexicon, text: string): boolean {
  let rest = normalise(text);
  // Longest first, so "ru tsev" goes before a shorter word inside it. A Latin word goes whole ("leaking"
  // with "leak"); Thai has no spaces, so only the keyword itself goes.
  const words = [...new Set(lexicon.triggers.flatMap((trigger) => trigger.words))];
  for (const word of words.sort((a, b) => b.length - a.length))
    rest = rest.replace(new RegExp(`[a-z]*${escapeRegExp(word)}[a-z]*`, 'gu'), ' ');
  const letters = rest.match(/[\p{L}\p{M}\p{N}]/gu) ?? [];
  return letters.length >= DESCRIPTION_MIN_LETTERS;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** All translations of a key, normalised: a typed option label is accepted in any language. */
export function labelsOf(lexicon: Lexicon, key: string): string[] {
  return lexicon.languages
    .map((language) => lookupKey(lexicon.resources, language, key))
    .filter((text): text is string => text !== undefined)
    .map(normalise);
}
