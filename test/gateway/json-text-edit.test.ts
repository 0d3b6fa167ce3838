import { describe, expect, it } from "vitest";
import { setTopLevelField } from "../../lib/gateway/pass-through/json-text-edit";

describe("setTopLevelField", () => {
  it("replaces the value in place and leaves every other byte as it was", () => {
    const text = '{ "model" : "alias",\n  "messages":[{"role":"user","content":"hi"}], "n": 1.50 }';
    expect(setTopLevelField(text, "model", "gpt-4o")).toBe('{ "model" : "gpt-4o",\n  "messages":[{"role":"user","content":"hi"}], "n": 1.50 }');
  });

  it("replaces every top-level occurrence, the last far behind a large value", () => {
    const large = "x".repeat(100_000);
    const text = `{"model":"a","messages":[{"role":"user","content":"${large}"}],"model":"b"}`;
    const edited = setTopLevelField(text, "model", "m");
    expect(edited).toBe(`{"model":"m","messages":[{"role":"user","content":"${large}"}],"model":"m"}`);
  });

  it("replaces a key spelled with \\u escapes too, wherever it stands", () => {
    const text = String.raw`{"model":"a","text":"caf\u00e9","mod\u0065l":"b"}`;
    expect(setTopLevelField(text, "model", "m")).toBe(String.raw`{"model":"m","text":"caf\u00e9","mod\u0065l":"m"}`);
    const late = String.raw`{"model":"a","mod\u0065l":"b"}`;
    expect(JSON.parse(setTopLevelField(late, "model", "m"))).toEqual({ model: "m" });
  });

  it("leaves the key alone inside nested values and strings, escaped quotes and backslashes included", () => {
    const text = String.raw`{"a":"say \"model\": x \\","b":{"model":"inner"},"c":["\"","model",{"model":1}],"model":"outer"}`;
    const edited = setTopLevelField(text, "model", "m");
    expect(edited).toBe(String.raw`{"a":"say \"model\": x \\","b":{"model":"inner"},"c":["\"","model",{"model":1}],"model":"m"}`);
    expect(JSON.parse(edited).b).toEqual({ model: "inner" });
  });

  it("adds an absent field first, with a comma only when other members follow", () => {
    expect(setTopLevelField('{"model":"a","stream":true}', "stream_options", { include_usage: true })).toBe('{"stream_options":{"include_usage":true},"model":"a","stream":true}');
    expect(setTopLevelField(" {  } ", "model", "m")).toBe(' {"model":"m"  } ');
    // The key only inside a value: absent at the top level.
    expect(JSON.parse(setTopLevelField('{"meta":{"stream_options":1}}', "stream_options", 2))).toEqual({ stream_options: 2, meta: { stream_options: 1 } });
  });

  it("reads past a string of four million escapes, which no regular expression's stack holds", () => {
    const content = String.raw`ab\"cd\\e`.repeat(2_000_000);
    const text = `{"messages":[{"content":"${content}"}],"model":"a"}`;
    expect(setTopLevelField(text, "model", "m").endsWith('"model":"m"}')).toBe(true);
  });
});
