/**
 * A request for a model alias: its models are tried in the alias's order, each through the door's
 * own path for that model (passed through when the model's provider speaks the door's protocol,
 * translated otherwise) and the key router's loop over that provider's keys. When a provider has
 * no usable key (all busy, invalid, out of quota, or failing upstream) the next model is tried;
 * anything else (a client error, the gateway's own failure, the client gone) ends the request as
 * it would for a plain model. A streamed answer commits at its first content, so a failover only
 * ever happens before the client saw a byte. A request for a plain model is a chain of one.
 *
 * The log row names the model that answered (or the last one tried), what the client asked for,
 * every model tried, and the attempts across all of them.
 */
import type { Context } from "hono";
import { NON_STREAMED_DEADLINE_MS } from "../config/deploy-bounds";
import { GatewayError, RateLimitError } from "../errors";
import type { CatalogueAlias, CatalogueSnapshot } from "../router/catalogue-snapshot";
import { assertModelsAllowed, resolveModels, type ModelReference, type RouteTarget } from "../router/model-resolver";
import { isProviderExhausted } from "../router/router-errors";
import type { GatewayEnv } from "./api-log-middleware";
import type { ChatServiceDependencies, ResolvedTarget } from "./chat-service";

/** What a request named, resolved: the models to try, in order. */
export interface ResolvedChain {
  snapshot: CatalogueSnapshot;
  alias: CatalogueAlias | null;
  targets: readonly RouteTarget[];
}

/**
 * Resolves the model or alias a request names and checks the caller may use it; notes what was
 * asked on the log record. Throws the 4xx `GatewayError`s of model-resolver.ts.
 */
export async function resolveChain(c: Context<GatewayEnv>, services: ChatServiceDependencies, reference: ModelReference): Promise<ResolvedChain> {
  const record = c.get("requestLog");
  record.model = reference.model;
  record.requestedModel = reference.model;
  const snapshot = await services.cache.snapshot();
  const { alias, targets } = resolveModels(snapshot, reference, services.aliasRotation);
  assertModelsAllowed(c.get("caller")!, { alias, targets });
  record.setTarget(targets[0]);
  return { snapshot, alias, targets };
}

/**
 * Answers with the first model of the chain that can: `answer` is the door's handling of one
 * model (it may be called once per model, with the chain's remaining non-streamed deadline).
 */
export function answerInOrder(
  c: Context<GatewayEnv>,
  services: ChatServiceDependencies,
  chain: ResolvedChain,
  answer: (resolved: ResolvedTarget, services: ChatServiceDependencies) => Promise<Response>,
): Promise<Response> {
  // A plain model: its one answer, without the loop's async layer.
  if (!chain.alias && chain.targets.length === 1) {
    c.get("requestLog").setTarget(chain.targets[0]);
    return answer({ snapshot: chain.snapshot, target: chain.targets[0] }, services);
  }
  return answerChain(c, services, chain, answer);
}

async function answerChain(
  c: Context<GatewayEnv>,
  services: ChatServiceDependencies,
  chain: ResolvedChain,
  answer: (resolved: ResolvedTarget, services: ChatServiceDependencies) => Promise<Response>,
): Promise<Response> {
  const record = c.get("requestLog");
  const deadlineMs = services.nonStreamedDeadlineMs ?? NON_STREAMED_DEADLINE_MS;
  const failures: Array<{ model: string; error: GatewayError }> = [];
  for (const target of chain.targets) {
    record.setTarget(target);
    // The non-streamed deadline bounds the whole request, every model included.
    const remainingMs = Math.max(1, deadlineMs - (performance.now() - record.startedAt));
    try {
      return await answer({ snapshot: chain.snapshot, target }, failures.length === 0 ? services : { ...services, nonStreamedDeadlineMs: remainingMs });
    } catch (error) {
      if (!chain.alias || !isProviderExhausted(error)) throw error;
      failures.push({ model: `${target.provider.code}/${target.model.code}`, error });
    }
  }
  throw chainExhausted(chain.alias!, failures);
}

/**
 * The error when no model of an alias could answer: a 429 with the soonest `Retry-After` when
 * some provider was only busy (capacity comes back), otherwise the last model's error; the
 * message names every model and why it failed.
 */
function chainExhausted(alias: CatalogueAlias, failures: ReadonlyArray<{ model: string; error: GatewayError }>): GatewayError {
  const message = `No model of alias '${alias.name}' could answer: ${failures.map(({ model, error }) => `${model}: ${error.message}`).join("; ")}`;
  const busy = failures.filter(({ error }) => error.status === 429).map(({ error }) => error.retryAfterMs ?? 1000);
  if (busy.length > 0) return new RateLimitError(message, Math.min(...busy));
  const last = failures.at(-1)!.error;
  return new GatewayError(last.status, last.code, message, { retryAfterMs: last.retryAfterMs, headers: last.headers, openAiType: last.openAiType });
}
