/**
 * What a request costs. A model's prices are a schedule (`t_model_prices`): each row applies from
 * its `effective_from` until the next row's, so a price change applies from then on and the cost
 * stored with earlier requests stays what it was. {@link priceAt} picks the row in effect at a
 * moment; {@link costOf} prices usage with it. The log row and the budget estimates use these two
 * and nothing else.
 *
 * Token classes, as normalized usage reports them (each a part of the prompt or output):
 * - input not served from or written to the cache: the input price;
 * - cache hits (OpenAI `cached_tokens`, DeepSeek `prompt_cache_hit_tokens`, Anthropic
 *   `cache_read_input_tokens`): the cache read price, or the input price when none is set;
 * - cache writes (Anthropic `cache_creation_input_tokens`): the 5-minute write price, and the
 *   1-hour price for the part Anthropic reports as `ephemeral_1h_input_tokens`;
 * - output, reasoning included: the output price. Reasoning tokens are a part of the output
 *   count on every provider and billed as output, so they are never added again.
 */

/** The prices of one model from one moment on, USD per million tokens. */
export interface ModelPrice {
  /** Epoch ms from which this price applies. */
  effectiveFrom: number;
  inputPricePerM: number;
  outputPricePerM: number;
  /** Cache hits; null: charged as input. */
  cacheReadPricePerM: number | null;
  /** Cache writes (5-minute); null: charged as input. */
  cacheWritePricePerM: number | null;
  /** 1-hour cache writes; null: the 5-minute write price. */
  cacheWrite1hPricePerM: number | null;
  /** Where the price comes from. */
  source: string | null;
}

/** The token counts a cost is computed from (normalized usage has these fields). */
export interface BillableTokens {
  /** Every input token, cached and cache-written ones included. */
  promptTokens: number;
  /** Every output token, reasoning included. */
  completionTokens: number;
  /** Input tokens served from the cache. */
  cachedTokens?: number;
  /** Input tokens written to the cache (every TTL). */
  cacheCreationTokens?: number;
  /** The part of `cacheCreationTokens` written with a 1-hour TTL. */
  cacheCreation1hTokens?: number;
}

/** A model with its price schedule (the catalogue snapshot's models are). */
export interface PricedModel {
  /** Entries ordered by `effectiveFrom` ascending; may be empty. */
  prices: readonly ModelPrice[];
  /** The catalogue's flat prices, charged when the schedule is empty. */
  inputPricePerM: number;
  outputPricePerM: number;
}

/**
 * The price of `model` in effect at `at` (epoch ms): the latest entry whose `effectiveFrom <= at`.
 * Before the first entry, the first entry (a model is never free for lack of history); with an
 * empty schedule, the model's flat catalogue prices without cache prices.
 */
export function priceAt(model: PricedModel, at: number): ModelPrice {
  const schedule = model.prices;
  if (schedule.length === 0) {
    const { inputPricePerM, outputPricePerM } = model;
    return { effectiveFrom: 0, inputPricePerM, outputPricePerM, cacheReadPricePerM: null, cacheWritePricePerM: null, cacheWrite1hPricePerM: null, source: null };
  }
  let found = schedule[0];
  for (const entry of schedule) {
    if (entry.effectiveFrom > at) break;
    found = entry;
  }
  return found;
}

/** USD for `tokens` at `price`, rounded to 1e-10 (the log column keeps no more). */
export function costOf(tokens: BillableTokens, price: ModelPrice): number {
  const cacheRead = Math.max(0, tokens.cachedTokens ?? 0);
  const cacheWrite = Math.max(0, tokens.cacheCreationTokens ?? 0);
  const cacheWrite1h = Math.min(cacheWrite, Math.max(0, tokens.cacheCreation1hTokens ?? 0));
  const plainInput = Math.max(0, tokens.promptTokens - cacheRead - cacheWrite);
  const writePrice = price.cacheWritePricePerM ?? price.inputPricePerM;
  const usd =
    plainInput * price.inputPricePerM +
    cacheRead * (price.cacheReadPricePerM ?? price.inputPricePerM) +
    (cacheWrite - cacheWrite1h) * writePrice +
    cacheWrite1h * (price.cacheWrite1hPricePerM ?? writePrice) +
    Math.max(0, tokens.completionTokens) * price.outputPricePerM;
  return Math.round((usd / 1_000_000) * 1e10) / 1e10;
}
