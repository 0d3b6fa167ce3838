import { describe, expect, it } from "vitest";
import { isOpenAIReasoningModel, toOpenAIChatRequest } from "../../lib/providers/openai/openai-request-convert";

const request = (model: string) => ({ model, messages: [{ role: "user" as const, content: "Hi" }], max_tokens: 32000, reasoning_effort: "high" as const });

describe("canonical requests fitted to OpenAI's models", () => {
  it("sends max_completion_tokens, which every current OpenAI model takes", () => {
    const { params } = toOpenAIChatRequest(request("gpt-5-mini"));
    expect(params).toMatchObject({ max_completion_tokens: 32000, reasoning_effort: "high" });
    expect(params).not.toHaveProperty("max_tokens");
  });

  it("keeps reasoning_effort for reasoning models only, and says when it drops it", () => {
    const { params, warnings } = toOpenAIChatRequest(request("gpt-4.1-mini"));
    expect(params).not.toHaveProperty("reasoning_effort");
    expect(warnings.map((warning) => [warning.action, warning.field])).toEqual([["dropped", "reasoning_effort"]]);
    for (const model of ["o3", "o4-mini", "gpt-5", "gpt-5.1-codex", "gpt-10"]) expect(isOpenAIReasoningModel(model), model).toBe(true);
    for (const model of ["gpt-4o", "gpt-4.1-mini", "gpt-3.5-turbo", "omni-moderation"]) expect(isOpenAIReasoningModel(model), model).toBe(false);
  });

  it("leaves other servers of the format with the request as asked", () => {
    const { params, warnings } = toOpenAIChatRequest(request("qwen2.5:7b"), "openai-compatible");
    expect(params).toMatchObject({ max_tokens: 32000, reasoning_effort: "high" });
    expect(warnings).toEqual([]);
  });
});
