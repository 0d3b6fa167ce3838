/**
 * The prices a budget reserves at: the schedule's entry in effect at the request, the prompt at
 * its dearest class.
 */
import { describe, expect, it } from "vitest";
import { budgetPricesOf } from "../../lib/budgets/budget-prices";
import type { ModelPrice } from "../../lib/pricing/model-prices";

const entry = (effectiveFrom: number, input: number, output: number, cacheWrite: number | null, cacheWrite1h: number | null): ModelPrice => ({
  effectiveFrom,
  inputPricePerM: input,
  outputPricePerM: output,
  cacheReadPricePerM: input / 10,
  cacheWritePricePerM: cacheWrite,
  cacheWrite1hPricePerM: cacheWrite1h,
  source: "test",
});

describe("budget prices", () => {
  const model = { inputPricePerM: 9, outputPricePerM: 99, prices: [entry(1_000, 1, 5, 1.25, 2), entry(2_000, 3, 15, null, null)] };

  it("uses the entry in effect at the request, the prompt at its dearest class", () => {
    expect(budgetPricesOf(model, 1_500)).toEqual({ inputPerM: 2, outputPerM: 5 });
    expect(budgetPricesOf(model, 2_000)).toEqual({ inputPerM: 3, outputPerM: 15 });
  });

  it("falls back to the catalogue's flat prices without a schedule", () => {
    expect(budgetPricesOf({ ...model, prices: [] }, 1_500)).toEqual({ inputPerM: 9, outputPerM: 99 });
  });
});
