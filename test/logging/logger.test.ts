import { describe, expect, it } from "vitest";
import { createLogger } from "../../lib/logging/logger";

describe("logger", () => {
  it("writes one JSON line per event and masks key-shaped values, bearer tokens and JWTs", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", write: (line) => lines.push(line), now: () => Date.UTC(2026, 10, 26) });
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    logger.debug("dropped below the level");
    logger.warn("upstream said: Incorrect API key provided: sk-proj-abcdef123456", {
      header: "Authorization: Bearer mg-client-secret-value",
      token: jwt,
      error: new Error("boom with sk-ant-api03-secretsecret"),
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: "warn", time: "2026-11-26T00:00:00.000Z", error: { name: "Error" } });
    expect(lines[0]).not.toMatch(/sk-proj-abcdef|mg-client-secret|sk-ant-api03|eyJhbGci/);
    expect(lines[0]).not.toContain("    at ");
    expect(lines[0]).toContain("[redacted]");
  });
});
