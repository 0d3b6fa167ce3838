/**
 * The 400s the real providers send for parameters they do not know or do not allow, so a coding
 * agent's run through the gateway fails here when it would fail against the real API (a
 * translation that leaks Anthropic's `thinking` into an OpenAI Chat body, `reasoning_effort` to a
 * model without reasoning, a beta field without its beta header). Parameter lists are the request
 * types of `openai@6` and `@anthropic-ai/sdk@1` (beta included), plus what the CLIs send and the
 * real APIs accept (Codex's `client_metadata`). DeepSeek ignores unknown parameters.
 */
import { reply, type ErrorStep, type RecordedUpstreamRequest } from "../support/fake-upstream";

const chatParameters = new Set(
  "messages model audio frequency_penalty function_call functions logit_bias logprobs max_completion_tokens max_tokens metadata modalities moderation n parallel_tool_calls prediction presence_penalty prompt_cache_key prompt_cache_options prompt_cache_retention reasoning_effort response_format safety_identifier seed service_tier stop store stream stream_options temperature tool_choice tools top_logprobs top_p user verbosity web_search_options".split(" "),
);

const responsesParameters = new Set(
  "background client_metadata context_management conversation include input instructions max_output_tokens max_tool_calls metadata model moderation parallel_tool_calls previous_response_id prompt prompt_cache_key prompt_cache_options prompt_cache_retention reasoning safety_identifier service_tier store stream stream_options temperature text tool_choice tools top_logprobs top_p truncation user".split(" "),
);

const messagesParameters = new Set(
  "max_tokens messages model billing_policy cache_control compaction container context_management diagnostics fallback_credit_token fallbacks inference_geo mcp_servers metadata output_config output_format service_tier speed stop_sequences stream system temperature thinking thread tool_choice tools top_k top_p user_profile_id workspace_id".split(" "),
);

/** Anthropic beta body fields and the `anthropic-beta` value each needs. */
const messagesBetaFields: Record<string, string> = { context_management: "context-management-2025-06-27" };

/** OpenAI models without reasoning, which reject `reasoning_effort`. */
const nonReasoningModel = /^(gpt-4|gpt-3\.5)/;
/** OpenAI reasoning models, which reject `max_tokens` on Chat. */
const reasoningModel = /^(gpt-5|o\d)/;

function openAIError(message: string, param: string, code: string | null): ErrorStep {
  return reply.error(400, { body: { error: { message, type: "invalid_request_error", param, code } } });
}

function anthropicError(message: string): ErrorStep {
  return reply.error(400, { body: { type: "error", error: { type: "invalid_request_error", message } } });
}

/** The real provider's 400 for this request, or undefined when it would accept it. */
export function realUpstreamRejection(request: RecordedUpstreamRequest): ErrorStep | undefined {
  const body = request.body ?? {};
  const keys = Object.keys(body);
  const model = String(body.model ?? "");
  if (request.dialect === "openai") {
    const unknown = keys.find((key) => !chatParameters.has(key));
    if (unknown) return openAIError(`Unrecognized request argument supplied: ${unknown}`, unknown, null);
    if (body.reasoning_effort !== undefined && nonReasoningModel.test(model)) {
      return openAIError("Unsupported parameter: 'reasoning_effort' is not supported with this model.", "reasoning_effort", "unsupported_parameter");
    }
    if (body.max_tokens !== undefined && reasoningModel.test(model)) {
      return openAIError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "max_tokens", "unsupported_parameter");
    }
  }
  if (request.dialect === "responses") {
    const unknown = keys.find((key) => !responsesParameters.has(key));
    if (unknown) return openAIError(`Unknown parameter: '${unknown}'.`, unknown, "unknown_parameter");
  }
  if (request.dialect === "anthropic") {
    const unknown = keys.find((key) => !messagesParameters.has(key));
    if (unknown) return anthropicError(`${unknown}: Extra inputs are not permitted`);
    const betas = (request.headers["anthropic-beta"] ?? "").split(",").map((beta) => beta.trim());
    const withoutBeta = keys.find((key) => messagesBetaFields[key] && !betas.includes(messagesBetaFields[key]));
    if (withoutBeta) return anthropicError(`${withoutBeta}: Extra inputs are not permitted (requires the ${messagesBetaFields[withoutBeta]} beta)`);
  }
  return undefined;
}
