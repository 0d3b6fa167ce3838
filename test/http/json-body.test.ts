import { describe, expect, it } from "vitest";
import { ValidationError } from "../../lib/errors";
import { MAXIMUM_JSON_DEPTH, parseJsonObject } from "../../lib/http/json-body";

/** An object nested `levels` deep, the top level counted: `{"a":{"a":…{"a":1}}}`. */
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

/** The message a refused body gets. */
function refusal(text: string): string {
  try {
    parseJsonObject(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  throw new Error("the body was accepted");
}

describe("parseJsonObject", () => {
  it(`takes objects and arrays nested ${MAXIMUM_JSON_DEPTH} levels deep and refuses one more`, () => {
    expect(parseJsonObject(nestedObjects(MAXIMUM_JSON_DEPTH))).toHaveProperty("a");
    expect(refusal(nestedObjects(MAXIMUM_JSON_DEPTH + 1))).toMatch(`deeper than ${MAXIMUM_JSON_DEPTH} levels`);
    const arrays = (levels: number) => `{"a":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
    expect(parseJsonObject(arrays(MAXIMUM_JSON_DEPTH))).toHaveProperty("a");
    expect(refusal(arrays(MAXIMUM_JSON_DEPTH + 1))).toMatch("nests objects or arrays deeper");
  });

  it("counts only structure: brackets inside strings and wide objects do not nest", () => {
    const text = JSON.stringify({ code: "[".repeat(500) + "{".repeat(500), wide: Array.from({ length: 2000 }, (_, index) => ({ index })) });
    expect(parseJsonObject(text).wide).toHaveLength(2000);
  });

  it("refuses 100,000 levels at the top or inside a field as too deep, not with a stack overflow", () => {
    expect(refusal("[".repeat(100_000) + "]".repeat(100_000))).toMatch("deeper than");
    expect(refusal(`{"model":"m","metadata":${nestedObjects(100_000)}}`)).toMatch("deeper than");
  });

  it("names empty, invalid and non-object bodies", () => {
    expect(refusal("  ")).toMatch("empty");
    expect(refusal('{"a":')).toMatch("not valid JSON");
    expect(refusal("[1]")).toMatch("must be a JSON object");
  });
});
