import type { Resources } from '../i18n';
import type { DescribePlace, Engine } from './engine';
import { buildLexicon } from './lexicon';
import { flowSchema } from './schema';
import { validateFlows } from './validate';

export {
  step,
  nextTimeoutAt,
  TIMING,
  type Clock,
  type Ids,
  type Engine,
  type StepResult,
  type DescribePlace,
  type PlaceNames,
} from './engine';
export { validateFlows } from './validate';
export { renderMessages, LIMITS } from './render';
export type { Effect, OutMessage, QuickReply, Display, SummaryRow, Label } from './messages';
export {
  initialState,
  stateSchema,
  inputSchema,
  flowSchema,
  type ConversationState,
  type Input,
  type Flow,
  type FlowDefinition,
  type AnswerValue,
  type LocationValue,
  type Consent,
} from './schema';
export { parseThaiPhone, formatThaiPhone, formatDate, arabicDigits } from './text';

export class FlowValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      [
        'NeedLine cannot start: the conversation flows have problems.',
        ...problems.map((p) => `  - ${p}`),
      ].join('\n'),
    );
    this.name = 'FlowValidationError';
  }
}

/**
 * Validates the flows against the locales and builds the engine; throws FlowValidationError listing every
 * problem. `describePlace` shows a typed address back as the place directory understands it.
 */
export function createEngine(
  definitions: readonly unknown[],
  resources: Resources,
  defaultLanguage = 'th',
  options: { describePlace?: DescribePlace } = {},
): Engine {
  const problems = validateFlows(definitions, resources);
  if (!(defaultLanguage in resources))
    problems.push(`default language "${defaultLanguage}" has no folder under locales/`);
  if (problems.length > 0) throw new FlowValidationError(problems);
  const flows = definitions.map((definition) => flowSchema.parse(definition));
  return {
    flows: Object.fromEntries(flows.map((flow) => [flow.id, flow])),
    lexicon: buildLexicon(resources, flows, defaultLanguage),
    defaultLanguage,
    ...(options.describePlace ? { describePlace: options.describePlace } : {}),
  };
}
