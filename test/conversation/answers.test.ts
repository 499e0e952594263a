import { parseAnswer, type AnswerInput } from '../../src/conversation/answers';
import type { AnswerSpec } from '../../src/conversation/schema';
import {
  arabicDigits,
  formatDate,
  formatThaiPhone,
  parseThaiPhone,
  parseTypedDate,
} from '../../src/conversation/text';
import { engine } from './harness';

const parse = (spec: AnswerSpec, input: AnswerInput, optional = false) =>
  parseAnswer(spec, input, null, optional, engine.lexicon);
const typed = (text: string): AnswerInput => ({ kind: 'text', text });

describe('Thai formats', () => {
  it('turns Thai digits into Arabic ones', () => {
    expect(arabicDigits('๐๑๒๓๔๕๖๗๘๙')).toBe('0123456789');
  });

  it.each([
    ['081-234-5678', '0812345678'],
    ['+66 81 234 5678', '0812345678'],
    ['66812345678', '0812345678'],
    ['๐๙๑ ๒๓๔ ๕๖๗๘', '0912345678'],
    ['(02) 123 4567', '021234567'],
    ['053-123456', '053123456'],
    ['+6621234567', '021234567'],
  ])('accepts the phone number %s', (input, expected) => {
    expect(parseThaiPhone(input)).toBe(expected);
  });

  it.each(['12345', '0812345', '08123456789', '0112345678', 'call me', '+1 415 555 0100'])(
    'refuses %s',
    (input) => {
      expect(parseThaiPhone(input)).toBeNull();
    },
  );

  it('formats phone numbers for reading', () => {
    expect(formatThaiPhone('0812345678')).toBe('081-234-5678');
    expect(formatThaiPhone('021234567')).toBe('02-123-4567');
  });

  it('reads typed dates in the Buddhist or the Gregorian era and refuses impossible ones', () => {
    expect(parseTypedDate('15/1/2568')).toBe('2025-01-15');
    expect(parseTypedDate('๑๕/๐๑/๒๕๖๘')).toBe('2025-01-15');
    expect(parseTypedDate('15-01-2025')).toBe('2025-01-15');
    expect(parseTypedDate('31/2/2568')).toBeNull();
  });

  it('writes dates in the Buddhist Era in Thai, with th-TH numerals for Hmong', () => {
    expect(formatDate('2025-01-15', 'th')).toBe('15 มกราคม 2568');
    expect(formatDate('2025-01-15', 'en')).toBe('15 January 2025');
    expect(formatDate('2025-01-15', 'hmn')).toBe('15/1/2568');
    // Late evening in UTC is already the next day in Bangkok.
    expect(formatDate('2025-01-14T18:30:00.000Z', 'th')).toBe('15 มกราคม 2568');
  });
});

describe('answer types', () => {
  const choice: AnswerSpec = {
    type: 'choice',
    options: [
      { value: 'own', label: 'flows:report_need.tenure.own' },
      { value: 'rent', label: 'flows:report_need.tenure.rent' },
    ],
  };

  it('takes a choice by button, by number or by its label in any language', () => {
    expect(parse(choice, { kind: 'token', token: 'rent' })).toEqual({ kind: 'value', value: 'rent' });
    expect(parse(choice, typed('๒'))).toEqual({ kind: 'value', value: 'rent' });
    expect(parse(choice, typed('เช่า'))).toEqual({ kind: 'value', value: 'rent' });
    expect(parse(choice, typed('we rent'))).toEqual({ kind: 'value', value: 'rent' });
    expect(parse(choice, typed('peb xauj'))).toEqual({ kind: 'value', value: 'rent' });
    expect(parse(choice, { kind: 'token', token: 'steal' })).toMatchObject({ kind: 'reask' });
    expect(parse(choice, { kind: 'sticker' })).toEqual({
      kind: 'reask',
      reason: { key: 'bot:reask.choice_kind' },
    });
  });

  it('adds several choices typed at once to the selection, and takes "none" alone', () => {
    const multiple: AnswerSpec = {
      type: 'choice',
      multiple: true,
      options: [
        { value: 'elderly', label: 'flows:report_need.vulnerable.elderly' },
        { value: 'pregnant', label: 'flows:report_need.vulnerable.pregnant' },
        { value: 'none', label: 'flows:report_need.vulnerable.none', exclusive: true },
      ],
    };
    // Typed like tapped: added to the selection, shown back with "done".
    expect(parse(multiple, typed('1, 2'))).toMatchObject({
      kind: 'progress',
      draft: { selected: ['elderly', 'pregnant'] },
      ack: null,
    });
    expect(parse(multiple, typed('ไม่มี'))).toEqual({ kind: 'value', value: [] });
    expect(parse(multiple, { kind: 'token', token: '__done' })).toEqual({
      kind: 'reask',
      reason: { key: 'bot:reask.choice_none' },
    });
  });

  it('answers yes and no in every language', () => {
    for (const yes of ['ใช่', 'Yes', 'yog'])
      expect(parse({ type: 'yesno' }, typed(yes))).toEqual({ kind: 'value', value: true });
    for (const no of ['ไม่ใช่', 'no', 'tsis yog'])
      expect(parse({ type: 'yesno' }, typed(no))).toEqual({ kind: 'value', value: false });
  });

  it('bounds numbers and says why', () => {
    const spec: AnswerSpec = { type: 'number', min: 1, max: 30 };
    expect(parse(spec, typed(' ๑๒ '))).toEqual({ kind: 'value', value: 12 });
    expect(parse(spec, typed('31'))).toEqual({
      kind: 'reask',
      reason: { key: 'bot:reask.number_range', params: { min: 1, max: 30 } },
    });
    expect(parse(spec, typed('3.5'))).toMatchObject({ reason: { key: 'bot:reask.number_kind' } });
    // As people write a household's size.
    for (const [written, count] of [
      ['4 คน', 4],
      ['บ้านมี ๔ คนค่ะ', 4],
      ['ห้าคน', 5],
      ['มีสิบเอ็ดคน', 11],
      ['ยี่สิบ', 20],
      ['four people', 4],
      ['Six', 6],
      ['plaub leej', 4],
      ['tsib tus', 5],
    ] as const)
      expect([written, parse(spec, typed(written))]).toEqual([written, { kind: 'value', value: count }]);
    // Two numbers (a phone typed in the wrong place) or words that are not a count are asked again.
    expect(parse(spec, typed('089 123 4567'))).toMatchObject({ reason: { key: 'bot:reask.number_kind' } });
    expect(parse(spec, typed('หลายคน'))).toMatchObject({ reason: { key: 'bot:reask.number_kind' } });
    expect(parse(spec, { kind: 'sticker' })).toMatchObject({ reason: { key: 'bot:reask.number_kind' } });
  });

  it('takes text or a voice message where a description is asked', () => {
    const spec: AnswerSpec = { type: 'textOrVoice', maxLength: 10 };
    expect(parse(spec, { kind: 'audio', mediaId: 'v' })).toEqual({ kind: 'value', value: { mediaId: 'v' } });
    expect(parse(spec, typed('leaks'))).toEqual({ kind: 'value', value: { text: 'leaks' } });
    expect(parse(spec, typed('a very long story'))).toMatchObject({ reason: { key: 'bot:reask.too_long' } });
    expect(parse(spec, { kind: 'image', mediaId: 'i' })).toMatchObject({
      reason: { key: 'bot:reask.text_or_voice' },
    });
  });

  it('takes a shared location or a typed place', () => {
    expect(parse({ type: 'location' }, { kind: 'location', lat: 1, lng: 2, title: 'Home' })).toEqual({
      kind: 'value',
      value: { lat: 1, lng: 2, title: 'Home' },
    });
    expect(parse({ type: 'location' }, typed('บ้านเข็กน้อย เขาค้อ เพชรบูรณ์'))).toEqual({
      kind: 'value',
      value: { typed: 'บ้านเข็กน้อย เขาค้อ เพชรบูรณ์' },
    });
    expect(parse({ type: 'location' }, { kind: 'sticker' })).toMatchObject({ kind: 'reask' });
  });

  it('takes a date from the picker or typed', () => {
    expect(parse({ type: 'date' }, { kind: 'token', token: '__date', date: '2025-02-28' })).toEqual({
      kind: 'value',
      value: '2025-02-28',
    });
    expect(parse({ type: 'date' }, typed('1/3/2568'))).toEqual({ kind: 'value', value: '2025-03-01' });
    expect(parse({ type: 'date' }, typed('tomorrow'))).toMatchObject({ kind: 'reask' });
  });

  it('collects photos, answering an image set once, and skips only when optional', () => {
    const spec: AnswerSpec = { type: 'photos', max: 3 };
    const first = parseAnswer(
      spec,
      { kind: 'image', mediaId: 'a', imageSet: { id: 's', index: 1, total: 2 } },
      null,
      false,
      engine.lexicon,
    );
    expect(first).toMatchObject({ kind: 'progress', ack: null });
    const draft = first.kind === 'progress' ? first.draft : null;
    const second = parseAnswer(
      spec,
      { kind: 'image', mediaId: 'b', imageSet: { id: 's', index: 2, total: 2 } },
      draft,
      false,
      engine.lexicon,
    );
    expect(second).toMatchObject({ kind: 'progress', ack: { key: 'bot:photos.received', params: { n: 2 } } });
    const third = parseAnswer(
      spec,
      { kind: 'image', mediaId: 'c' },
      second.kind === 'progress' ? second.draft : null,
      false,
      engine.lexicon,
    );
    expect(third).toEqual({ kind: 'value', value: ['a', 'b', 'c'] });
    expect(parse(spec, typed('done'))).toMatchObject({ reason: { key: 'bot:reask.photos_none' } });
    expect(parse(spec, typed('เสร็จแล้ว'), true)).toEqual({ kind: 'skip' });
    expect(parse(spec, typed('ข้าม'), true)).toEqual({ kind: 'skip' });
  });
});
