import type { RuleOptions } from './message-rules';
import type { OpenApiValidator } from './openapi-validator';
import type { EmulatorState } from './state';

/** What every route needs: the platform state, the validator (when enabled) and the rule options. */
export type EmulatorEnv = {
  state: EmulatorState;
  validator?: OpenApiValidator;
  rules: RuleOptions;
  channelAccessToken: string;
};
