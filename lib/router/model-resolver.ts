/**
 * Finds the provider and catalogue model a request names: by `model` alone (unique among active
 * providers), by `provider/model`, or by an explicit provider code plus `model`. Every failure is
 * a 4xx that names what was asked for.
 */
import { GatewayError, PermissionError } from "../errors";
import type { Caller } from "../http/app-env";
import type { CatalogueModel, CatalogueProvider, CatalogueSnapshot } from "./catalogue-snapshot";

/** A resolved request target. */
export interface RouteTarget {
  provider: CatalogueProvider;
  model: CatalogueModel;
}

/** What the caller asked for. */
export interface ModelReference {
  /** `gpt-4o-mini`, or `openai/gpt-4o-mini`. */
  model: string;
  /** Explicit provider code (the `/api/ai` API's `providerCode`). */
  providerCode?: string;
}

const notFound = (message: string, code = "model_not_found") =>
  new GatewayError(404, code, message, { openAiType: "invalid_request_error", param: "model" });

/**
 * Resolves a model reference.
 * @throws GatewayError 404 for an unknown or inactive provider or model, 400 for an ambiguous model.
 */
export function resolveModel(snapshot: CatalogueSnapshot, { model, providerCode }: ModelReference): RouteTarget {
  if (providerCode !== undefined) return resolveInProvider(snapshot, providerCode, model);

  // `provider/model`, unless the whole string is itself a model code (codes may contain "/").
  const slash = model.indexOf("/");
  if (slash > 0 && !snapshot.modelsByCode.has(model)) {
    const prefix = model.slice(0, slash);
    if (snapshot.providersByCode.has(prefix)) return resolveInProvider(snapshot, prefix, model.slice(slash + 1));
  }

  const sameCode = snapshot.modelsByCode.get(model) ?? [];
  const usable = sameCode.filter((candidate) => candidate.isActive && snapshot.providersById.get(candidate.providerId)?.isActive);
  if (usable.length === 1) return { provider: snapshot.providersById.get(usable[0].providerId)!, model: usable[0] };
  if (usable.length > 1) {
    const names = usable.map((candidate) => `${snapshot.providersById.get(candidate.providerId)!.code}/${model}`);
    throw new GatewayError(400, "model_ambiguous", `Model '${model}' is offered by several providers; use one of: ${names.join(", ")}`, {
      openAiType: "invalid_request_error",
      param: "model",
    });
  }
  if (sameCode.length > 0) throw notFound(`Model '${model}' is not active`, "model_inactive");
  throw notFound(`Model '${model}' does not exist in the catalogue`);
}

function resolveInProvider(snapshot: CatalogueSnapshot, providerCode: string, model: string): RouteTarget {
  const provider = snapshot.providersByCode.get(providerCode);
  if (!provider) throw notFound(`Provider '${providerCode}' does not exist`, "provider_not_found");
  if (!provider.isActive) throw notFound(`Provider '${providerCode}' is not active`, "provider_inactive");
  const found = (snapshot.modelsByCode.get(model) ?? []).find((candidate) => candidate.providerId === provider.id);
  if (!found) throw notFound(`Model '${model}' does not exist for provider '${providerCode}'`);
  if (!found.isActive) throw notFound(`Model '${providerCode}/${model}' is not active`, "model_inactive");
  return { provider, model: found };
}

/**
 * Enforces a client key's allowed-model list (admins may use every model). Entries are
 * `provider/model` and match exactly that catalogue model, never the same code at another provider.
 * @throws PermissionError 403 naming the model.
 */
export function assertModelAllowed(caller: Caller, target: RouteTarget): void {
  if (isModelAllowed(caller, target.provider, target.model)) return;
  throw new PermissionError(`This client key may not use model '${target.provider.code}/${target.model.code}'`);
}

/** True when the caller may use (and see in `/v1/models`) the model; see {@link assertModelAllowed}. */
export function isModelAllowed(caller: Caller, provider: CatalogueProvider, model: CatalogueModel): boolean {
  if (caller.kind !== "client" || caller.allowedModels === null) return true;
  return caller.allowedModels.includes(`${provider.code}/${model.code}`);
}
