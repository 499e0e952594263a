import type { Resources } from '../i18n';
import { MENU_FLOW, REPORT_FLOW, WELCOME_FLOW } from './engine';
import { ENGINE_KEYS } from './engine-keys';
import { flowSchema, type Flow, type Step } from './schema';
import { lookupKey } from './text';

function targets(step: Step): string[] {
  switch (step.kind) {
    case 'branch':
      return [...step.cases.map((c) => c.next), step.otherwise];
    case 'end':
      return [];
    default:
      return [step.next];
  }
}

function keysOf(flow: Flow): string[] {
  const keys: string[] = [];
  for (const trigger of flow.triggers ?? []) keys.push(trigger.keywords);
  for (const step of Object.values(flow.steps)) {
    if (step.kind === 'say') keys.push(step.text.key);
    if (step.kind === 'end' && step.text) keys.push(step.text.key);
    if (step.kind === 'summary') keys.push(step.title);
    if (step.kind === 'ask') {
      keys.push(step.text.key);
      if (step.label) keys.push(step.label);
      if (step.skipLabel) keys.push(step.skipLabel);
      if (step.answer.type === 'choice') keys.push(...step.answer.options.map((o) => o.label));
    }
  }
  return keys;
}

function checkGraph(flow: Flow, flowIds: Set<string>): string[] {
  const problems: string[] = [];
  const where = `flow ${flow.id}`;
  const stepIds = Object.keys(flow.steps);
  if (!(flow.start in flow.steps)) problems.push(`${where}: start step "${flow.start}" does not exist`);
  for (const [id, step] of Object.entries(flow.steps)) {
    for (const target of targets(step)) {
      if (!(target in flow.steps))
        problems.push(`${where}: step "${id}" goes to "${target}", which does not exist`);
    }
    if (step.kind === 'end' && step.then && !flowIds.has(step.then)) {
      problems.push(`${where}: step "${id}" continues with flow "${step.then}", which does not exist`);
    }
  }
  const reachable = new Set<string>();
  const queue = flow.start in flow.steps ? [flow.start] : [];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    queue.push(...targets(flow.steps[id]!).filter((t) => t in flow.steps));
  }
  for (const id of stepIds) if (!reachable.has(id)) problems.push(`${where}: step "${id}" is unreachable`);

  // Every step must be able to reach an end: otherwise a user can be caught in a loop.
  const ending = new Set(stepIds.filter((id) => flow.steps[id]!.kind === 'end'));
  for (let changed = true; changed;) {
    changed = false;
    for (const id of stepIds) {
      if (!ending.has(id) && targets(flow.steps[id]!).some((t) => ending.has(t))) {
        ending.add(id);
        changed = true;
      }
    }
  }
  for (const id of stepIds)
    if (reachable.has(id) && !ending.has(id)) problems.push(`${where}: step "${id}" never reaches an end`);

  // A cycle of steps that never waits for the user would spin forever.
  const waits = (step: Step) => step.kind === 'ask' || step.kind === 'summary' || step.kind === 'end';
  const visiting = new Set<string>();
  const done = new Set<string>();
  const spins = (id: string): boolean => {
    if (visiting.has(id)) return true;
    if (done.has(id)) return false;
    const step = flow.steps[id];
    if (!step || waits(step)) return false;
    visiting.add(id);
    const found = targets(step).some(spins);
    visiting.delete(id);
    done.add(id);
    return found;
  };
  for (const id of stepIds)
    if (spins(id)) problems.push(`${where}: steps from "${id}" loop without asking anything`);

  const stored = new Map<string, number>();
  for (const step of Object.values(flow.steps))
    if (step.kind === 'ask') stored.set(step.store, (stored.get(step.store) ?? 0) + 1);
  for (const field of flow.inputs ?? []) stored.set(field, (stored.get(field) ?? 0) + 1);
  const summarised = new Set(
    Object.values(flow.steps).flatMap((step) => (step.kind === 'summary' ? step.fields : [])),
  );
  for (const [field, count] of stored) {
    if (count > 1 && summarised.has(field)) {
      problems.push(
        `${where}: field "${field}" is on a summary but stored by ${count} questions (editing needs one)`,
      );
    }
  }
  const mustBeStored = (field: string, id: string) => {
    if (!stored.has(field))
      problems.push(`${where}: step "${id}" uses field "${field}", which no question stores`);
  };
  for (const [id, step] of Object.entries(flow.steps)) {
    if (step.kind === 'summary') {
      step.fields.forEach((f) => mustBeStored(f, id));
      for (const field of step.locked ?? [])
        if (!step.fields.includes(field))
          problems.push(`${where}: step "${id}" locks field "${field}", which it does not show`);
    }
    if (step.kind === 'branch')
      for (const c of step.cases) if (c.when.type !== 'consent') mustBeStored(c.when.field, id);
    if (step.kind === 'effect' && step.effect.type === 'recordConsent' && step.effect.sensitiveField)
      mustBeStored(step.effect.sensitiveField, id);
    if (step.kind === 'effect' && step.effect.type === 'updateCase') {
      const names = flow.inputs ?? [];
      if (!flow.followUp || !names.includes('caseIntake') || !names.includes('caseReference'))
        problems.push(
          `${where}: step "${id}" updates a case, so the flow must be a follow-up taking caseIntake and caseReference`,
        );
    }
    if (step.kind === 'effect' && step.effect.type === 'addToCase') mustBeStored(step.effect.field, id);
    if (step.kind === 'effect' && step.effect.type === 'createCase' && !flow.requiresConsent) {
      problems.push(`${where}: step "${id}" creates a case but the flow does not require consent`);
    }
  }
  for (const trigger of flow.triggers ?? []) {
    for (const field of Object.keys(trigger.prefill ?? {})) mustBeStored(field, 'trigger');
    if (trigger.describes) mustBeStored(trigger.describes, 'trigger');
  }
  return problems;
}

/**
 * Every problem in the flow definitions, for the service to refuse to start on: the schema, every
 * target, reachability, every path ending, and every text in every language.
 */
export function validateFlows(definitions: readonly unknown[], resources: Resources): string[] {
  const problems: string[] = [];
  const flows: Flow[] = [];
  definitions.forEach((definition, index) => {
    const parsed = flowSchema.safeParse(definition);
    const name = (definition as { id?: unknown })?.id ?? `#${index}`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`flow ${String(name)}: ${issue.path.join('.')} ${issue.message}`);
    } else {
      flows.push(parsed.data);
    }
  });
  const ids = new Set<string>();
  for (const flow of flows) {
    if (ids.has(flow.id)) problems.push(`flow ${flow.id}: defined twice`);
    ids.add(flow.id);
  }
  for (const required of [WELCOME_FLOW, MENU_FLOW, REPORT_FLOW]) {
    if (!ids.has(required) && definitions.length === flows.length)
      problems.push(`flow ${required}: missing (the engine starts it)`);
  }
  for (const flow of flows) problems.push(...checkGraph(flow, ids));

  const languages = Object.keys(resources);
  if (languages.length === 0) problems.push('no languages under locales/');
  const needed = new Map<string, string>();
  for (const key of ENGINE_KEYS) needed.set(key, 'the engine');
  for (const flow of flows)
    for (const key of keysOf(flow)) if (!needed.has(key)) needed.set(key, `flow ${flow.id}`);
  for (const [key, user] of needed) {
    for (const language of languages) {
      if (lookupKey(resources, language, key) === undefined)
        problems.push(`${user}: text "${key}" is missing in locales/${language}`);
    }
  }
  return problems;
}
