/**
 * Remembers the router's answer for paths without parameters. The app's routes include admin
 * paths Hono's RegExpRouter cannot compile (`/ai-providers/:id` beside `/ai-providers/keys/:keyId`),
 * so it matches with its TrieRouter, which walks the tree, builds the handler list and sorts it
 * on every request: about 2 % of a small pass-through request's CPU and 3 KB of garbage. The
 * gateway's doors are a handful of fixed paths called over and over, and a fixed path always gets
 * the same handlers, so each is matched once. Answers that carry parameters are not kept, nor
 * long paths, and the cache is bounded, since paths come from clients.
 */
import { SmartRouter } from "hono/router/smart-router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { TrieRouter } from "hono/router/trie-router";
import type { Result, Router } from "hono/router";

/** Answers kept before the cache starts over. */
const MAXIMUM_ENTRIES = 256;
/** Longer paths are matched every time. */
const MAXIMUM_PATH_LENGTH = 200;

export class MatchCache<Handler> implements Router<Handler> {
  readonly #router: Router<Handler>;
  readonly #answers = new Map<string, Result<Handler>>();

  /** @param router what matches; by default Hono's own choice, a RegExpRouter or else a TrieRouter */
  constructor(router: Router<Handler> = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] })) {
    this.#router = router;
  }

  get name(): string {
    return `MatchCache + ${this.#router.name}`;
  }

  add(method: string, path: string, handler: Handler): void {
    this.#router.add(method, path, handler);
  }

  match(method: string, path: string): Result<Handler> {
    if (path.length > MAXIMUM_PATH_LENGTH) return this.#router.match(method, path);
    const key = `${method} ${path}`;
    const known = this.#answers.get(key);
    if (known) return known;
    const answer = this.#router.match(method, path);
    if (withoutParameters(answer)) {
      if (this.#answers.size >= MAXIMUM_ENTRIES) this.#answers.clear();
      this.#answers.set(key, answer);
    }
    return answer;
  }
}

/** True when no handler of the answer got a path parameter (its params are the same for every request). */
function withoutParameters<Handler>(answer: Result<Handler>): boolean {
  if (answer.length > 1 && answer[1] !== undefined && answer[1].length > 0) return false;
  return answer[0].every(([, params]) => Object.keys(params).length === 0);
}
