import { isWord, labelsOf, type Lexicon } from './lexicon';
import type { AnswerSpec, AnswerValue, Input, Run, TextRef } from './schema';

type ChoiceOption = Extract<AnswerSpec, { type: 'choice' }>['options'][number];
import { isoDate, normalise, parseCount, parseThaiPhone, parseTypedDate } from './text';

export type Draft = NonNullable<Run['draft']>;

/** What reaches an answer type: a message, or the value of a quick reply made for this question. */
export type AnswerInput =
  | Exclude<Input, { kind: 'postback' | 'follow' | 'timeout' }>
  | { kind: 'token'; token: string; date?: string };

export type ParseResult =
  | { kind: 'value'; value: AnswerValue }
  | { kind: 'skip' }
  | { kind: 'reask'; reason: TextRef }
  /** Part of a multi-message answer; `ack` null when nothing needs saying yet (an image set still arriving). */
  | { kind: 'progress'; draft: Draft; ack: TextRef | null };

export const DONE = '__done';
export const SKIP = '__skip';

export function emptyDraft(): Draft {
  return { photos: [], sets: {}, selected: [] };
}

const reask = (key: string, params?: TextRef['params']): ParseResult => ({
  kind: 'reask',
  reason: params ? { key: `bot:reask.${key}`, params } : { key: `bot:reask.${key}` },
});

function textOf(input: AnswerInput): string | null {
  return input.kind === 'text' ? input.text.trim() : null;
}

/** Which kinds of message an answer type accepts, so a wrong kind gets a precise reason. */
export function parseAnswer(
  spec: AnswerSpec,
  input: AnswerInput,
  draft: Draft | null,
  optional: boolean,
  lexicon: Lexicon,
): ParseResult {
  const text = textOf(input);
  const token = input.kind === 'token' ? input.token : null;
  if (optional && (token === SKIP || (text !== null && isWord(lexicon, 'skip', text))))
    return { kind: 'skip' };

  switch (spec.type) {
    case 'choice': {
      const pick = (value: string) => spec.options.find((option) => option.value === value);
      const byText = (t: string) => {
        const n = normalise(t);
        const index = /^\d+$/.test(n) ? Number(n) - 1 : -1;
        return (
          spec.options[index] ?? spec.options.find((option) => labelsOf(lexicon, option.label).includes(n))
        );
      };
      if (!spec.multiple) {
        const option = token !== null ? pick(token) : text !== null ? byText(text) : undefined;
        return option
          ? { kind: 'value', value: option.value }
          : reask(text === null && token === null ? 'choice_kind' : 'choice');
      }
      // Typed or tapped, options add to the selection, shown back with a "done" button; "none" (the
      // exclusive option) with nothing else chosen is the answer at once.
      const current = draft ?? emptyDraft();
      const isExclusive = (value: string) => pick(value)?.exclusive === true;
      const others = current.selected.filter((value) => !isExclusive(value));
      if (token === DONE || (text !== null && isWord(lexicon, 'done', text))) {
        return current.selected.length > 0 ? { kind: 'value', value: others } : reask('choice_none');
      }
      let chosen: (ChoiceOption | undefined)[];
      if (text !== null) {
        // "1, 3" or "1 3" picks several at once.
        chosen = normalise(text)
          .split(/[\s,]+/)
          .map(byText);
        if (chosen.length === 0 || chosen.some((option) => option === undefined)) return reask('choice');
      } else {
        const option = token !== null ? pick(token) : undefined;
        if (!option) return reask('choice_kind');
        chosen = [option];
      }
      const options = chosen as ChoiceOption[];
      if (options.length === 1 && options[0]!.exclusive && others.length === 0)
        return { kind: 'value', value: [] };
      let selected = [...current.selected];
      let cleared = false;
      for (const option of options) {
        if (option.exclusive) {
          // "None" after others: they are taken off, and the person is told so before "done".
          cleared ||= selected.some((value) => !isExclusive(value));
          selected = [option.value];
        } else if (selected.includes(option.value)) {
          // A second tap takes an option off; typed again, it stays.
          if (token !== null) selected = selected.filter((value) => value !== option.value);
        } else {
          selected = [...selected.filter((value) => !isExclusive(value)), option.value];
        }
      }
      return {
        kind: 'progress',
        draft: { ...current, selected },
        ack: cleared ? { key: 'bot:choice.cleared' } : null,
      };
    }
    case 'yesno': {
      if (token === 'yes' || (text !== null && isWord(lexicon, 'yes', text)))
        return { kind: 'value', value: true };
      if (token === 'no' || (text !== null && isWord(lexicon, 'no', text)))
        return { kind: 'value', value: false };
      return reask('yesno');
    }
    case 'language': {
      const code = token ?? (text !== null ? lexicon.languageNames.get(normalise(text)) : undefined);
      return code !== undefined && lexicon.languages.includes(code)
        ? { kind: 'value', value: code }
        : reask('language');
    }
    case 'text': {
      if (text === null) return reask('text_kind');
      if (text === '') return reask('text');
      // "skip" is no name for a household head a volunteer must give.
      if (isWord(lexicon, 'skip', text)) return reask('required');
      const max = spec.maxLength ?? 1000;
      return text.length > max ? reask('too_long', { max }) : { kind: 'value', value: text };
    }
    case 'textOrVoice': {
      if (input.kind === 'audio') return { kind: 'value', value: { mediaId: input.mediaId } };
      if (text === null || text === '') return reask('text_or_voice');
      const max = spec.maxLength ?? 1000;
      return text.length > max ? reask('too_long', { max }) : { kind: 'value', value: { text } };
    }
    case 'voice':
      return input.kind === 'audio' ? { kind: 'value', value: { mediaId: input.mediaId } } : reask('voice');
    case 'number': {
      if (text === null) return reask('number_kind', { min: spec.min, max: spec.max });
      const value = parseCount(text);
      if (value === null) return reask('number_kind', { min: spec.min, max: spec.max });
      return value < spec.min || value > spec.max
        ? reask('number_range', { min: spec.min, max: spec.max })
        : { kind: 'value', value };
    }
    case 'phone': {
      if (text === null) return reask('phone_kind');
      const phone = parseThaiPhone(text);
      return phone ? { kind: 'value', value: phone } : reask('phone');
    }
    case 'date': {
      const picked =
        input.kind === 'token' && input.date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.date) : null;
      if (picked) {
        const iso = isoDate(Number(picked[1]), Number(picked[2]), Number(picked[3]));
        if (iso) return { kind: 'value', value: iso };
      }
      const typed = text !== null ? parseTypedDate(text) : null;
      return typed ? { kind: 'value', value: typed } : reask('date');
    }
    case 'location': {
      if (input.kind === 'location') {
        const { lat, lng, title, address } = input;
        return {
          kind: 'value',
          value: { lat, lng, ...(title ? { title } : {}), ...(address ? { address } : {}) },
        };
      }
      // A typed "village, subdistrict, district, province": resolved to places by the host, offline.
      if (text !== null && text.length >= 3) return { kind: 'value', value: { typed: text } };
      return reask('location');
    }
    case 'photos': {
      const current = draft ?? emptyDraft();
      const max = spec.max ?? 10;
      if (input.kind === 'image') {
        if (current.photos.length >= max) return { kind: 'value', value: current.photos };
        const photos = [...current.photos, input.mediaId];
        const sets = { ...current.sets };
        let ack: TextRef | null = { key: 'bot:photos.received', params: { n: photos.length } };
        if (input.imageSet) {
          const received = (sets[input.imageSet.id] ?? 0) + 1;
          sets[input.imageSet.id] = received;
          // Several photos sent at once arrive as separate events: answer once, when the set is complete,
          // or at its last photo when LINE lost one of the set (the host said so already).
          if (received < input.imageSet.total && input.imageSet.index < input.imageSet.total) ack = null;
        }
        if (photos.length >= max) return { kind: 'value', value: photos };
        return { kind: 'progress', draft: { ...current, photos, sets }, ack };
      }
      if (token === DONE || (text !== null && isWord(lexicon, 'done', text))) {
        if (current.photos.length > 0) return { kind: 'value', value: current.photos };
        return optional ? { kind: 'skip' } : reask('photos_none');
      }
      // "Done" is offered only once a photo came: before, the way on is a photo, or skip.
      if (current.photos.length > 0) return reask('photos');
      return reask(optional ? 'photos_or_skip' : 'photos_none');
    }
  }
}
