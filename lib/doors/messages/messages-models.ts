/**
 * `GET /v1/models` and `GET /v1/models/{id}` in Anthropic's shapes (the SDK's `ModelInfo` and
 * `Page`), for requests that carry `anthropic-version`: the Anthropic SDK's `models.list()` and
 * Claude Code's gateway model discovery (`GET /v1/models?limit=1000`, which keeps the ids that
 * contain "claude").
 */
import * as z from "zod";
import { validationError } from "../../http/validation";
import type { CatalogueModel } from "../../router/catalogue-snapshot";

/** A catalogue model under the id clients name it by (`model` or `provider/model`), or an alias. */
export interface ListedModel {
  id: string;
  /** The model; for an alias, its display facts (name, creation, the smallest limits of its models). */
  model: CatalogueModel;
  /** `owned_by` when it is not the model's provider (`alias` for aliases). */
  ownedBy?: string;
}

/** Anthropic's list query: `limit` (1–1000, default 20), `after_id`, `before_id`. */
export const anthropicModelQuerySchema = z.looseObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  after_id: z.string().min(1).optional(),
  before_id: z.string().min(1).optional(),
});

const DEFAULT_PAGE_SIZE = 20;

/** RFC 3339 without fractions, as Anthropic writes `created_at`. */
function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A `ModelInfo` for a listed model. */
export function anthropicModelInfo({ id, model }: ListedModel) {
  return {
    type: "model" as const,
    id,
    display_name: model.displayName,
    created_at: rfc3339(model.createdAt),
    capabilities: null,
    deprecated_at: null,
    lifecycle: "active" as const,
    line: /(haiku|sonnet|opus)/.exec(model.code)?.[1] ?? null,
    max_input_tokens: model.contextWindow > 0 ? model.contextWindow : null,
    max_tokens: model.maxOutputTokens > 0 ? model.maxOutputTokens : null,
    retires_at: null,
  };
}

/**
 * One page of the list: `after_id` starts after that id, `before_id` ends before it (taking the
 * `limit` models closest to it); `has_more` says whether more lie beyond the page in that direction.
 * @throws ValidationError (400) for a bad `limit` or an id that is not listed
 */
export function anthropicModelPage(models: readonly ListedModel[], query: Record<string, string>) {
  const parsed = anthropicModelQuerySchema.safeParse(query);
  if (!parsed.success) throw validationError("query", parsed.error.issues);
  const { limit = DEFAULT_PAGE_SIZE, after_id: afterId, before_id: beforeId } = parsed.data;
  const positionOf = (id: string, field: string) => {
    const position = models.findIndex((model) => model.id === id);
    if (position < 0) throw validationError("query", [{ path: [field], message: `no listed model has the id '${id}'` }]);
    return position;
  };
  let start = 0;
  let end = models.length;
  if (afterId !== undefined) start = positionOf(afterId, "after_id") + 1;
  if (beforeId !== undefined) end = positionOf(beforeId, "before_id");
  let page: readonly ListedModel[];
  let hasMore: boolean;
  if (beforeId !== undefined && afterId === undefined) {
    page = models.slice(Math.max(start, end - limit), end);
    hasMore = end - limit > start;
  } else {
    page = models.slice(start, Math.min(end, start + limit));
    hasMore = start + limit < end;
  }
  const data = page.map(anthropicModelInfo);
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
