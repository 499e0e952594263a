import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initialState, type ConversationState, type Effect, type Input } from '../../src/conversation';
import { consentedState, Conversation, keys, render } from '../conversation/harness';

/**
 * Golden transcripts of the volunteer registration flow (inputs in; rendered messages, effects and
 * state out). Re-generate with `UPDATE_GOLDEN=1 npx jest test/volunteers`.
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN_DIR = path.join(__dirname, 'golden');

const text = (t: string): Input => ({ kind: 'text', text: t });
const tap = (data: string): Input => ({ kind: 'postback', data });

type Scenario = { name: string; description: string; state: ConversationState; turns: Input[] };

const scenarios: Scenario[] = [
  {
    name: 'register-th-keyword',
    description: 'A Thai user types the keyword, gives a phone in Thai digits, skips nothing, and confirms',
    state: consentedState('th'),
    turns: [
      text('อยากสมัครเป็นอาสาสมัครครับ'),
      text('สมชาย ใจดี'),
      text('๐๘๑-๒๓๔-๕๖๗๘'),
      text('อสม. บ้านแม่ริม'),
      text('แม่ริม, สันทราย, เชียงใหม่'),
      tap('a:areas_ok:yes'),
      tap('a:data_consent:agree'),
      tap('a:summary:confirm'),
    ],
  },
  {
    name: 'register-en-retype-areas',
    description:
      'An English user from the postback: a bad phone, skips the organisation, says the areas are wrong, retypes them, edits the name from the summary',
    state: consentedState('en'),
    turns: [
      tap('flow:volunteer-register'),
      text('Nuan Saetang'),
      text('12345'),
      text('+66 89 123 4567'),
      tap('a:organisation:__skip'),
      text('Khao Kho'),
      text('no'),
      text('Khao Kho, Phetchabun; Lamphun'),
      text('yes'),
      tap('a:data_consent:agree'),
      tap('edit:name'),
      text('Nuan Saetang-Lee'),
      tap('a:summary:confirm'),
    ],
  },
  {
    name: 'register-hmn-decline',
    description:
      'A Hmong user starts with the Hmong word and declines the volunteer-data consent: nothing is kept',
    state: consentedState('hmn', false),
    turns: [
      text('kuv xav ua neeg pab dawb'),
      text('Txiab Vaj'),
      text('0891234567'),
      text('Pab pawg Hmoob'),
      text('Phetchabun'),
      text('yog'),
      tap('a:data_consent:decline'),
    ],
  },
];

const hostEffects = (effects: Effect[]) =>
  effects.filter((e): e is Extract<Effect, { type: 'host' }> => e.type === 'host');

describe('volunteer registration flow (engine)', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const conversation = new Conversation(scenario.state);
    const turns = [];
    for (const input of scenario.turns) {
      const result = conversation.send(input);
      const messages = await render(result, result.state.language ?? 'th');
      // No message without a way on.
      expect(messages.at(-1)?.quickReply?.items?.length ?? 0).toBeGreaterThan(0);
      turns.push({
        input,
        reply: messages,
        effects: result.effects.filter((effect) => effect.type !== 'send'),
        state: result.state,
      });
    }
    const transcript = { name: scenario.name, description: scenario.description, turns };
    const file = path.join(GOLDEN_DIR, `${scenario.name}.json`);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE) throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 npx jest test/volunteers`);
      writeFileSync(file, `${JSON.stringify(transcript, null, 2)}\n`);
    }
    expect(JSON.parse(JSON.stringify(transcript))).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('hands the confirmed answers to the host once, with the run id as the registration id', () => {
    const c = new Conversation(consentedState('th'));
    c.send(text('อาสาสมัคร'));
    c.send(text('สมชาย ใจดี'));
    c.send(text('๐๘๑๒๓๔๕๖๗๘'));
    c.send(text('อสม.'));
    const typed = c.send(text('แม่ริม เชียงใหม่'));
    expect(hostEffects(typed.effects).map((e) => e.action)).toEqual(['volunteer.previewAreas']);
    expect(keys(typed)).toEqual(['volunteers:register.areas_ok.ask']);
    c.send(tap('a:areas_ok:yes'));
    const summary = c.send(tap('a:data_consent:agree'));
    expect(hostEffects(summary.effects)).toEqual([]);
    const done = c.send(tap('a:summary:confirm'));
    const [register] = hostEffects(done.effects);
    expect(register).toEqual({
      type: 'host',
      action: 'volunteer.register',
      runId: 'id-1',
      language: 'th',
      answers: {
        name: 'สมชาย ใจดี',
        phone: '0812345678',
        organisation: 'อสม.',
        areas: 'แม่ริม เชียงใหม่',
        areasConfirmed: true,
        dataConsent: 'agree',
      },
    });
    expect(keys(done)).toContain('volunteers:register.done');
    expect(c.state.run).toBeNull();
  });

  it('asks for consent first when the user has none, and "no" to the areas asks them again', () => {
    const stranger = new Conversation(initialState());
    expect(keys(stranger.send(text('volunteer')))).toContain('bot:consent.needed');

    const c = new Conversation(consentedState('en'));
    c.send(tap('flow:volunteer-register'));
    c.send(text('A B'));
    c.send(text('0812345678'));
    c.send(tap('a:organisation:__skip'));
    c.send(text('Nowhere'));
    const again = c.send(tap('a:areas_ok:no'));
    expect(keys(again)).toEqual(['volunteers:register.areas.ask']);
    expect(hostEffects(c.send(text('Lamphun')).effects).map((e) => e.action)).toEqual([
      'volunteer.previewAreas',
    ]);
  });

  it('shows area cases through the host from the volunteer menu postback', () => {
    const c = new Conversation(consentedState('en'));
    const result = c.send(tap('flow:area-cases'));
    expect(hostEffects(result.effects).map((e) => e.action)).toEqual(['volunteer.showAreaCases']);
    expect(keys(result)).toEqual(['volunteers:area.footer']);
  });
});
