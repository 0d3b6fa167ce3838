/**
 * The app's router cache: a fixed path gets its handlers matched once, a path with parameters is
 * matched every time (each request its own values), and the app behind it routes as before.
 */
import { Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { MatchCache } from "../../lib/http/match-cache";

/** Counts the inner router's matches. */
class CountingRouter<Handler> extends TrieRouter<Handler> {
  matches = 0;
  override match(method: string, path: string) {
    this.matches += 1;
    return super.match(method, path);
  }
}

describe("MatchCache", () => {
  it("matches a fixed path once, and a path with parameters every time with its own values", () => {
    const inner = new CountingRouter<string>();
    const router = new MatchCache(inner);
    router.add("ALL", "/*", "context");
    router.add("POST", "/v1/chat/completions", "chat");
    router.add("PUT", "/items/:id", "item");
    router.add("PUT", "/items/keys/:keyId", "key");

    const first = router.match("POST", "/v1/chat/completions");
    expect(first[0].map(([handler]) => handler)).toEqual(["context", "chat"]);
    expect(router.match("POST", "/v1/chat/completions")).toBe(first);
    expect(inner.matches).toBe(1);
    expect(router.match("GET", "/v1/chat/completions")[0].map(([handler]) => handler)).toEqual(["context"]);

    const params = (method: string, path: string) => router.match(method, path)[0].map(([handler, values]) => [handler, { ...values }]);
    expect(params("PUT", "/items/7")).toEqual([["context", {}], ["item", { id: "7" }]]);
    expect(params("PUT", "/items/8")).toEqual([["context", {}], ["item", { id: "8" }]]);
    expect(params("PUT", "/items/keys/3")).toEqual([["context", {}], ["key", { keyId: "3" }]]);
    const before = inner.matches;
    params("PUT", "/items/7");
    expect(inner.matches).toBe(before + 1);
  });

  it("stays right past its bound and for long paths", () => {
    const router = new MatchCache(new TrieRouter<string>());
    router.add("GET", "/health", "health");
    for (let index = 0; index < 600; index++) expect(router.match("GET", `/missing/${index}`)[0]).toEqual([]);
    expect(router.match("GET", "/health")[0].map(([handler]) => handler)).toEqual(["health"]);
    expect(router.match("GET", `/${"x".repeat(300)}`)[0]).toEqual([]);
  });

  it("serves a Hono app with routes its RegExpRouter cannot compile", async () => {
    const app = new Hono({ router: new MatchCache() });
    app.put("/providers/keys/:keyId", (c) => c.text(`key ${c.req.param("keyId")}`));
    app.put("/providers/:id", (c) => c.text(`provider ${c.req.param("id")}`));
    app.post("/v1/chat", (c) => c.text("chat"));
    for (let round = 0; round < 2; round++) {
      expect(await (await app.request("/providers/keys/5", { method: "PUT" })).text()).toBe("key 5");
      expect(await (await app.request(`/providers/${round}`, { method: "PUT" })).text()).toBe(`provider ${round}`);
      expect(await (await app.request("/v1/chat", { method: "POST" })).text()).toBe("chat");
      expect((await app.request("/v1/chat", { method: "GET" })).status).toBe(404);
    }
  });
});
