/**
 * What a Claude model accepts, by generation, where the Messages API differs between them
 * (https://platform.claude.com/docs/en/build-with-claude/extended-thinking,
 * https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking):
 * - Claude 3.x and the 4.0–4.5 models think only with a token budget
 *   (`thinking: {type: "enabled", budget_tokens}`) and take no `output_config.effort`;
 * - Opus/Sonnet 4.6 and later think adaptively (`thinking: {type: "adaptive"}` with
 *   `output_config.effort`);
 * - models after 4.6 accept only default sampling: `temperature` 1, `top_p` ≥ 0.99, no `top_k`.
 * Model names that are not Claude's (an Anthropic-format server of another vendor) get the
 * original API: budget thinking and free sampling.
 */

/** The rules that apply to one model. */
export interface AnthropicModelRules {
  /** How the model is told to think. */
  thinking: "budget" | "adaptive";
  /** Whether `output_config.effort` is accepted. */
  effort: boolean;
  /** Whether non-default `temperature`, `top_p` and `top_k` are accepted. */
  sampling: boolean;
}

const budgetGeneration = /^claude-(?:3|(?:opus|sonnet|haiku)-4(?:-[015])?(?:-\d{8})?$)/;
const adaptiveWithSampling = /^claude-(?:opus|sonnet)-4-6(?:-\d{8})?$/;

/** The rules for a model code as the provider names it. */
export function anthropicModelRules(model: string): AnthropicModelRules {
  if (!model.startsWith("claude-") || budgetGeneration.test(model)) return { thinking: "budget", effort: false, sampling: true };
  if (adaptiveWithSampling.test(model)) return { thinking: "adaptive", effort: true, sampling: true };
  return { thinking: "adaptive", effort: true, sampling: false };
}
