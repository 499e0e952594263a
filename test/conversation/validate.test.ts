import { allFlows } from '../../flows';
import { createEngine, validateFlows, type FlowDefinition } from '../../src/conversation';
import { resources } from './harness';

const tiny = (steps: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({
    id: 'tiny',
    version: 1,
    requiresConsent: false,
    start: 'hello',
    steps,
    ...extra,
  }) as unknown as FlowDefinition;
const say = (next: string) => ({ kind: 'say', text: { key: 'flows:menu.info_text' }, next });
const end = { kind: 'end' };

describe('validateFlows', () => {
  it('accepts the shipped flows', () => {
    expect(validateFlows(allFlows, resources)).toEqual([]);
  });

  it('finds a missing target', () => {
    const problems = validateFlows([...allFlows, tiny({ hello: say('nowhere') })], resources);
    expect(problems).toContain('flow tiny: step "hello" goes to "nowhere", which does not exist');
  });

  it('finds an unreachable step', () => {
    const problems = validateFlows(
      [...allFlows, tiny({ hello: say('bye'), bye: end, lost: end })],
      resources,
    );
    expect(problems).toEqual(['flow tiny: step "lost" is unreachable']);
  });

  it('finds a path that never ends and a loop that never asks', () => {
    const problems = validateFlows(
      [...allFlows, tiny({ hello: say('again'), again: say('hello') })],
      resources,
    );
    expect(problems).toContain('flow tiny: step "hello" never reaches an end');
    expect(problems).toContain('flow tiny: steps from "hello" loop without asking anything');
  });

  it('finds a text missing in one language', () => {
    const broken = structuredClone(resources);
    delete (broken.hmn!.flows as { menu: Record<string, unknown> }).menu.info_text;
    const problems = validateFlows(allFlows, broken);
    expect(problems).toContain('flow menu: text "flows:menu.info_text" is missing in locales/hmn');
  });

  it('finds a key the engine itself needs', () => {
    const broken = structuredClone(resources);
    delete (broken.en!.bot as { reply: Record<string, unknown> }).reply.menu;
    expect(validateFlows(allFlows, broken)).toEqual([
      'the engine: text "bot:reply.menu" is missing in locales/en',
    ]);
  });

  it('reports schema errors, unknown fields, duplicate flows and flows continuing into nothing', () => {
    const problems = validateFlows(
      [
        ...allFlows,
        tiny({ hello: { kind: 'shout' } }),
        { ...allFlows[1]!, steps: { ...allFlows[1]!.steps, info: { kind: 'end', then: 'nope' } } },
        tiny(
          {
            hello: {
              kind: 'branch',
              cases: [{ when: { type: 'answered', field: 'ghost' }, next: 'bye' }],
              otherwise: 'bye',
            },
            bye: end,
          },
          { id: 'tiny2' },
        ),
      ],
      resources,
    );
    expect(problems.some((p) => p.startsWith('flow tiny: steps.hello'))).toBe(true);
    expect(problems).toContain('flow menu: defined twice');
    expect(problems).toContain('flow menu: step "info" continues with flow "nope", which does not exist');
    expect(problems).toContain('flow tiny2: step "hello" uses field "ghost", which no question stores');
  });

  it('refuses a multiple choice too large for LINE quick replies', () => {
    const options = Array.from({ length: 11 }, (_, i) => ({ value: `o${i}`, label: 'flows:menu.info' }));
    const problems = validateFlows(
      [
        ...allFlows,
        tiny({
          hello: {
            kind: 'ask',
            text: { key: 'flows:menu.ask' },
            answer: { type: 'choice', multiple: true, options },
            store: 'x',
            next: 'bye',
          },
          bye: end,
        }),
      ],
      resources,
    );
    expect(problems).toEqual([expect.stringContaining('a multiple choice has at most 10 options')]);
  });

  it('makes createEngine throw with every problem listed', () => {
    expect(() => createEngine([tiny({ hello: say('nowhere') })], resources)).toThrow(
      /flows have problems[\s\S]*flow welcome: missing[\s\S]*"nowhere"/,
    );
  });
});
