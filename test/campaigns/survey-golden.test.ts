import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConversationState, Input } from '../../src/conversation';
import { consentedState, Conversation, placeEngine, render, START } from '../conversation/harness';

/**
 * Golden transcripts of the household survey in each language, at the engine (the host's `survey.*`
 * effects show as effects). The run starts as src/campaigns/survey-chat.ts starts it: with the campaign
 * and village as answers, and "continue". Re-generate with `UPDATE_GOLDEN=1 npx jest test/campaigns`.
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN_DIR = path.join(__dirname, 'golden');

const tap = (data: string): Input => ({ kind: 'postback', data });
const say = (text: string): Input => ({ kind: 'text', text });

function surveying(language: string, sensitive = true): ConversationState {
  return {
    ...consentedState(language, sensitive),
    run: {
      id: 'svy-golden',
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

const rest = (vulnerable: Input[], exposure: Input[], urgent: string): Input[] => [
  tap('a:sensitive:yes'),
  ...vulnerable,
  tap('a:ethnicity:hmong'),
  tap('a:roof_material:metal_sheet'),
  tap('a:roof_condition:repair'),
  tap('a:wall_material:wood'),
  tap('a:wall_condition:unsafe'),
  tap('a:floor_material:earth'),
  tap('a:floor_condition:repair'),
  tap('a:tenure:public_land'),
  tap('a:land_document:none'),
  tap('a:eviction:no'),
  tap('a:water:stream'),
  tap('a:toilet:none'),
  tap('a:electricity:solar'),
  ...exposure,
  tap('a:priority:toilet'),
  { kind: 'image', mediaId: 'm-photo-1' },
  tap('a:photos:__done'),
  { kind: 'location', lat: 16.6423, lng: 101.0176, address: 'Khao Kho, Phetchabun' },
  tap(`a:urgent:${urgent}`),
  tap('a:summary:confirm'),
];

const scenarios: { name: string; description: string; state: ConversationState; inputs: Input[] }[] = [
  {
    name: 'survey-th-full',
    description:
      'A Thai volunteer surveys a household: notice read, consent, the household, its vulnerable members with their agreement, the house, land, services, exposure, priority, a photo and the place; no urgent case',
    state: surveying('th'),
    inputs: [
      tap('resume:continue'),
      tap('a:notice_read:yes'),
      tap('a:consent:agree'),
      tap('a:respondent:head'),
      say('นายเล่าเปา แซ่ย่าง'),
      say('๐๘๙ ๑๑๑ ๒๒๒๒'),
      tap('a:head_woman:no'),
      say('๖'),
      say('3'),
      ...rest(
        [tap('a:vulnerable:elderly'), tap('a:vulnerable:__done')],
        [tap('a:exposure:landslide'), tap('a:exposure:__done')],
        'no',
      ),
    ],
  },
  {
    name: 'survey-en-notice-then-decline',
    description:
      'An English-speaking volunteer says they have not read the notice yet: it is shown again; then the household declines and nothing is kept',
    state: surveying('en'),
    inputs: [
      tap('resume:continue'),
      tap('a:notice_read:no'),
      tap('a:notice_read:yes'),
      tap('a:consent:decline'),
    ],
  },
  {
    name: 'survey-hmn-urgent',
    description:
      'A Hmong volunteer surveys a household that has no phone, with a disabled member, exposed to floods and landslides; the urgent need becomes a case at the end',
    state: surveying('hmn'),
    inputs: [
      tap('resume:continue'),
      tap('a:notice_read:yes'),
      tap('a:consent:agree'),
      tap('a:respondent:spouse'),
      say('Nplooj Yaj'),
      tap('a:phone:__skip'),
      tap('a:head_woman:yes'),
      say('4'),
      say('2'),
      ...rest(
        [tap('a:vulnerable:disabled'), tap('a:vulnerable:__done')],
        [tap('a:exposure:flood'), tap('a:exposure:landslide'), tap('a:exposure:__done')],
        'case',
      ),
    ],
  },
];

describe('golden household surveys', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const conversation = new Conversation(scenario.state, START, await placeEngine());
    const turns = [];
    for (const input of scenario.inputs) {
      const result = conversation.send(input);
      turns.push({
        at: conversation.now.toISOString(),
        input,
        reply: await render(result, result.state.language ?? 'th'),
        effects: result.effects.filter((effect) => effect.type !== 'send'),
        state: result.state,
      });
    }
    const transcript = { name: scenario.name, description: scenario.description, start: START, turns };
    const file = path.join(GOLDEN_DIR, `${scenario.name}.json`);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE) throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 npx jest test/campaigns`);
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, `${JSON.stringify(transcript, null, 2)}\n`);
    }
    expect(JSON.parse(JSON.stringify(transcript))).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    // Each ends where the host takes over: the survey stored, or the visit declined.
    const actions = turns.flatMap((t) => t.effects).map((e) => ('action' in e ? e.action : e.type));
    expect(actions.at(-1)).toBe(scenario.name.includes('decline') ? 'survey.declined' : 'survey.submit');
  });
});
