/**
 * The prices a budget reserves a request at. One function, so the reservation follows whatever
 * the catalogue says a model costs: today its current input and output price per million tokens.
 */
import type { CatalogueModel } from "../router/catalogue-snapshot";

/** USD per million tokens. */
export interface BudgetPrices {
  inputPerM: number;
  outputPerM: number;
}

/** The prices of `model` in effect at `at` (epoch ms). */
export function budgetPricesOf(model: CatalogueModel, _at: number): BudgetPrices {
  return { inputPerM: model.inputPricePerM, outputPerM: model.outputPricePerM };
}
