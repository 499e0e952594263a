import { allFlows } from '../../flows';
import { volunteerRegister } from '../../flows/volunteer-register';
import { renderMessages, validateFlows, type Engine, type Input } from '../../src/conversation';
import {
  consentedState,
  Conversation,
  keys,
  placeEngine,
  replies,
  resources,
  sent,
  START,
  translator,
} from './harness';

function talk(conversation: Conversation, ...inputs: Input[]) {
  let result = conversation.send(inputs[0]!);
  for (const input of inputs.slice(1)) result = conversation.send(input);
  return result;
}
const text = (t: string): Input => ({ kind: 'text', text: t });
const tap = (data: string): Input => ({ kind: 'postback', data });

describe('the words that start a report', () => {
  it.each([
    ['th', 'หลังคารั่ว ฝนตกน้ำเข้าบ้าน', 'roof'],
    ['en', 'my roof leaks when it rains', 'roof'],
    ['hmn', 'lub ru tsev xau thaum los nag', 'roof'],
    ['th', 'ห้องน้ำพังใช้ไม่ได้มาสองเดือนแล้ว', 'toilet'],
  ])('in %s keep "%s" as the description and skip its question', (language, words, category) => {
    const result = new Conversation(consentedState(language)).send(text(words));
    expect(result.state.run?.answers).toEqual({ category, description: { text: words } });
    expect(result.state.run?.stepId).toBe('photos');
    // Read back, so the person knows why nobody asked what happened.
    expect(keys(result)).toEqual(['bot:answer.noted', 'flows:report_need.photos.ask']);
  });

  it.each([
    ['th', 'หลังคารั่ว'],
    ['th', 'หลังคารั่วครับ'],
    ['en', 'roof leaking'],
    ['en', 'my floor is broken'],
    ['hmn', 'lub ru tsev xau'],
  ])('in %s still ask what happened after the bare "%s"', (language, words) => {
    const result = new Conversation(consentedState(language)).send(text(words));
    expect(result.state.run?.answers.description).toBeUndefined();
    expect(result.state.run?.stepId).toBe('description');
  });

  it('picks the category from the problem told at the first question, and asks it when the words do not say', () => {
    const conversation = new Conversation(consentedState('en'));
    conversation.send(tap('flow:report-need'));
    const result = conversation.send(text('the toilet is blocked and the pit is full'));
    expect(result.state.run?.answers).toMatchObject({
      category: 'toilet',
      description: { text: 'the toilet is blocked and the pit is full' },
    });
    expect(result.state.run?.stepId).toBe('photos');
    // Back from the photos returns to the problem, which was the question answered.
    expect(keys(conversation.send(text('back')))).toEqual([
      'bot:back.change',
      'flows:report_need.problem.ask',
    ]);
    // Told again, the words name another kind of problem.
    const retold = conversation.send(text('the wall cracked after the rain'));
    expect(retold.state.run?.answers.category).toBe('walls');
    const other = new Conversation(consentedState('en'));
    other.send(tap('flow:report-need'));
    const unnamed = other.send(text('the rain comes in everywhere at night'));
    expect(unnamed.state.run?.answers.category).toBeUndefined();
    expect(keys(unnamed)).toEqual(['flows:report_need.category.ask']);
  });

  it('does the same for a volunteer reporting for a household, and asks when only the category is named', () => {
    const conversation = new Conversation(consentedState('th'));
    talk(conversation, tap('flow:report-household'), text('นางบัวผัน ใจดี'), tap('a:relation:family'));
    conversation.send(tap('a:informed:yes'));
    const named = conversation.send(text('ไฟฟ้า'));
    expect(named.state.run?.answers.category).toBe('electricity');
    expect(named.state.run?.stepId).toBe('description');
    conversation.send(text('back'));
    const described = conversation.send(text('หลังคารั่ว ฝนตกน้ำเข้าบ้าน'));
    expect(described.state.run?.answers).toMatchObject({
      headName: 'นางบัวผัน ใจดี',
      category: 'roof',
      description: { text: 'หลังคารั่ว ฝนตกน้ำเข้าบ้าน' },
    });
    expect(described.state.run?.stepId).toBe('photos');
  });
});

describe('the first contact', () => {
  it('is one question, consent, in the LINE profile language, with the notice and the other languages a tap away', () => {
    const result = new Conversation().send({ kind: 'follow', profileLanguage: 'en' });
    expect(keys(result)).toEqual(['bot:follow.hello', 'flows:welcome.consent']);
    expect(result.state.language).toBe('en');
    expect(replies(result)).toEqual([
      'a:consent:agree',
      'a:consent:notice',
      'a:consent:decline',
      'lang:th',
      'lang:hmn',
    ]);
    const notice = new Conversation(result.state).send(tap('a:consent:notice'));
    expect(keys(notice)).toEqual(['flows:welcome.notice', 'flows:welcome.consent']);
  });

  it('offers the other languages once: after a change the consent is asked again in it, without the offer', () => {
    const conversation = new Conversation();
    conversation.send({ kind: 'follow', profileLanguage: 'th' });
    // A Hmong speaker whose LINE is set to Thai types the language's name, or taps it.
    const switched = conversation.send(text('Hmoob'));
    expect(switched.state.language).toBe('hmn');
    expect(keys(switched)).toEqual(['bot:language.changed', 'flows:welcome.consent']);
    expect(replies(switched).some((data) => data.startsWith('lang:'))).toBe(false);
  });

  it('takes consent without sensitive data, then asks what the problem is', () => {
    const conversation = new Conversation();
    conversation.send({ kind: 'follow', profileLanguage: 'hmn' });
    const agreed = conversation.send(tap('a:consent:agree'));
    expect(agreed.state.consent).toMatchObject({ noticeVersion: '2025-01', sensitive: false });
    expect(keys(agreed)).toEqual(['flows:welcome.thanks', 'flows:report_need.problem.ask']);
    expect(agreed.state.run).toMatchObject({ flowId: 'report-need', stepId: 'description' });
  });

  it('goes on, once agreed, with what the person asked for first', () => {
    const conversation = new Conversation();
    conversation.send({ kind: 'follow', profileLanguage: 'en' });
    const asked = conversation.send(tap('flow:report-household'));
    expect(keys(asked)).toEqual(['bot:consent.needed', 'flows:welcome.consent']);
    const agreed = conversation.send(tap('a:consent:agree'));
    expect(agreed.state.run?.flowId).toBe('report-household');
    expect(agreed.state.afterConsent).toBeUndefined();
  });
});

describe('consent after declining', () => {
  it('goes on in the chosen language without offering it again', () => {
    const conversation = new Conversation();
    talk(conversation, { kind: 'follow', profileLanguage: 'th' }, tap('lang:hmn'), tap('a:consent:decline'));
    const again = conversation.send(tap('a:limited:consent'));
    expect(keys(again)).toEqual(['flows:welcome.consent']);
    expect(again.state.language).toBe('hmn');
    expect(replies(again).some((data) => data.startsWith('lang:'))).toBe(false);
    const agreed = conversation.send(tap('a:consent:agree'));
    expect(agreed.state.consent).toMatchObject({ sensitive: false });
    expect(agreed.effects).toContainEqual(
      expect.objectContaining({ type: 'recordConsent', language: 'hmn' }),
    );
  });
});

describe('a multiple choice', () => {
  it('answers each tap with what is selected so far and the same buttons, not the whole question', async () => {
    const conversation = new Conversation(consentedState('en'));
    talk(
      conversation,
      text('roof leaking'),
      text('rain comes in'),
      tap('a:photos:__skip'),
      { kind: 'location', lat: 16.64, lng: 101.01 },
      tap('a:phone:__skip'),
      tap('a:summary:confirm'),
      text('4'),
    );
    const first = conversation.send(tap('a:vulnerable:elderly'));
    expect(keys(first)).toEqual(['bot:choice.selected']);
    const second = conversation.send(tap('a:vulnerable:under5'));
    const i18n = await translator();
    const [rendered] = renderMessages(sent(second), i18n.t, 'en');
    expect(rendered).toMatchObject({
      type: 'text',
      text: expect.stringContaining('Elderly (60+), Child under 5'),
    });
    expect(replies(second)).toContain('a:vulnerable:__done');
    expect(replies(second)).toContain('a:vulnerable:pregnant');
    const none = talk(conversation, tap('a:vulnerable:elderly'), tap('a:vulnerable:under5'));
    expect(keys(none)).toEqual(['bot:choice.none_selected']);
    expect(replies(none)).not.toContain('a:vulnerable:__done');
    conversation.send(tap('a:vulnerable:disabled'));
    const done = conversation.send(tap('a:vulnerable:__done'));
    expect(done.state.run?.answers.vulnerable).toEqual(['disabled']);
    expect(keys(done)).toEqual(['flows:report_need.tenure.ask']);
  });
});

describe('the household head', () => {
  it('is asked of a resident after the reference, may be skipped, and goes to the case', () => {
    const conversation = new Conversation(consentedState('th', false));
    const asked = talk(
      conversation,
      text('หลังคารั่ว'),
      text('น้ำเข้าบ้าน'),
      tap('a:photos:__skip'),
      { kind: 'location', lat: 16.64, lng: 101.01 },
      text('0812345678'),
      tap('a:summary:confirm'),
      text('3'),
      // Sensitive data is asked for when its question comes: declined, the question is skipped.
      tap('a:sensitive:decline'),
      tap('a:tenure:own'),
    );
    expect(keys(asked)).toEqual(['flows:report_need.head_name.ask']);
    expect(replies(asked)).toContain('a:head_name:__skip');
    const named = conversation.send(text('นายสมชาย แซ่ลี'));
    expect(named.effects).toContainEqual(
      expect.objectContaining({
        type: 'updateCase',
        answers: expect.objectContaining({ householdSize: 3, tenure: 'own', headName: 'นายสมชาย แซ่ลี' }),
      }),
    );
    expect(keys(named)).toEqual(['flows:household_questions.done']);
    expect(named.state.run).toBeNull();
  });

  it('must be given by a volunteer reporting for a household', () => {
    const conversation = new Conversation(consentedState('en'));
    const asked = conversation.send(tap('flow:report-household'));
    expect(keys(asked)).toEqual(['flows:report_household.head.ask']);
    expect(replies(asked)).not.toContain('a:head:__skip');
    expect(keys(conversation.send(text('skip')))).toEqual([
      'bot:reask.required',
      'flows:report_household.head.ask',
    ]);
    expect(conversation.state.run?.answers.headName).toBeUndefined();
  });
});

describe('a typed address', () => {
  let places: Engine;
  beforeAll(async () => {
    places = await placeEngine();
  });

  function atLocation(engine?: Engine) {
    const conversation = new Conversation(consentedState('th'), START, engine);
    talk(conversation, text('หลังคารั่ว'), text('น้ำเข้าบ้าน'), tap('a:photos:__skip'));
    return conversation;
  }

  it('is shown back as subdistrict, district and province, then kept once confirmed', async () => {
    const conversation = atLocation(places);
    const shown = conversation.send(text('บ้านเข็กน้อย เข็กน้อย เขาค้อ เพชรบูรณ์'));
    expect(keys(shown)).toEqual(['bot:place.understood']);
    const i18n = await translator();
    const [rendered] = renderMessages(sent(shown), i18n.t, 'th');
    expect(rendered).toMatchObject({
      text: expect.stringContaining('ตำบล: เข็กน้อย\nอำเภอ: เขาค้อ\nจังหวัด: เพชรบูรณ์'),
    });
    expect(replies(shown).slice(0, 3)).toEqual(['a:location:yes', 'a:location:no', 'location']);
    expect(shown.state.run?.answers.location).toBeUndefined();
    const kept = conversation.send(text('ใช่'));
    expect(kept.state.run?.answers.location).toEqual({ typed: 'บ้านเข็กน้อย เข็กน้อย เขาค้อ เพชรบูรณ์' });
    expect(keys(kept)).toEqual(['flows:report_need.phone.ask']);
  });

  it('can be typed again, or replaced by a shared location that needs no check', () => {
    const conversation = atLocation(places);
    conversation.send(text('บ้านไม่มีชื่อ'));
    expect(keys(conversation.send(text('ม่วงสามสิบ อุบลราชธานี')))).toEqual(['bot:place.understood']);
    expect(keys(conversation.send(tap('a:location:no')))).toEqual(['flows:report_need.location.ask']);
    conversation.send(text('บ้านนา'));
    const shared = conversation.send({ kind: 'location', lat: 16.64, lng: 101.01 });
    expect(shared.state.run?.answers.location).toEqual({ lat: 16.64, lng: 101.01 });
    expect(keys(shared)).toEqual(['flows:report_need.phone.ask']);
  });

  it('says when no place is recognised, and echoes the text when the engine has no directory', () => {
    expect(keys(atLocation(places).send(text('ที่ไหนสักแห่ง')))).toEqual(['bot:place.not_found']);
    const echoed = atLocation().send(text('บ้านเข็กน้อย เขาค้อ'));
    expect(sent(echoed)[0]).toMatchObject({
      text: { key: 'bot:place.check', params: { typed: 'บ้านเข็กน้อย เขาค้อ' } },
    });
  });

  it('edited from the summary is checked again before the summary returns', () => {
    const conversation = atLocation(places);
    talk(conversation, { kind: 'location', lat: 16.64, lng: 101.01 }, tap('a:phone:__skip'));
    conversation.send(tap('edit:location'));
    expect(keys(conversation.send(text('เข็กน้อย เขาค้อ เพชรบูรณ์')))).toEqual(['bot:place.understood']);
    const back = conversation.send(tap('a:location:yes'));
    expect(keys(back)).toEqual(['summary']);
    expect(back.state.run?.answers.location).toEqual({ typed: 'เข็กน้อย เขาค้อ เพชรบูรณ์' });
  });

  it('is shown in the summary as typed, with the places it was confirmed as', () => {
    const conversation = atLocation(places);
    conversation.send(text('หมู่ 5 บ้านป่าคา ขาค้อ เพชบูรณ์'));
    const summary = talk(conversation, tap('a:location:yes'), tap('a:phone:__skip'));
    const card = sent(summary).at(-1);
    if (card?.kind !== 'summary') throw new Error('expected the summary');
    expect(card.rows.find((row) => row.field === 'location')?.value).toEqual({
      kind: 'text',
      text: 'หมู่ 5 บ้านป่าคา ขาค้อ เพชบูรณ์ → เขาค้อ, เพชรบูรณ์',
    });
  });
});

describe('the volunteer registration summary', () => {
  it('shows the areas confirmed just before, without an edit button that would skip their check', () => {
    const conversation = new Conversation(consentedState('en'));
    const summary = talk(
      conversation,
      tap('flow:volunteer-register'),
      text('Malee Saetang'),
      text('0891234567'),
      text('skip'),
      text('Khao Kho, Phetchabun'),
      tap('a:areas_ok:yes'),
      tap('a:data_consent:agree'),
    );
    const card = sent(summary).at(-1);
    if (card?.kind !== 'summary') throw new Error('expected the summary');
    const areas = card.rows.find((row) => row.field === 'areas');
    expect(areas).toEqual({
      field: 'areas',
      label: { key: 'flows:volunteer_register.areas.label' },
      value: { kind: 'text', text: 'Khao Kho, Phetchabun' },
    });
    expect(card.rows.find((row) => row.field === 'name')?.editData).toMatch(/^edit:name:\S+$/);
    // A forged edit of a locked row shows the summary again.
    expect(keys(conversation.send(tap('edit:areas')))).toEqual(['summary']);
  });

  it('renders a locked row with its value and no edit button', async () => {
    const i18n = await translator();
    const [card] = renderMessages(
      [
        {
          kind: 'summary',
          title: { key: 'volunteers:register.summary' },
          confirmData: 'a:summary:confirm',
          rows: [
            {
              field: 'name',
              label: { key: 'volunteers:register.name.label' },
              value: { kind: 'text', text: 'Malee' },
              editData: 'edit:name',
            },
            {
              field: 'areas',
              label: { key: 'flows:volunteer_register.areas.label' },
              value: { kind: 'text', text: 'Khao Kho' },
            },
          ],
        },
      ],
      i18n.t,
      'en',
    );
    const json = JSON.stringify(card);
    expect(json).toContain('Khao Kho');
    expect(json).toContain('edit:name');
    expect(json).not.toContain('edit:areas');
    expect(json.match(/"type":"button"/g)).toHaveLength(2);
  });

  it('refuses to lock a field the summary does not show, and a description no question stores', () => {
    const broken = allFlows.map((flow) =>
      flow.id === 'volunteer-register'
        ? {
            ...volunteerRegister,
            steps: {
              ...volunteerRegister.steps,
              summary: { ...volunteerRegister.steps.summary, locked: ['dataConsent'] },
            },
          }
        : flow.id === 'report-need'
          ? { ...flow, triggers: [{ keywords: 'flows:report_need.triggers.general', describes: 'story' }] }
          : flow,
    );
    expect(validateFlows(broken, resources)).toEqual([
      'flow report-need: step "trigger" uses field "story", which no question stores',
      'flow volunteer-register: step "summary" locks field "dataConsent", which it does not show',
    ]);
  });
});
