import { describe, expect, it } from "vitest";
import { ReasoningCarrier } from "../../lib/gateway/reasoning-carrier";

describe("reasoning carrier", () => {
  const carrier = new ReasoningCarrier("a shared secret");
  const contents = { kind: "deepseek_reasoning", text: "Let me think.", format: "deepseek", model: "deepseek-reasoner" } as const;

  it("opens what it sealed", () => {
    const sealed = carrier.seal(contents);
    expect(sealed.startsWith("mg1.")).toBe(true);
    expect(carrier.open(sealed)).toEqual(contents);
  });

  it("refuses forged, foreign and malformed values", () => {
    const sealed = carrier.seal(contents);
    const [prefix, body, mac] = sealed.split(".");
    const forgedBody = Buffer.from(JSON.stringify({ ...contents, text: "injected" })).toString("base64url");
    expect(carrier.open(`${prefix}.${forgedBody}.${mac}`)).toBeNull();
    expect(carrier.open(`${prefix}.${body}.${mac.slice(1)}`)).toBeNull();
    expect(new ReasoningCarrier("another secret").open(sealed)).toBeNull();
    expect(carrier.open("EqQBCkgIARABGAIiQL2r5w")).toBeNull();
    expect(carrier.open(42)).toBeNull();
    expect(carrier.open("mg1.")).toBeNull();
  });
});
