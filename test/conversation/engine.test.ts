import { allFlows } from '../../flows';
import {
  createEngine,
  initialState,
  nextTimeoutAt,
  step,
  TIMING,
  type ConversationState,
  type Input,
} from '../../src/conversation';
import {
  consentedState,
  Conversation,
  engine,
  fixedIds,
  keys,
  replies,
  resources,
  sent,
  START,
} from './harness';

const clock = { now: () => new Date(START) };

function atStep(conversation: Conversation, ...inputs: Input[]) {
  let result = conversation.send(inputs[0]!);
  for (const input of inputs.slice(1)) result = conversation.send(input);
  return result;
}

describe('engine', () => {
  it('is pure: the same state, input, clock and ids give the same result, and the input state is not changed', () => {
    const state = consentedState('th');
    const frozen = JSON.stringify(state);
    const a = step(engine, state, { kind: 'text', text: 'หลังคารั่ว' }, clock, fixedIds());
    const b = step(engine, state, { kind: 'text', text: 'หลังคารั่ว' }, clock, fixedIds());
    expect(a).toEqual(b);
    expect(JSON.stringify(state)).toBe(frozen);
  });

  it('rejects a stored state that does not match its schema', () => {
    const broken = { ...initialState(), run: { flowId: 'report-need' } } as unknown as ConversationState;
    expect(() => step(engine, broken, { kind: 'sticker' }, clock, fixedIds())).toThrow();
  });

  it.each([
    ['th', 'หลังคารั่วมาก'],
    ['en', 'My ROOF is leaking!'],
    ['hmn', 'lub ru tsev xau'],
  ])('matches free text in %s to the report with the category chosen', (language, text) => {
    const result = new Conversation(consentedState(language)).send({ kind: 'text', text });
    expect(result.state.run?.flowId).toBe('report-need');
    expect(result.state.run?.answers).toEqual({ category: 'roof' });
    expect(result.state.run?.stepId).toBe('description');
  });

  it.each([
    ['th', 'เรื่องในพื้นที่ของฉัน'],
    ['en', 'Cases in my area'],
    ['hmn', 'Teeb meem hauv kuv cheeb tsam'],
  ])('starts "cases in my area" from its menu words typed in %s', (language, text) => {
    const result = new Conversation(consentedState(language)).send({ kind: 'text', text });
    expect(result.effects).toContainEqual(
      expect.objectContaining({ type: 'host', action: 'volunteer.showAreaCases' }),
    );
  });

  it('starts a report from the menu when the user types a problem instead of tapping', () => {
    const conversation = new Conversation(consentedState('th'));
    conversation.send({ kind: 'postback', data: 'cmd:menu' });
    const result = conversation.send({ kind: 'text', text: 'ไฟฟ้าช็อต' });
    expect(result.state.run).toMatchObject({ flowId: 'report-need', answers: { category: 'electricity' } });
  });

  it('keeps a photo sent while the menu is on screen for the report that follows', () => {
    const conversation = new Conversation(consentedState('en'));
    conversation.send({ kind: 'postback', data: 'cmd:menu' });
    const result = conversation.send({ kind: 'image', mediaId: 'm-1' });
    expect(result.state.pendingMedia.photos).toEqual(['m-1']);
    expect(keys(result)).toEqual(['bot:media.kept_photos']);
    expect(replies(result)).toContain('flow:report-need');
  });

  it('answers every kind of input outside a flow, with the menu one tap away', () => {
    const inputs: Input[] = [
      { kind: 'text', text: 'สวัสดี' },
      { kind: 'sticker' },
      { kind: 'audio', mediaId: 'a' },
      { kind: 'video', mediaId: 'v' },
      { kind: 'file', mediaId: 'f' },
      { kind: 'postback', data: 'something-old' },
      { kind: 'image', mediaId: 'i' },
      { kind: 'location', lat: 1, lng: 2 },
    ];
    for (const input of inputs) {
      for (const state of [initialState(), consentedState('th')]) {
        const result = step(engine, state, input, clock, fixedIds());
        expect(sent(result).length).toBeGreaterThan(0);
        expect(replies(result).length).toBeGreaterThan(0);
      }
    }
  });

  it('keeps nothing personal without consent: a photo is not stored and a report asks for consent first', () => {
    const photo = step(engine, initialState(), { kind: 'image', mediaId: 'm-1' }, clock, fixedIds());
    expect(photo.state.pendingMedia.photos).toEqual([]);
    expect(keys(photo)).toEqual(['bot:media.needs_consent']);
    const report = step(
      engine,
      initialState(),
      { kind: 'postback', data: 'flow:report-need' },
      clock,
      fixedIds(),
    );
    expect(keys(report)).toEqual(['bot:consent.needed', 'flows:welcome.consent']);
    expect(report.state.run?.flowId).toBe('welcome');
  });

  it('preselects the LINE profile language, mapping Hmong codes to hmn and unknown ones to the default', () => {
    const follow = (profileLanguage?: string) =>
      step(
        engine,
        initialState(),
        { kind: 'follow', ...(profileLanguage ? { profileLanguage } : {}) },
        clock,
        fixedIds(),
      ).state.language;
    expect(follow('en')).toBe('en');
    expect(follow('mww')).toBe('hmn');
    expect(follow('ja')).toBe('th');
    expect(follow()).toBe('th');
  });

  it('re-asks with a reason for a wrong kind, and after three failures offers help or a person', () => {
    const conversation = new Conversation(consentedState('en'));
    atStep(
      conversation,
      { kind: 'text', text: 'roof leak' },
      { kind: 'text', text: 'rain comes in' },
      { kind: 'postback', data: 'a:photos:__skip' },
      { kind: 'text', text: 'Ban Nong, Khao Kho, Phetchabun' },
      { kind: 'text', text: 'yes' },
      { kind: 'postback', data: 'a:phone:__skip' },
      { kind: 'postback', data: 'a:summary:confirm' },
    );
    expect(conversation.state.run).toMatchObject({ flowId: 'household-questions', stepId: 'size' });
    expect(keys(conversation.send({ kind: 'sticker' }))).toEqual([
      'bot:reask.number_kind',
      'flows:report_need.household.ask',
    ]);
    expect(keys(conversation.send({ kind: 'text', text: '0' }))).toEqual([
      'bot:reask.number_range',
      'flows:report_need.household.ask',
    ]);
    const stuck = conversation.send({ kind: 'text', text: 'many' });
    expect(keys(stuck)).toEqual(['bot:reask.number_kind', 'bot:stuck.text']);
    expect(replies(stuck)).toEqual(['cmd:help', 'cmd:staff', 'cmd:cancel']);
    expect(conversation.send({ kind: 'text', text: '๑๒' }).state.run?.answers.householdSize).toBe(12);
  });

  it('treats a button from an earlier question as stale and asks the current one again', () => {
    const conversation = new Conversation(consentedState('en'));
    conversation.send({ kind: 'text', text: 'roof' });
    const result = conversation.send({ kind: 'postback', data: 'a:category:walls' });
    expect(keys(result)).toEqual(['bot:reask.stale', 'flows:report_need.problem.ask']);
    expect(result.state.run?.answers.category).toBe('roof');
  });

  it('understands the global commands in every language, typed or tapped', () => {
    for (const [text, key] of [
      ['ยกเลิก', 'bot:cancel.done'],
      ['cancel', 'bot:cancel.done'],
      ['tso tseg', 'bot:cancel.done'],
      ['Help', 'bot:help.text'],
      ['ช่วยเหลือ', 'bot:help.text'],
      ['kev pab', 'bot:help.text'],
    ] as const) {
      const conversation = new Conversation(consentedState('th'));
      conversation.send({ kind: 'text', text: 'หลังคารั่ว' });
      expect(keys(conversation.send({ kind: 'text', text }))[0]).toBe(key);
    }
    const conversation = new Conversation(consentedState('th'));
    conversation.send({ kind: 'text', text: 'หลังคารั่ว' });
    const picker = conversation.send({ kind: 'postback', data: 'cmd:language' });
    expect(replies(picker)).toEqual(['lang:th', 'lang:en', 'lang:hmn']);
    const switched = conversation.send({ kind: 'postback', data: 'lang:hmn' });
    expect(switched.state.language).toBe('hmn');
    // The flow goes on where it was, in the new language.
    expect(keys(switched)).toEqual(['bot:language.changed', 'flows:report_need.problem.ask']);
  });

  it('cancelling discards unconfirmed photos and voice messages', () => {
    const conversation = new Conversation(consentedState('en'));
    atStep(
      conversation,
      { kind: 'text', text: 'wall' },
      { kind: 'audio', mediaId: 'v-1' },
      { kind: 'image', mediaId: 'm-1' },
    );
    const result = conversation.send({ kind: 'postback', data: 'cmd:cancel' });
    expect(result.effects).toContainEqual({ type: 'discardMedia', mediaIds: ['m-1', 'v-1'] });
    expect(result.state.run?.flowId).toBe('menu');
  });

  it('restarts with an apology when the flow changed version under the user', () => {
    const conversation = new Conversation(consentedState('th'));
    conversation.send({ kind: 'text', text: 'หลังคารั่ว' });
    const newer = createEngine(
      allFlows.map((flow) => (flow.id === 'report-need' ? { ...flow, version: flow.version + 1 } : flow)),
      resources,
    );
    const result = step(newer, conversation.state, { kind: 'text', text: 'ฝนรั่ว' }, clock, fixedIds('n'));
    expect(keys(result)).toEqual(['bot:flow.changed', 'flows:report_need.problem.ask']);
    expect(result.state.run).toMatchObject({ flowId: 'report-need', version: 4, answers: {} });
  });

  it('creates the case once, with the intake id made when the report started', () => {
    const conversation = new Conversation(consentedState('en', false));
    const start = conversation.send({ kind: 'postback', data: 'flow:report-need' });
    const intakeId = start.state.run!.id;
    atStep(
      conversation,
      { kind: 'text', text: 'The floor has holes' },
      { kind: 'text', text: 'done' },
      { kind: 'location', lat: 16.6, lng: 101.0 },
      { kind: 'text', text: '02 123 4567' },
    );
    const done = conversation.send({ kind: 'text', text: 'confirm' });
    const creations = done.effects.filter((e) => e.type === 'createCase');
    expect(creations).toEqual([
      {
        type: 'createCase',
        intakeId,
        flowId: 'report-need',
        flowVersion: 3,
        language: 'en',
        consent: { noticeVersion: '2025-01', at: START, sensitive: false },
        answers: {
          // Read from the words of the problem: no question about it.
          category: 'floor',
          description: { text: 'The floor has holes' },
          location: { lat: 16.6, lng: 101.0 },
          phone: '021234567',
        },
      },
    ]);
    // The household questions follow, and their answers go to the case this report made.
    expect(done.state.run).toMatchObject({
      flowId: 'household-questions',
      answers: { caseIntake: intakeId },
      followUp: { reminded: false },
    });
    const size = conversation.send({ kind: 'text', text: '3' });
    expect(size.effects.filter((e) => e.type === 'updateCase')).toEqual([
      {
        type: 'updateCase',
        case: { intakeId },
        at: conversation.now.toISOString(),
        language: 'en',
        answers: { householdSize: 3 },
      },
    ]);
  });

  it('tells the scheduler when the next tick is due', () => {
    const idle = consentedState('th');
    expect(nextTimeoutAt(idle)).toBeNull();
    const conversation = new Conversation(idle);
    conversation.send({ kind: 'text', text: 'หลังคารั่ว' });
    const last = Date.parse(conversation.state.lastActivityAt!);
    expect(nextTimeoutAt(conversation.state)?.getTime()).toBe(last + TIMING.reminderAfterMs);
    const reminded = conversation.send({ kind: 'timeout' }, TIMING.reminderAfterMs);
    expect(keys(reminded)).toEqual(['bot:reminder.text']);
    expect(nextTimeoutAt(reminded.state)?.getTime()).toBe(
      last + TIMING.reminderAfterMs + TIMING.expireAfterReminderMs,
    );
    // A tick before the expiry is due does nothing.
    expect(conversation.send({ kind: 'timeout' }, 1000).effects).toEqual([]);
  });

  it('stays quiet during a hand-off except for the way back to the menu', () => {
    const conversation = new Conversation(consentedState('en'));
    conversation.send({ kind: 'text', text: 'staff' });
    expect(conversation.send({ kind: 'text', text: 'hello?' }).effects).toEqual([]);
    expect(conversation.send({ kind: 'image', mediaId: 'm' }).effects).toEqual([]);
    const back = conversation.send({ kind: 'text', text: 'menu' });
    expect(back.effects[0]).toEqual({ type: 'endHandoff', at: conversation.now.toISOString() });
    expect(back.state.handoff).toBeNull();
  });

  it('lets the user go back from the summary edit without changing anything', () => {
    const conversation = new Conversation(consentedState('en', false));
    atStep(
      conversation,
      { kind: 'text', text: 'toilet broken' },
      { kind: 'text', text: 'It is broken' },
      { kind: 'postback', data: 'a:photos:__skip' },
      { kind: 'text', text: 'Ban Mai, Chiang Rai' },
      { kind: 'postback', data: 'a:location:yes' },
      { kind: 'postback', data: 'a:phone:__skip' },
    );
    expect(conversation.state.run?.stepId).toBe('summary');
    conversation.send({ kind: 'postback', data: 'edit:location' });
    const back = conversation.send({ kind: 'text', text: 'back' });
    expect(keys(back)).toEqual(['summary']);
    expect(back.state.run?.answers.location).toEqual({ typed: 'Ban Mai, Chiang Rai' });
  });

  it('never sends more than five messages in one turn for any input at any step of the report', () => {
    const conversation = new Conversation(consentedState('th'));
    conversation.send({ kind: 'text', text: 'หลังคารั่ว' });
    const base = conversation.state;
    const inputs: Input[] = [
      { kind: 'sticker' },
      { kind: 'text', text: 'ย้อนกลับ' },
      { kind: 'text', text: 'เมนู' },
      { kind: 'postback', data: 'cmd:help' },
      { kind: 'follow' },
      { kind: 'timeout' },
    ];
    for (const input of inputs) {
      const result = step(
        engine,
        base,
        input,
        { now: () => new Date(Date.parse(START) + 3 * 86_400_000) },
        fixedIds(),
      );
      expect(sent(result).length).toBeLessThanOrEqual(5);
    }
  });
});

describe('my cases and a changed notice', () => {
  it('starts "my cases" for the case on the card button, and ignores a malformed one', () => {
    const conversation = new Conversation(consentedState('en'));
    const started = conversation.send({ kind: 'postback', data: 'case:NL-2568-000123:note' });
    expect(started.state.run).toMatchObject({
      flowId: 'my-cases',
      stepId: 'note',
      answers: { caseReference: 'NL-2568-000123', caseAction: 'note' },
    });
    const added = conversation.send({ kind: 'text', text: 'The water is back' });
    expect(added.effects).toEqual([
      {
        type: 'addToCase',
        reference: 'NL-2568-000123',
        at: expect.any(String),
        language: 'en',
        mediaIds: [],
        note: { text: 'The water is back' },
      },
    ]);
    expect(added.state.run).toBeNull();

    const malformed = new Conversation(consentedState('en')).send({
      kind: 'postback',
      data: 'case:../x:withdraw',
    });
    expect(malformed.state.run?.flowId).not.toBe('my-cases');
  });

  it('asks consent again, in the same language, when the consent is for an older notice', () => {
    const state = {
      ...consentedState('th'),
      consent: { noticeVersion: '2024-01', at: START, sensitive: true },
    };
    const result = new Conversation(state).send({ kind: 'postback', data: 'flow:report-need' });
    expect(keys(result)).toEqual(['bot:consent.renew', 'flows:welcome.consent']);
    // The whole notice is one tap away; the person's language is not offered again once chosen.
    expect(replies(result)).toEqual(
      expect.arrayContaining(['a:consent:agree', 'a:consent:notice', 'a:consent:decline']),
    );
    expect(result.state.run).toMatchObject({ flowId: 'welcome', stepId: 'consent' });
    expect(result.effects.some((effect) => effect.type === 'createCase')).toBe(false);
  });

  it('does not ask again when the consent is for the current notice', () => {
    const result = new Conversation(consentedState('th')).send({
      kind: 'postback',
      data: 'flow:report-need',
    });
    expect(result.state.run?.flowId).toBe('report-need');
  });
});
