import { DONE, emptyDraft, SKIP } from './answers';
import type { Lexicon } from './lexicon';
import type { Display, OutMessage, QuickReply, SummaryRow } from './messages';
import { postbackData } from './postback';
import type { AnswerValue, Flow, Run, StepOf, TextRef } from './schema';
import { formatThaiPhone, lookupKey } from './text';

/**
 * What the bot says: the words, buttons and summaries of a step, built from the flow and the run.
 * The engine decides what happens; this module only puts it into messages. Pure, like the engine.
 */

/** Place names as understood from a typed address, in the user's language; absent when not recognised. */
export type PlaceNames = { subdistrict?: string; district?: string; province?: string };
/** Resolves a typed address offline (the host's directory of Thai places), so it can be shown back. */
export type DescribePlace = (typed: string, language: string) => PlaceNames;

/** Who speaks, in which language. */
export type Voice = {
  lexicon: Lexicon;
  defaultLanguage: string;
  describePlace?: DescribePlace;
  language: string;
  /** The person picked the language (not only LINE's profile): the other languages are not offered. */
  languageChosen?: boolean;
};

/** Flows the engine itself starts. */
export const MENU_FLOW = 'menu';
export const WELCOME_FLOW = 'welcome';

export const text = (key: string, params?: TextRef['params']): TextRef =>
  params ? { key, params } : { key };
export const reply = (key: string, data: string, emoji?: string): QuickReply => ({
  label: { key },
  action: { type: 'postback', data },
  ...(emoji ? { emoji } : {}),
});
export const MENU_REPLY = reply('bot:reply.menu', postbackData.command('menu'), '🏠');

export function languagePicker(voice: Voice): OutMessage {
  const { languages, ownNames } = voice.lexicon;
  return {
    kind: 'text',
    text: text('bot:language.ask'),
    quickReplies: languages.map((code) => ({
      label: { literal: ownNames[code] ?? code },
      action: { type: 'postback', data: postbackData.language(code) },
      ...(code === voice.language ? { emoji: '✅' } : {}),
    })),
  };
}

/** After each tap of a multiple choice: what is selected so far, not the whole question again. */
export function selectionMessage(voice: Voice, current: StepOf<'ask'>, run: Run): OutMessage {
  const spec = current.answer;
  const selected = run.draft?.selected ?? [];
  const labels =
    spec.type === 'choice'
      ? selected.map((value) => spec.options.find((o) => o.value === value)?.label ?? value)
      : [];
  return {
    kind: 'text',
    text:
      labels.length > 0
        ? text('bot:choice.selected', { items: labels.map((key) => translate(voice, key)).join(', ') })
        : text('bot:choice.none_selected'),
    quickReplies: repliesFor(voice, current, run),
  };
}

/** The typed address as understood (subdistrict, district, province), to confirm or type again. */
export function placeMessage(voice: Voice, typed: string, current: StepOf<'ask'>, run: Run): OutMessage {
  const names = voice.describePlace?.(typed, voice.language);
  let message: TextRef;
  if (!names) {
    message = text('bot:place.check', { typed });
  } else if (!names.subdistrict && !names.district && !names.province) {
    message = text('bot:place.not_found', { typed });
  } else {
    const unknown = translate(voice, 'bot:place.unknown');
    const place = (['subdistrict', 'district', 'province'] as const)
      .map((part) => `${translate(voice, `bot:place.${part}`)}: ${names[part] ?? unknown}`)
      .join('\n');
    message = text('bot:place.understood', { typed, place });
  }
  const answer = (value: string) => postbackData.answer(run.stepId, value);
  return {
    kind: 'text',
    text: message,
    quickReplies: [
      reply('bot:reply.place_ok', answer('yes'), '✅'),
      reply('bot:reply.retype', answer('no'), '✏️'),
      ...repliesFor(voice, current, run),
    ],
  };
}

/**
 * A typed address with the places it was confirmed as when the text does not already name them,
 * so a typo is not all the summary shows.
 */
function placeLine(voice: Voice, typed: string): string {
  const names = voice.describePlace?.(typed, voice.language);
  const found = names
    ? [names.subdistrict, names.district, names.province].filter((n) => n !== undefined)
    : [];
  const lower = typed.toLowerCase();
  const named = found.every((name) => lower.includes(name.toLowerCase()));
  return named ? typed : `${typed} → ${found.join(', ')}`;
}

/** A text in the user's language, for words put inside another text (labels in a list). */
function translate(voice: Voice, key: string): string {
  const { resources } = voice.lexicon;
  return lookupKey(resources, voice.language, key) ?? lookupKey(resources, voice.defaultLanguage, key) ?? key;
}

export function repliesFor(voice: Voice, current: StepOf<'ask'>, run: Run): QuickReply[] {
  const sid = run.stepId;
  const answer = (value: string) => postbackData.answer(sid, value);
  const replies: QuickReply[] = [];
  const spec = current.answer;
  const draft = run.draft ?? emptyDraft();
  switch (spec.type) {
    case 'choice':
      for (const option of spec.options) {
        const selected = spec.multiple && draft.selected.includes(option.value);
        const emoji = selected ? '✅' : option.emoji;
        replies.push({
          label: { key: option.label },
          action: { type: 'postback', data: answer(option.value) },
          ...(emoji ? { emoji } : {}),
        });
      }
      if (spec.multiple && draft.selected.length > 0)
        replies.push(reply('bot:reply.done', answer(DONE), '✔️'));
      break;
    case 'yesno':
      replies.push(reply('bot:reply.yes', answer('yes'), '👍'), reply('bot:reply.no', answer('no'), '👎'));
      break;
    case 'language': {
      const { languages, ownNames } = voice.lexicon;
      const preferred = voice.language;
      // The language LINE reports for the user comes first, already ticked.
      for (const code of [preferred, ...languages.filter((l) => l !== preferred)]) {
        replies.push({
          label: { literal: ownNames[code] ?? code },
          action: { type: 'postback', data: answer(code) },
          ...(code === preferred ? { emoji: '✅' } : {}),
        });
      }
      break;
    }
    case 'photos':
      replies.push(
        { label: { key: 'bot:reply.gallery' }, emoji: '🖼️', action: { type: 'cameraRoll' } },
        { label: { key: 'bot:reply.camera' }, emoji: '📷', action: { type: 'camera' } },
      );
      if (draft.photos.length > 0) replies.push(reply('bot:reply.done', answer(DONE), '✔️'));
      break;
    case 'location':
      replies.push({ label: { key: 'bot:reply.location' }, emoji: '📍', action: { type: 'location' } });
      break;
    case 'date':
      replies.push({
        label: { key: 'bot:reply.pick_date' },
        emoji: '📅',
        action: { type: 'datepicker', data: answer('__date') },
      });
      break;
    default:
      break;
  }
  if (current.orPhoto)
    replies.push(
      { label: { key: 'bot:reply.gallery' }, emoji: '🖼️', action: { type: 'cameraRoll' } },
      { label: { key: 'bot:reply.camera' }, emoji: '📷', action: { type: 'camera' } },
    );
  const done = spec.type === 'photos' && draft.photos.length > 0;
  if (current.optional && !done)
    replies.push(reply(current.skipLabel ?? 'bot:reply.skip', answer(SKIP), current.skipLabel ? '💬' : '⏭️'));
  if (current.offerLanguage && !voice.languageChosen) {
    // Taken from the LINE profile, offered once to change: a tap here switches and the offer goes.
    const { languages, ownNames } = voice.lexicon;
    for (const code of languages.filter((l) => l !== voice.language))
      replies.push({
        label: { literal: ownNames[code] ?? code },
        action: { type: 'postback', data: postbackData.language(code) },
        emoji: '🌐',
      });
  }
  if (run.history.length > 0 || run.returnTo)
    replies.push(reply('bot:reply.back', postbackData.command('back'), '↩️'));
  // The menu has nothing to cancel, nor has the consent question ("I do not agree" is its way out);
  // follow-up questions are left for later, not cancelled.
  if (run.followUp) replies.push(reply('bot:reply.later', postbackData.command('cancel'), '⏰'));
  else if (run.flowId !== MENU_FLOW && run.flowId !== WELCOME_FLOW)
    replies.push(reply('bot:reply.cancel', postbackData.command('cancel'), '✖️'));
  return replies;
}

export function summaryMessage(voice: Voice, current: StepOf<'summary'>, run: Run, flow: Flow): OutMessage {
  const rows: SummaryRow[] = current.fields.map((field) => {
    const ask = Object.values(flow.steps).find(
      (s): s is StepOf<'ask'> => s.kind === 'ask' && s.store === field,
    );
    return {
      field,
      label: text(ask?.label ?? ask?.text.key ?? 'bot:answer.none'),
      value: ask ? display(voice, ask, run.answers[field]) : null,
      ...(current.locked?.includes(field) ? {} : { editData: postbackData.edit(field, run.id) }),
    };
  });
  // The edit buttons carry the run: the card stays in the chat after its run ends, and an edit of another
  // run's card would change the current one (src/conversation/postback.ts). Confirm keeps its plain data.
  const confirmData = postbackData.answer(run.stepId, 'confirm');
  return {
    kind: 'summary',
    title: text(current.title),
    rows,
    confirmData,
    quickReplies: [
      reply('bot:reply.confirm', confirmData, '✅'),
      reply('bot:reply.back', postbackData.command('back'), '↩️'),
      reply('bot:reply.cancel', postbackData.command('cancel'), '✖️'),
    ],
  };
}

function display(voice: Voice, ask: StepOf<'ask'>, value: AnswerValue | undefined): Display | null {
  if (value === undefined) return null;
  const spec = ask.answer;
  const labelOf = (v: string) =>
    spec.type === 'choice' ? spec.options.find((o) => o.value === v)?.label : undefined;
  if (spec.type === 'choice') {
    const values = Array.isArray(value) ? value : [String(value)];
    if (values.length === 0) return { kind: 'keys', keys: [text('bot:answer.none')] };
    return { kind: 'keys', keys: values.map((v) => text(labelOf(v) ?? 'bot:answer.none')) };
  }
  if (spec.type === 'yesno')
    return { kind: 'keys', keys: [text(value === true ? 'bot:answer.yes' : 'bot:answer.no')] };
  if (spec.type === 'language')
    return { kind: 'text', text: voice.lexicon.ownNames[String(value)] ?? String(value) };
  if (spec.type === 'phone') return { kind: 'text', text: formatThaiPhone(String(value)) };
  if (spec.type === 'date') return { kind: 'date', date: String(value) };
  if (spec.type === 'photos' && Array.isArray(value))
    return { kind: 'keys', keys: [text('bot:answer.photos', { n: value.length })] };
  if (typeof value === 'object' && !Array.isArray(value)) {
    if ('mediaId' in value) return { kind: 'keys', keys: [text('bot:answer.voice')] };
    if ('text' in value) return { kind: 'text', text: value.text };
    if ('typed' in value) return { kind: 'text', text: placeLine(voice, value.typed) };
    if ('lat' in value) {
      const place = value.title ?? value.address;
      return place
        ? { kind: 'text', text: place }
        : { kind: 'keys', keys: [text('bot:answer.location_shared')] };
    }
  }
  return { kind: 'text', text: String(value) };
}
