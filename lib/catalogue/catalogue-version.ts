/**
 * The catalogue version: bumped in shared state on every admin change to providers, keys,
 * models, prices or aliases, so every instance's in-process cache refreshes within seconds.
 */
import type { LimitStore } from "../limits/limit-store";

/** Name of the shared version counter. */
export const CATALOGUE_VERSION = "catalogue";

/** Tells every instance that providers, keys or models changed. */
export async function catalogueChanged(deps: { limits: LimitStore }): Promise<void> {
  await deps.limits.bumpVersion(CATALOGUE_VERSION);
}
