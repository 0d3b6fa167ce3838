/**
 * The order in which one request tries a provider's keys. Stated so tests (and operators) can
 * rely on it, because peers got it wrong (one-api #1197/#1199, new-api #7007, #7294):
 *
 * 1. Tiers by `priority`, highest first. A lower tier is tried only after every key of the
 *    tier above was tried or skipped in this request.
 * 2. Within a tier, the first key is the smooth weighted round-robin pick (nginx's algorithm:
 *    each key gains its weight, the highest current total wins and pays the tier's total
 *    weight), so traffic spreads in proportion to `weight`; ties go to the lower id. The rest of
 *    the tier follows by weight (highest first), then id.
 * 3. No key is tried twice in one request.
 *
 * Keys the cached catalogue already knows to be unusable never enter the order: `invalid` keys
 * (until validated again) and keys whose cooldown has not ended. A cooled-down key whose
 * cooldown ended (`rate_limited`, `error`, `quota_exceeded`) is a candidate again: real traffic
 * is the half-open probe, and a success puts it back to `normal`.
 */
import type { CatalogueKey } from "./catalogue-snapshot";

/** Why a key is out of this request's order before any call. */
export type KeyExclusion =
  | { keyId: number; reason: "invalid" }
  | { keyId: number; reason: "quota_exceeded"; until: number }
  | { keyId: number; reason: "cooling_down"; until: number };

/** The candidates in try order, plus the keys left out and why. */
export interface KeyOrder {
  candidates: CatalogueKey[];
  excluded: KeyExclusion[];
}

/** Something with an id that takes a weighted share: a key, an alias member. */
export interface Weighted {
  id: number;
  weight: number;
}

/** Smooth weighted round-robin state, per id, kept across requests in one process. */
export class WeightedRotation {
  readonly #currentWeights = new Map<number, number>();

  /** Picks one entry of a tier and advances the rotation. */
  pick<Entry extends Weighted>(tier: readonly Entry[]): Entry {
    if (tier.length === 1) return tier[0];
    let total = 0;
    let best: Entry | undefined;
    let bestWeight = Number.NEGATIVE_INFINITY;
    for (const key of tier) {
      total += key.weight;
      const current = (this.#currentWeights.get(key.id) ?? 0) + key.weight;
      this.#currentWeights.set(key.id, current);
      if (current > bestWeight || (current === bestWeight && best !== undefined && key.id < best.id)) {
        best = key;
        bestWeight = current;
      }
    }
    this.#currentWeights.set(best!.id, bestWeight - total);
    return best!;
  }
}

/**
 * Orders a provider's keys for one request.
 * @param keys the provider's active keys, highest priority first (as the snapshot holds them)
 */
export function orderKeys(keys: readonly CatalogueKey[], rotation: WeightedRotation, now: number): KeyOrder {
  const excluded: KeyExclusion[] = [];
  const usable: CatalogueKey[] = [];
  for (const key of keys) {
    if (key.status === "invalid") excluded.push({ keyId: key.id, reason: "invalid" });
    else if (key.cooldownUntil !== null && key.cooldownUntil > now) {
      excluded.push(
        key.status === "quota_exceeded"
          ? { keyId: key.id, reason: "quota_exceeded", until: key.cooldownUntil }
          : { keyId: key.id, reason: "cooling_down", until: key.cooldownUntil },
      );
    } else usable.push(key);
  }

  const candidates: CatalogueKey[] = [];
  let start = 0;
  while (start < usable.length) {
    let end = start + 1;
    while (end < usable.length && usable[end].priority === usable[start].priority) end++;
    const tier = usable.slice(start, end);
    const first = rotation.pick(tier);
    candidates.push(first);
    const rest = tier.filter((key) => key !== first).sort((left, right) => right.weight - left.weight || left.id - right.id);
    candidates.push(...rest);
    start = end;
  }
  return { candidates, excluded };
}
