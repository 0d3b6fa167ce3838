/**
 * The prices a budget reserves a request at: the model's price in effect at the request
 * (lib/pricing/model-prices.ts `priceAt`, the one the log row's cost uses). The prompt is
 * reserved at its dearest class, since the estimate cannot tell which tokens the provider will
 * read from or write to its cache: a cache write (Anthropic, 1.25x or 2x input) costs more than
 * plain input, a cache read less.
 */
import { priceAt, type PricedModel } from "../pricing/model-prices";

/** USD per million tokens. */
export interface BudgetPrices {
  inputPerM: number;
  outputPerM: number;
}

/** The reservation prices of `model` at `at` (epoch ms). */
export function budgetPricesOf(model: PricedModel, at: number): BudgetPrices {
  const price = priceAt(model, at);
  return {
    inputPerM: Math.max(price.inputPricePerM, price.cacheWritePricePerM ?? 0, price.cacheWrite1hPricePerM ?? 0),
    outputPerM: price.outputPricePerM,
  };
}
