import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { messagingApi } from '@line/bot-sdk';
import { LIMITS, type ConversationState, type Engine, type Input } from '../../src/conversation';
import { consentedState, Conversation, placeEngine, render, START } from './harness';

/**
 * Golden transcripts: inputs in, rendered LINE messages, effects and state out, per turn. Read them in
 * review as the conversation; re-generate with `UPDATE_GOLDEN=1 npx jest test/conversation`.
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN_DIR = path.join(__dirname, 'golden');

type Turn = { input: Input; after?: string };
type Scenario = { name: string; description: string; state?: ConversationState; turns: Turn[] };

const text = (t: string, after?: string): Turn => ({
  input: { kind: 'text', text: t },
  ...(after ? { after } : {}),
});
const tap = (data: string, after?: string): Turn => ({
  input: { kind: 'postback', data },
  ...(after ? { after } : {}),
});
const photo = (mediaId: string, set?: { id: string; index: number; total: number }): Turn => ({
  input: { kind: 'image', mediaId, ...(set ? { imageSet: set } : {}) },
  after: '2s',
});
const place: Turn = {
  input: { kind: 'location', lat: 16.6423, lng: 101.0176, address: 'Khao Kho, Phetchabun' },
};
const tick = (after: string): Turn => ({ input: { kind: 'timeout' }, after });

const newcomer = (profileLanguage: string): Turn => ({ input: { kind: 'follow', profileLanguage } });

const scenarios: Scenario[] = [
  {
    name: 'first-report-th',
    description:
      'A Thai newcomer: add friend, agree, a sentence, two photos at once, done, a shared location, a phone, confirm: the reference at the 8th turn; then the household questions, sensitive consent asked when its question comes',
    turns: [
      newcomer('th'),
      tap('a:consent:agree'),
      text('หลังคารั่ว ฝนตกน้ำไหลเข้าห้องนอน'),
      photo('m-1', { id: 'set-1', index: 1, total: 2 }),
      photo('m-2', { id: 'set-1', index: 2, total: 2 }),
      tap('a:photos:__done'),
      place,
      text('๐๘๑-๒๓๔-๕๖๗๘'),
      tap('a:summary:confirm'),
      text('๕'),
      tap('a:sensitive:agree'),
      tap('a:vulnerable:elderly'),
      tap('a:vulnerable:__done'),
      tap('a:tenure:public_land'),
      text('นางสมศรี ใจดี'),
    ],
  },
  {
    name: 'first-report-en',
    description:
      'An English newcomer reports in 8 turns, leaves the household questions for later; reminded once the next day, answers one, leaves again: no second reminder, the questions close without a word',
    turns: [
      newcomer('en-GB'),
      tap('a:consent:agree'),
      text('My roof leaks when it rains and the bedroom gets wet'),
      photo('m-1', { id: 'set-1', index: 1, total: 2 }),
      photo('m-2', { id: 'set-1', index: 2, total: 2 }),
      tap('a:photos:__done'),
      place,
      text('081 234 5678'),
      tap('a:summary:confirm'),
      tick('23h'),
      tick('1h'),
      tap('resume:continue', '2h'),
      text('5'),
      tick('24h'),
      tick('1h'),
      text('hello', '1h'),
    ],
  },
  {
    name: 'first-report-hmn',
    description:
      'A Hmong newcomer whose first answer is a photo: it is the problem, the kind is asked, a typed place is read back once, "LINE only" instead of a phone; household questions skipped, then "Later": one reminder the next day, "Later" again closes them',
    turns: [
      newcomer('hmn'),
      tap('a:consent:agree'),
      photo('m-1'),
      tap('a:category:roof'),
      photo('m-2'),
      tap('a:photos:__done'),
      text('Zos Xyoob Ntoo, Khek Noi, Khao Kho, Phetchabun'),
      tap('a:location:yes'),
      tap('a:phone:__skip'),
      tap('a:summary:confirm'),
      tap('a:size:__skip'),
      tap('a:sensitive:decline'),
      tap('a:tenure:own'),
      tap('cmd:cancel'),
      tick('24h'),
      tap('cmd:cancel', '3h'),
    ],
  },
  {
    name: 'report-th-words-describe',
    description:
      'A Thai resident types the problem at the menu: it picks the roof and is the description; a typed address is shown back as understood, retyped, then confirmed; after the reference, the household questions',
    state: consentedState('th'),
    turns: [
      text('หลังคารั่ว ฝนตกน้ำเข้าบ้านทุกครั้ง'),
      tap('a:photos:__skip'),
      text('บ้านเข็กน้อย ตำบลเข็กน้อย อำเภอเขาค้อ จังหวัดเพชรบูรณ์'),
      tap('a:location:no'),
      text('บ้านเข็กน้อย เข็กน้อย เขาค้อ เพชรบูรณ์'),
      tap('a:location:yes'),
      tap('a:phone:__skip'),
      tap('a:summary:confirm'),
      text('4'),
      tap('a:vulnerable:elderly'),
      tap('a:vulnerable:disabled'),
      tap('a:vulnerable:elderly'),
      tap('a:vulnerable:__done'),
    ],
  },
  {
    name: 'report-household-hmn-words',
    description:
      'A Hmong volunteer names the household head, then types the problem at the category question: it picks the roof and is the description; an unknown typed place is kept as typed',
    state: consentedState('hmn'),
    turns: [
      tap('flow:report-household'),
      text('Nplooj Yaj'),
      tap('a:relation:neighbour'),
      tap('a:informed:yes'),
      text('lub ru tsev xau thaum los nag hnyav'),
      tap('a:photos:__skip'),
      text('Zos Xyoob Ntoo'),
      text('yog'),
      text('5'),
    ],
  },
  {
    name: 'welcome-th-decline-then-consent',
    description:
      'A Thai user declines, then taps "give consent" in the limited menu: consent is asked again in Thai, then what the problem is',
    turns: [
      { input: { kind: 'follow', profileLanguage: 'th' } },
      tap('a:consent:decline'),
      tap('a:limited:consent'),
      tap('a:consent:agree'),
    ],
  },
  {
    name: 'welcome-th-consent',
    description:
      'A new Thai user follows: one consent question in Thai, with the notice a tap away; reads it, agrees, and is asked what the problem is (no sensitive consent yet)',
    turns: [
      { input: { kind: 'follow', profileLanguage: 'th' } },
      tap('a:consent:notice'),
      tap('a:consent:agree'),
    ],
  },
  {
    name: 'welcome-en-decline',
    description:
      'An English profile: the consent question is in English, Thai and Hmong offered; the user declines and gets information and a phone number only',
    turns: [
      { input: { kind: 'follow', profileLanguage: 'en-US' } },
      tap('a:consent:decline'),
      tap('a:limited:phone'),
      text('roof leaking'),
    ],
  },
  {
    name: 'welcome-hmn-no-sensitive',
    description:
      'A Hmong user whose LINE is in Thai types "Hmoob" at the consent question: it is asked again in Hmong, without the offer; agreed by typing 1, no sensitive data is asked at the welcome',
    turns: [{ input: { kind: 'follow', profileLanguage: 'th' } }, text('Hmoob'), text('1')],
  },
  {
    name: 'report-th-happy',
    description:
      'Thai resident: free text picks the roof, two photos sent at once, shared location, Thai digits; the household questions after the reference',
    state: consentedState('th'),
    turns: [
      text('หลังคารั่วครับ'),
      text('ฝนตกแล้วน้ำรั่วเข้าห้องนอน'),
      photo('m-1', { id: 'set-1', index: 1, total: 2 }),
      photo('m-2', { id: 'set-1', index: 2, total: 2 }),
      tap('a:photos:__done'),
      place,
      text('๐๘๑-๒๓๔-๕๖๗๘'),
      tap('a:summary:confirm'),
      text('๕'),
      tap('a:vulnerable:elderly'),
      tap('a:vulnerable:under5'),
      tap('a:vulnerable:__done'),
      tap('a:tenure:own'),
      text('นายสมชาย แซ่ลี'),
    ],
  },
  {
    name: 'report-en-wrong-inputs-back-edit',
    description:
      'English: wrong kinds and values, three failures, back, skip, typed place, an edit from the summary, then wrong values in the household questions',
    state: consentedState('en'),
    turns: [
      tap('cmd:menu'),
      tap('a:full:report'),
      { input: { kind: 'sticker' } },
      text('It cracked badly after the rain'),
      text('banana'),
      text('carrots'),
      { input: { kind: 'sticker' } },
      tap('a:category:walls'),
      { input: { kind: 'audio', mediaId: 'v-1' } },
      text('back'),
      tap('a:category:walls'),
      tap('a:photos:__skip'),
      text('Ban Khek Noi, Khek Noi, Khao Kho, Phetchabun'),
      tap('a:location:yes'),
      text('12345'),
      text('skip'),
      tap('edit:location'),
      place,
      tap('a:summary:confirm'),
      text('forty'),
      text('40'),
      text('6'),
      tap('a:vulnerable:none'),
      tap('a:tenure:public_land'),
      tap('a:head_name:__skip'),
    ],
  },
  {
    name: 'report-hmn-happy',
    description:
      'Hmong resident without sensitive consent: asked for it when the vulnerable-members question comes, declines, and that question is not asked',
    state: consentedState('hmn', false),
    turns: [
      text('lub ru tsev xau'),
      text('Nag los ces dej xau rau hauv tsev'),
      photo('m-1'),
      text('tiav lawm'),
      place,
      text('+66 81 234 5678'),
      text('pom zoo'),
      text('7'),
      tap('a:sensitive:decline'),
      tap('a:tenure:not_sure'),
      text('Txiv Tsav Vaj'),
    ],
  },
  {
    name: 'report-household-en',
    description:
      'An English volunteer reports for a household that agreed, with two photos and a location, then a second household that was not told',
    state: consentedState('en'),
    turns: [
      tap('cmd:menu'),
      tap('a:full:household'),
      text('Somchai Saetang'),
      tap('a:relation:health_volunteer'),
      text('yes'),
      tap('a:category:unsafe'),
      text('The house leans and the posts are rotten'),
      photo('h-1', { id: 'set-2', index: 1, total: 2 }),
      photo('h-2', { id: 'set-2', index: 2, total: 2 }),
      tap('a:photos:__done'),
      place,
      text('6'),
      tap('a:household_sensitive:yes'),
      tap('a:vulnerable:disabled'),
      tap('a:vulnerable:__done'),
      tap('a:tenure:public_land'),
      text('0891234567'),
      tap('a:summary:confirm'),
      tap('a:another:yes'),
      text('Nuan Saetang'),
      tap('a:relation:neighbour'),
      tap('a:informed:no'),
    ],
  },
  {
    name: 'resume-after-days-th',
    description:
      'A Thai user leaves mid-report and comes back three days later: continue, then later start over',
    state: consentedState('th'),
    turns: [
      tap('flow:report-need'),
      text('บ่อน้ำแห้ง ไม่มีน้ำใช้'),
      tap('a:photos:__skip', '3d'),
      tap('resume:continue'),
      tap('a:photos:__skip'),
      text('สวัสดี', '5h'),
      tap('resume:restart'),
    ],
  },
  {
    name: 'expiry-en',
    description:
      'An unfinished English report gets one reminder, then expires keeping nothing (its photo is discarded)',
    state: consentedState('en'),
    turns: [
      text('my floor is broken'),
      text('Termites ate the floor boards'),
      photo('m-9'),
      tick('1h'),
      tick('24h'),
      tick('12h'),
      tick('24h'),
      text('hello', '1h'),
    ],
  },
  {
    name: 'photo-first-th',
    description: 'Photos and a location sent before any report are kept and used by the report that follows',
    state: consentedState('th'),
    turns: [
      photo('m-1', { id: 'set-7', index: 1, total: 2 }),
      photo('m-2', { id: 'set-7', index: 2, total: 2 }),
      place,
      tap('flow:report-need'),
      text('น้ำท่วมบ้าน'),
      tap('a:photos:__done'),
      tap('a:phone:__skip'),
      tap('a:summary:confirm'),
    ],
  },
  {
    name: 'cancel-and-staff-th',
    description:
      'Cancel mid-report discards it; talking to staff makes the bot quiet until the hand-off times out',
    state: consentedState('th'),
    turns: [text('ห้องน้ำพัง'), text('ยกเลิก'), text('คุยกับเจ้าหน้าที่'), text('มีใครอยู่ไหม'), tick('49h')],
  },
  {
    name: 'my-data-delete-en',
    description:
      'An English user deletes their data after a confirmation; the menu then offers consent again',
    state: consentedState('en'),
    turns: [tap('flow:my-data'), tap('a:what:delete'), text('yes')],
  },
  {
    name: 'my-cases-th',
    description:
      'From a case card: two photos at once then done, a voice note, a withdrawal declined, then confirmed',
    state: consentedState('th'),
    turns: [
      tap('flow:my-cases'),
      tap('case:NL-2568-000123:photos'),
      photo('m-1', { id: 'set-1', index: 1, total: 2 }),
      photo('m-2', { id: 'set-1', index: 2, total: 2 }),
      tap('a:photos:__done'),
      tap('case:NL-2568-000123:note'),
      { input: { kind: 'audio', mediaId: 'v-1' } },
      tap('case:NL-2568-000123:withdraw'),
      text('ไม่'),
      tap('case:NL-2568-000123:withdraw'),
      tap('a:confirm_withdraw:yes'),
    ],
  },
  {
    name: 'photo-set-lost-member-en',
    description:
      'A set of two where LINE lost the first (the host sends it as a wrong kind): the second is confirmed',
    state: consentedState('en'),
    turns: [
      text('roof leaking'),
      text('Rain comes through the roof'),
      { input: { kind: 'sticker' } },
      photo('m-2', { id: 'set-1', index: 2, total: 2 }),
    ],
  },
  {
    name: 're-consent-en',
    description:
      'The notice changed since the user agreed: consent is asked again (the notice a tap away) before the report goes on',
    state: { ...consentedState('en'), consent: { noticeVersion: '2024-06', at: START, sensitive: true } },
    turns: [text('roof leaking'), tap('a:consent:agree'), text('The rain comes through the roof')],
  },
];

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const duration = (after = '1m') => Number(after.slice(0, -1)) * UNITS[after.slice(-1)]!;

function checkLineLimits(messages: messagingApi.Message[]) {
  expect(messages.length).toBeLessThanOrEqual(5);
  for (const message of messages) {
    if (message.type === 'text') expect(message.text.length).toBeLessThanOrEqual(LIMITS.text);
    if (message.type === 'flex') expect(message.altText.length).toBeLessThanOrEqual(LIMITS.altText);
    const items = message.quickReply?.items ?? [];
    expect(items.length).toBeLessThanOrEqual(LIMITS.quickReplies);
    for (const item of items) {
      const action = item.action as { label?: string; data?: string };
      expect((action.label ?? '').length).toBeLessThanOrEqual(LIMITS.label);
      expect((action.data ?? '').length).toBeLessThanOrEqual(LIMITS.data);
    }
  }
  // No message without a way on.
  if (messages.length > 0) expect(messages.at(-1)?.quickReply?.items?.length ?? 0).toBeGreaterThan(0);
}

describe('golden conversations', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await placeEngine();
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const conversation = new Conversation(scenario.state, START, engine);
    const turns = [];
    for (const turn of scenario.turns) {
      const result = conversation.send(turn.input, duration(turn.after));
      const messages = await render(result, result.state.language ?? 'th');
      checkLineLimits(messages);
      turns.push({
        at: conversation.now.toISOString(),
        input: turn.input,
        reply: messages,
        effects: result.effects.filter((effect) => effect.type !== 'send'),
        state: result.state,
      });
    }
    const transcript = {
      name: scenario.name,
      description: scenario.description,
      start: START,
      initialState: scenario.state ?? null,
      turns,
    };
    const file = path.join(GOLDEN_DIR, `${scenario.name}.json`);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE) throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 npx jest test/conversation`);
      writeFileSync(file, `${JSON.stringify(transcript, null, 2)}\n`);
    }
    expect(JSON.parse(JSON.stringify(transcript))).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
