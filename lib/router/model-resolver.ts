/**
 * Finds the provider and catalogue model a request names: by `model` alone (unique among active
 * providers), by `provider/model`, or by an explicit provider code plus `model`; or the models an
 * alias stands for, in the order this request tries them. Every failure is a 4xx that names what
 * was asked for.
 *
 * An alias's order: members by position; members sharing a position (consecutive members given a
 * weight when the alias was saved) are ordered per request by smooth weighted round-robin, so the
 * first of them is each one in proportion to its weight, the rest following by weight. Members
 * whose model or provider is missing or inactive are left out. A model code always wins over an
 * alias of the same name (the admin API refuses to create either over the other).
 */
import { GatewayError, PermissionError } from "../errors";
import type { Caller } from "../http/app-env";
import type { CatalogueAlias, CatalogueAliasMember, CatalogueModel, CatalogueProvider, CatalogueSnapshot } from "./catalogue-snapshot";
import type { WeightedRotation } from "./key-order";

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

/** What a request names: one catalogue model, or an alias and its models in try order. */
export interface ResolvedModels {
  alias: CatalogueAlias | null;
  /** Try order; exactly one entry unless `alias`. */
  targets: RouteTarget[];
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

/**
 * Resolves a model reference that may name an alias.
 * @param rotation the weighted rotation of alias members, kept across requests
 * @throws GatewayError 404 for an unknown or inactive model, an inactive alias or one without an active model
 */
export function resolveModels(snapshot: CatalogueSnapshot, reference: ModelReference, rotation: WeightedRotation): ResolvedModels {
  const alias = reference.providerCode === undefined && !snapshot.modelsByCode.has(reference.model) ? snapshot.aliasesByName.get(reference.model) : undefined;
  if (!alias) return { alias: null, targets: [resolveModel(snapshot, reference)] };
  if (!alias.isActive) throw notFound(`Model alias '${alias.name}' is not active`, "model_inactive");
  const usable: Array<{ member: CatalogueAliasMember; target: RouteTarget }> = [];
  for (const member of alias.members) {
    const provider = snapshot.providersById.get(member.providerId);
    const model = (snapshot.modelsByCode.get(member.modelCode) ?? []).find((candidate) => candidate.providerId === member.providerId);
    if (provider?.isActive && model?.isActive) usable.push({ member, target: { provider, model } });
  }
  if (usable.length === 0) throw notFound(`No model of alias '${alias.name}' is active`, "model_inactive");
  const targets: RouteTarget[] = [];
  let start = 0;
  while (start < usable.length) {
    let end = start + 1;
    while (end < usable.length && usable[end].member.position === usable[start].member.position) end++;
    const group = usable.slice(start, end).map(({ member, target }) => ({ id: member.id, weight: member.weight ?? 1, target }));
    const first = rotation.pick(group);
    targets.push(first.target, ...group.filter((entry) => entry !== first).sort((left, right) => right.weight - left.weight || left.id - right.id).map((entry) => entry.target));
    start = end;
  }
  return { alias, targets };
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

/**
 * Enforces a client key's allowed-model list for what a request resolved to: an alias needs the
 * alias itself on the list (its models need not be), a model needs the model.
 * @throws PermissionError 403 naming the alias or model.
 */
export function assertModelsAllowed(caller: Caller, resolved: ResolvedModels): void {
  if (!resolved.alias) return assertModelAllowed(caller, resolved.targets[0]);
  if (isAliasAllowed(caller, resolved.alias)) return;
  throw new PermissionError(`This client key may not use model alias '${resolved.alias.name}'`);
}

/** True when the caller may use (and see in `/v1/models`) the alias. */
export function isAliasAllowed(caller: Caller, alias: CatalogueAlias): boolean {
  return caller.kind !== "client" || caller.allowedModels === null || caller.allowedModels.includes(alias.name);
}

/** True when the caller may use (and see in `/v1/models`) the model; see {@link assertModelAllowed}. */
export function isModelAllowed(caller: Caller, provider: CatalogueProvider, model: CatalogueModel): boolean {
  if (caller.kind !== "client" || caller.allowedModels === null) return true;
  return caller.allowedModels.includes(`${provider.code}/${model.code}`);
}
