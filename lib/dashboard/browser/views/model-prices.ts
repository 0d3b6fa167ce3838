/**
 * A model's price schedule, opened from the Models view: every price with the time it takes
 * effect (a request costs what was in effect when it was made) and a form for a price from now
 * or a later time. Prices never start in the past, so logged costs are never rewritten.
 */
import { api, listOf } from "../api";
import { h, replace } from "../dom";
import { formatPrice, formatTime, t } from "../i18n";
import type { Model } from "../lookups";
import { badge, buildForm, isMissingApi, notice, table, unavailable } from "../ui";

interface Price {
  id: number;
  effectiveFrom: string;
  inputPricePerM: number;
  outputPricePerM: number;
  cacheReadPricePerM: number | null;
  cacheWritePricePerM: number | null;
  source: string | null;
}

/** Renders the schedule of one model into `box`; `onClose` empties it. */
export async function showModelPrices(box: HTMLElement, model: Model, onClose: () => void): Promise<void> {
  let prices: Price[];
  try {
    prices = listOf<Price>(await api("GET", `admin/ai-models/${model.id}/prices`));
  } catch (error) {
    if (!isMissingApi(error)) throw error;
    replace(box, h("div", { className: "panel" }, [unavailable(t("prices.api")), h("button", { type: "button", className: "secondary", onclick: onClose }, t("common.cancel"))]));
    return;
  }
  const now = Date.now();
  // The price in effect is the last one that has started.
  const current = [...prices].reverse().find((price) => Date.parse(price.effectiveFrom) <= now);
  const form = buildForm({
    id: "price-form",
    title: t("prices.addTitle"),
    submitLabel: t("prices.add"),
    fields: [
      { name: "effectiveFrom", label: t("prices.effectiveFrom"), type: "datetime-local", hint: t("prices.effectiveFromHint") },
      { name: "inputPricePerM", label: t("models.inputPrice"), type: "number", min: 0, step: "any", required: true, value: current?.inputPricePerM ?? model.inputPricePerM },
      { name: "outputPricePerM", label: t("models.outputPrice"), type: "number", min: 0, step: "any", required: true, value: current?.outputPricePerM ?? model.outputPricePerM },
      { name: "cacheReadPricePerM", label: t("prices.cacheRead"), type: "number", min: 0, step: "any", value: current?.cacheReadPricePerM, placeholder: t("prices.sameAsInput") },
      { name: "cacheWritePricePerM", label: t("prices.cacheWrite"), type: "number", min: 0, step: "any", value: current?.cacheWritePricePerM, placeholder: t("prices.sameAsInput") },
      { name: "source", label: t("prices.source"), placeholder: "https://…" },
    ],
    onCancel: onClose,
    onSubmit: async (values) => {
      const from = String(values.effectiveFrom || "");
      await api("POST", `admin/ai-models/${model.id}/prices`, {
        ...(from ? { effectiveFrom: new Date(from).toISOString() } : {}),
        inputPricePerM: values.inputPricePerM,
        outputPricePerM: values.outputPricePerM,
        cacheReadPricePerM: values.cacheReadPricePerM,
        cacheWritePricePerM: values.cacheWritePricePerM,
        source: values.source || null,
      });
      notice(t("prices.added", { name: model.modelCode }), "ok");
      await showModelPrices(box, model, onClose);
    },
  });
  replace(box, h("section", { id: "model-prices" }, [
    h("h2", null, t("prices.title", { name: model.modelCode })),
    table<Price>([
      { label: t("prices.effectiveFrom"), key: "effectiveFrom", sticky: "start", render: (price) => [formatTime(price.effectiveFrom), price === current ? [" ", badge(t("prices.inEffect"), "ok")] : Date.parse(price.effectiveFrom) > now ? [" ", badge(t("prices.scheduled"), "warn")] : null] },
      { label: t("models.inputPrice"), key: "input", className: "num", render: (price) => formatPrice(price.inputPricePerM) },
      { label: t("models.outputPrice"), key: "output", className: "num", render: (price) => formatPrice(price.outputPricePerM) },
      { label: t("prices.cacheRead"), className: "num", render: (price) => formatPrice(price.cacheReadPricePerM) },
      { label: t("prices.cacheWrite"), className: "num", render: (price) => formatPrice(price.cacheWritePricePerM) },
      { label: t("prices.source"), className: "wrap", render: (price) => price.source || "—" },
    ], prices, { id: "price-table", empty: t("prices.none") }),
    form,
  ]));
}
