/** Provider URLs: a base URL and an endpoint path joined with exactly one slash between them. */
import { describe, expect, it } from "vitest";
import { joinUrl } from "../../lib/providers/provider-format";

describe("joinUrl", () => {
  it.each([
    ["https://api.openai.com/v1", "chat/completions", "https://api.openai.com/v1/chat/completions"],
    ["https://api.openai.com/v1/", "chat/completions", "https://api.openai.com/v1/chat/completions"],
    ["https://api.openai.com/v1//", "/chat/completions", "https://api.openai.com/v1/chat/completions"],
    ["https://api.anthropic.com", "//v1/messages", "https://api.anthropic.com/v1/messages"],
    ["http://127.0.0.1:8080", "v1/messages/count_tokens", "http://127.0.0.1:8080/v1/messages/count_tokens"],
  ])("%s + %s", (base, path, joined) => {
    expect(joinUrl(base, path)).toBe(joined);
  });
});
