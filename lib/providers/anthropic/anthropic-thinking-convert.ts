/**
 * Canonical `thinking` and `reasoning_effort` -> Anthropic `thinking` and `output_config.effort`
 * (https://platform.claude.com/docs/en/build-with-claude/extended-thinking). Budget models get a
 * token budget (`reasoning_effort` low 1024, medium 2048, high 4096, xhigh 8192, max 16384);
 * adaptive models get `{type: "adaptive"}` and the effort itself. Anthropic's rules are kept:
 * a budget of at least 1024 and below `max_tokens`, and no thinking with a forced tool choice.
 */
import type { OutputConfig, ThinkingConfigParam, ToolChoice } from "@anthropic-ai/sdk/resources/messages";
import { adjusted, dropped, emulated, type CanonicalThinking, type ChatRequest, type TranslationWarning } from "../provider-spec";
import type { AnthropicModelRules } from "./anthropic-model-rules";

/** Anthropic's smallest thinking budget. */
export const minimumThinkingBudget = 1024;

/** Thinking budgets for OpenAI's effort levels, on models that think with a budget. */
export const thinkingBudgets: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
  max: 16384,
};

type Effort = NonNullable<OutputConfig["effort"]>;

/** What the request's thinking settings became. */
export interface AnthropicThinking {
  thinking?: ThinkingConfigParam;
  effort?: Effort;
  /** `max_tokens`, raised when it did not leave room above the thinking budget. */
  maxTokens: number;
}

/** What the conversion needs besides the request. */
export interface ThinkingContext {
  rules: AnthropicModelRules;
  toolChoice: ToolChoice | undefined;
  maxTokens: number;
  /** Highest `max_tokens` that may be sent. */
  maxTokensCap: number;
}

/** Converts `thinking` and `reasoning_effort`. @param warnings receives what was adjusted or dropped */
export function toAnthropicThinking(request: ChatRequest, context: ThinkingContext, warnings: TranslationWarning[]): AnthropicThinking {
  const asked = request.thinking;
  const effortAsked = request.reasoning_effort ?? undefined;
  let { thinking, effort } = asked ? fromThinking(asked, effortAsked, context.rules, warnings) : fromEffort(effortAsked, context.rules, warnings);

  const forced = context.toolChoice?.type === "any" || context.toolChoice?.type === "tool";
  if (thinking && thinking.type !== "disabled" && forced) {
    warnings.push(dropped("thinking", "Anthropic does not allow thinking while tool_choice forces a tool; the request was sent without thinking"));
    thinking = undefined;
  }
  let maxTokens = context.maxTokens;
  if (thinking?.type === "enabled") ({ thinking, maxTokens } = fitBudget(thinking, maxTokens, context.maxTokensCap, warnings));
  return { ...(thinking ? { thinking } : {}), ...(effort ? { effort } : {}), maxTokens };
}

function fromThinking(asked: CanonicalThinking, effortAsked: string | undefined, rules: AnthropicModelRules, warnings: TranslationWarning[]) {
  const display = asked.type !== "disabled" && asked.display ? { display: asked.display } : {};
  if (asked.type === "disabled") {
    if (effortAsked && effortAsked !== "none") warnings.push(dropped("reasoning_effort", "reasoning_effort was ignored: thinking is disabled"));
    return { thinking: { type: "disabled" } as ThinkingConfigParam };
  }
  const effort = effortFor(effortAsked, rules, warnings, asked.type === "enabled" ? "the thinking budget is set" : undefined);
  if (asked.type === "adaptive" && rules.thinking === "budget") {
    const budget = thinkingBudgets[effortAsked ?? "medium"] ?? thinkingBudgets.medium;
    warnings.push(adjusted("thinking", `this model does not think adaptively; thinking was enabled with a budget of ${budget} tokens`));
    return { thinking: { type: "enabled", budget_tokens: budget, ...display } as ThinkingConfigParam, effort };
  }
  if (asked.type === "adaptive") return { thinking: { type: "adaptive", ...display } as ThinkingConfigParam, effort };
  let budget = asked.budget_tokens;
  if (budget === undefined) {
    budget = thinkingBudgets[effortAsked ?? "medium"] ?? thinkingBudgets.medium;
    warnings.push(adjusted("thinking", `thinking enabled without budget_tokens was given a budget of ${budget} tokens`));
  }
  return { thinking: { type: "enabled", budget_tokens: budget, ...display } as ThinkingConfigParam, effort };
}

function fromEffort(effortAsked: string | undefined, rules: AnthropicModelRules, warnings: TranslationWarning[]): { thinking?: ThinkingConfigParam; effort?: Effort } {
  if (effortAsked === undefined) return {};
  if (effortAsked === "none") return rules.thinking === "adaptive" ? { thinking: { type: "disabled" } } : {};
  if (rules.thinking === "budget") {
    const budget = thinkingBudgets[effortAsked];
    if (budget === undefined) {
      warnings.push(dropped("reasoning_effort", `reasoning_effort "${effortAsked}" is unknown and was ignored`));
      return {};
    }
    warnings.push(emulated("reasoning_effort", `reasoning_effort "${effortAsked}" was sent as a thinking budget of ${budget} tokens`));
    return { thinking: { type: "enabled", budget_tokens: budget } };
  }
  const effort = effortFor(effortAsked, rules, warnings);
  return effort ? { thinking: { type: "adaptive" }, effort } : {};
}

/** `output_config.effort` for an OpenAI effort, on models that take one. */
function effortFor(effortAsked: string | undefined, rules: AnthropicModelRules, warnings: TranslationWarning[], budgetReason?: string): Effort | undefined {
  if (effortAsked === undefined || effortAsked === "none") return undefined;
  if (!rules.effort) {
    warnings.push(dropped("reasoning_effort", `reasoning_effort was ignored: ${budgetReason ?? "this model takes no effort level"}`));
    return undefined;
  }
  if (effortAsked === "minimal") {
    warnings.push(adjusted("reasoning_effort", 'reasoning_effort "minimal" was sent as effort "low", Anthropic\'s lowest'));
    return "low";
  }
  if (["low", "medium", "high", "xhigh", "max"].includes(effortAsked)) return effortAsked as Effort;
  warnings.push(dropped("reasoning_effort", `reasoning_effort "${effortAsked}" is unknown and was ignored`));
  return undefined;
}

/** Anthropic wants 1024 ≤ budget < max_tokens; max_tokens counts the thinking. */
function fitBudget(thinking: Extract<ThinkingConfigParam, { type: "enabled" }>, maxTokens: number, cap: number, warnings: TranslationWarning[]) {
  let budget = thinking.budget_tokens;
  if (budget < minimumThinkingBudget) {
    warnings.push(adjusted("thinking.budget_tokens", `a thinking budget of ${budget} tokens was raised to Anthropic's minimum of ${minimumThinkingBudget}`));
    budget = minimumThinkingBudget;
  }
  if (budget >= maxTokens) {
    const raised = Math.min(cap, budget + maxTokens);
    warnings.push(adjusted("max_tokens", `max_tokens ${maxTokens} was raised to ${raised} to leave room above the thinking budget of ${budget} tokens`));
    maxTokens = raised;
  }
  if (budget >= maxTokens) {
    warnings.push(adjusted("thinking.budget_tokens", `a thinking budget of ${budget} tokens was lowered to ${maxTokens - 1}, below max_tokens`));
    budget = maxTokens - 1;
  }
  return { thinking: { ...thinking, budget_tokens: budget }, maxTokens };
}
