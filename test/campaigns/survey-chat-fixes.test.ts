import type { ConversationState, Input, StepResult } from '../../src/conversation';
import {
  consentedState,
  Conversation,
  keys,
  placeEngine,
  render,
  replies,
  sent,
  START,
} from '../conversation/harness';

/**
 * What a volunteer met walking through the survey in the sandbox: buttons of an earlier card, the checks
 * on counts and multiple choices, at the engine (the host's `survey.*` effects show as effects).
 */
const tap = (data: string): Input => ({ kind: 'postback', data });
const say = (text: string): Input => ({ kind: 'text', text });

function surveying(id: string, language = 'th'): ConversationState {
  return {
    ...consentedState(language),
    run: {
      id,
      flowId: 'household-survey',
      version: 1,
      stepId: 'start',
      answers: { campaignId: 'cmp-khaokho', villageId: 'v1' },
      prefilled: [],
      history: [],
      returnTo: null,
      draft: null,
      failures: 0,
      startedAt: START,
    },
  };
}

const toSummary = (name: string): Input[] => [
  tap('resume:continue'),
  tap('a:notice_read:yes'),
  tap('a:consent:agree'),
  tap('a:respondent:head'),
  say(name),
  tap('a:phone:__skip'),
  tap('a:head_woman:no'),
  say('5'),
  say('2'),
  tap('a:sensitive:no'),
  tap('a:roof_material:metal_sheet'),
  tap('a:roof_condition:repair'),
  tap('a:wall_material:wood'),
  tap('a:wall_condition:unsafe'),
  tap('a:floor_material:earth'),
  tap('a:floor_condition:repair'),
  tap('a:tenure:own'),
  tap('a:land_document:none'),
  tap('a:eviction:no'),
  tap('a:water:piped'),
  tap('a:toilet:none'),
  tap('a:electricity:grid'),
  tap('a:exposure:none'),
  tap('a:priority:roof'),
  tap('a:photos:__skip'),
  { kind: 'location', lat: 16.6423, lng: 101.0176 },
  tap('a:urgent:no'),
];

async function conversationAt(id: string, inputs: Input[], language = 'th') {
  const conversation = new Conversation(surveying(id, language), START, await placeEngine());
  let last: StepResult | undefined;
  for (const input of inputs) last = conversation.send(input);
  return { conversation, last: last! };
}

/** The postback data of the summary card's buttons (edit per row, confirm). */
function cardData(result: StepResult) {
  const card = sent(result).find((m) => m.kind === 'summary');
  if (card?.kind !== 'summary') throw new Error('no summary card');
  return { edit: Object.fromEntries(card.rows.map((r) => [r.field, r.editData])), confirm: card.confirmData };
}

describe('a card of an earlier survey', () => {
  it.each(['th', 'en', 'hmn'])('does not change the survey in progress (%s)', async (language) => {
    const first = await conversationAt('svy-one', toSummary('นายหนึ่ง'), language);
    const old = cardData(first.last);
    expect(old.edit.headName).toBe('edit:headName:svy-one');

    const second = await conversationAt('svy-two', toSummary('นางสอง'), language);
    const edited = second.conversation.send(tap(old.edit.headName!));
    expect(keys(edited)).toEqual(['bot:reask.stale_card', 'summary']);
    expect(second.conversation.state.run).toMatchObject({ stepId: 'summary', returnTo: null });
    expect(second.conversation.state.run!.answers.headName).toBe('นางสอง');

    // A confirm carrying another run's id (the codec reads it) does not submit this household either.
    const confirmed = second.conversation.send(tap('a:summary:confirm#svy-one'));
    expect(keys(confirmed)).toEqual(['bot:reask.stale_card', 'summary']);
    expect(confirmed.effects.some((e) => e.type === 'host' && e.action === 'survey.submit')).toBe(false);

    // The current card's own buttons work.
    const own = cardData(confirmed);
    second.conversation.send(tap(own.edit.headName!));
    const again = second.conversation.send(say('นางสองแก้'));
    expect(second.conversation.state.run!.answers.headName).toBe('นางสองแก้');
    const submitted = second.conversation.send(tap(cardData(again).confirm));
    expect(submitted.effects).toContainEqual(
      expect.objectContaining({ type: 'host', action: 'survey.submit', runId: 'svy-two' }),
    );
  });
});

describe('a card of an earlier volunteer registration', () => {
  it('does not change the registration in progress, nor anything once none is', () => {
    const conversation = new Conversation(consentedState('th'));
    const register = (name: string) => {
      conversation.send(tap('flow:volunteer-register'));
      conversation.send(say(name));
      conversation.send(say('0812345678'));
      conversation.send(tap('a:organisation:__skip'));
      conversation.send(say('เชียงใหม่'));
      conversation.send(tap('a:areas_ok:yes'));
      return cardData(conversation.send(tap('a:data_consent:agree')));
    };
    const old = register('สมชาย');
    conversation.send(tap(old.confirm));
    // Nothing running: the old card's edit answers so, with the menu.
    expect(keys(conversation.send(tap(old.edit.name!)))[0]).toBe('bot:reask.stale_card');

    conversation.send(tap('flow:volunteer-register'));
    const asked = conversation.send(tap(old.edit.name!));
    expect(keys(asked)).toEqual(['bot:reask.stale_card', 'volunteers:register.name.ask']);
    expect(conversation.state.run?.answers.name).toBeUndefined();
    expect(replies(asked)).toContain('cmd:cancel');
  });
});

/** Up to the exposure question (the 23rd input). */
const toExposure: Input[] = toSummary('นายหนึ่ง').slice(0, 22);

describe('the checks of the survey', () => {
  it('refuses more children than people, keeping the people, and asks again', async () => {
    const { conversation } = await conversationAt('svy-kids', toSummary('นายหนึ่ง').slice(0, 8));
    const refused = conversation.send(say('9'));
    expect(keys(refused)).toEqual([
      'survey:household.children.more_than_members',
      'survey:household.children.ask',
    ]);
    expect(sent(refused)[0]).toMatchObject({ text: { params: { n: 9, other: 5 } } });
    expect(conversation.state.run).toMatchObject({ stepId: 'children', answers: { members: 5 } });
    expect(conversation.state.run!.answers.children).toBeUndefined();
    conversation.send(say('๕'));
    expect(conversation.state.run).toMatchObject({
      stepId: 'sensitive',
      answers: { members: 5, children: 5 },
    });
    // Going back to the people, fewer than the children is refused too.
    conversation.send(tap('cmd:back'));
    conversation.send(tap('cmd:back'));
    expect(keys(conversation.send(say('3')))[0]).toBe('survey:household.members.fewer_than_children');
  });

  it('adds typed options to the selection like taps, and shows it', async () => {
    const { conversation } = await conversationAt('svy-multi', toExposure);
    expect(conversation.state.run!.stepId).toBe('exposure');
    const typed = conversation.send(say('ลมแรง'));
    expect(keys(typed)).toEqual(['bot:choice.selected']);
    expect(replies(typed)).toContain('a:exposure:__done');
    conversation.send(say('1'));
    expect(conversation.state.run!.draft?.selected).toEqual(['wind', 'flood']);
    conversation.send(tap('a:exposure:__done'));
    expect(conversation.state.run!.answers.exposure).toEqual(['wind', 'flood']);

    // Back: the question shows what was chosen, ticked.
    const back = conversation.send(tap('cmd:back'));
    expect(keys(back)).toEqual(['bot:back.change', 'survey:household.exposure.ask', 'bot:choice.selected']);
    expect(conversation.state.run!.draft?.selected).toEqual(['wind', 'flood']);
  });

  it('"none" after other options clears them with a message before it is kept', async () => {
    const { conversation } = await conversationAt('svy-none', toExposure);
    conversation.send(tap('a:exposure:wind'));
    const none = conversation.send(tap('a:exposure:none'));
    expect(keys(none)).toEqual(['bot:choice.cleared', 'bot:choice.selected']);
    expect(conversation.state.run!.stepId).toBe('exposure');
    expect(conversation.state.run!.draft?.selected).toEqual(['none']);
    // Another option takes "none" off again.
    conversation.send(tap('a:exposure:flood'));
    expect(conversation.state.run!.draft?.selected).toEqual(['flood']);
    conversation.send(tap('a:exposure:none'));
    conversation.send(tap('a:exposure:__done'));
    expect(conversation.state.run!.answers.exposure).toEqual([]);
    expect(conversation.state.run!.stepId).toBe('priority');
  });
});

describe('the survey words', () => {
  it('reads no notice version aloud, and asks for a photo or skip before any photo came', async () => {
    const start = await conversationAt('svy-words', [tap('resume:continue')]);
    const rendered = await render(start.last, 'th');
    expect(JSON.stringify(rendered)).not.toContain('survey-2026-12');
    const { conversation } = await conversationAt('svy-photo', toSummary('นายหนึ่ง').slice(0, 24));
    expect(conversation.state.run!.stepId).toBe('photos');
    const typed = conversation.send(say('บ้าน'));
    expect(keys(typed)[0]).toBe('bot:reask.photos_or_skip');
    expect(replies(typed)).toContain('a:photos:__skip');
    expect(replies(typed)).not.toContain('a:photos:__done');
  });
});

describe('the answer options', () => {
  it('asks what "other" is in a few words, kept beside the code, and offers the new codes', async () => {
    const inputs = toSummary('นายหนึ่ง');
    const { conversation } = await conversationAt('svy-other', inputs.slice(0, 10));
    expect(conversation.state.run!.stepId).toBe('roof_material');
    expect(keys(conversation.send(tap('a:roof_material:other')))).toEqual([
      'survey:household.roof_material_other.ask',
    ]);
    const next = conversation.send(say('ใบตองตึง'));
    expect(keys(next)).toEqual(['survey:household.roof_condition.ask']);
    expect(conversation.state.run!.answers).toMatchObject({
      roofMaterial: 'other',
      roofMaterialOther: 'ใบตองตึง',
    });
    // Back from the next question returns to the few words, then to the choice.
    conversation.send(tap('cmd:back'));
    expect(conversation.state.run!.stepId).toBe('roof_material_other');

    const later = await conversationAt('svy-codes', inputs.slice(0, 16));
    expect(later.conversation.state.run!.stepId).toBe('tenure');
    expect(replies(later.last)).toContain('a:tenure:permission_free');
    later.conversation.send(tap('a:tenure:permission_free'));
    for (const input of inputs.slice(17, 20)) later.conversation.send(input);
    expect(later.conversation.state.run!.stepId).toBe('toilet');
    later.conversation.send(tap('a:toilet:pour_flush'));
    expect(later.conversation.state.run!.answers).toMatchObject({
      tenure: 'permission_free',
      toilet: 'pour_flush',
    });
  });
});
