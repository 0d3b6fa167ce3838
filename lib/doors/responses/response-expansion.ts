/**
 * Resolves what a Responses request references in the gateway's store, so the conversation can
 * go to any provider: `previous_response_id` expands into the chain's input and output items
 * (oldest first; `instructions` are not inherited), and each `item_reference` becomes the stored
 * item. An id that is unknown, expired, or another client key's is a 400
 * `previous_response_not_found`, never silence.
 */
import { GatewayError } from "../../errors";
import type { ResponseStore } from "./response-store";
import { itemTypeOf } from "./responses-input-convert";
import type { ResponsesInputItem } from "./responses-schemas";

/** Longest `previous_response_id` chain followed; far beyond any real conversation. */
const MAXIMUM_CHAIN_LENGTH = 10_000;

/** The 400 for a reference the store cannot resolve for this owner. */
export function referenceNotFound(id: string, param: "previous_response_id" | "input"): GatewayError {
  const message = param === "previous_response_id" ? `Previous response with id '${id}' not found.` : `Item with id '${id}' not found.`;
  return new GatewayError(400, "previous_response_not_found", message, { openAiType: "invalid_request_error", param });
}

/** The request's input as an item list (a string input is one user message). */
export function inputItemsOf(input: string | readonly ResponsesInputItem[] | undefined): ResponsesInputItem[] {
  if (input === undefined) return [];
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return [...input];
}

/** True when an item is a reference (typed, or typeless with only an id). */
export function isItemReference(item: ResponsesInputItem): boolean {
  return itemTypeOf(item) === "item_reference";
}

/** The input with every `item_reference` replaced by the owner's stored item. */
export async function resolveItemReferences(store: ResponseStore, owner: string, items: readonly ResponsesInputItem[]): Promise<ResponsesInputItem[]> {
  const references = items.filter(isItemReference).map((item) => String(item.id));
  if (references.length === 0) return [...items];
  const found = await store.findItems(owner, references);
  return items.map((item) => {
    if (!isItemReference(item)) return item;
    const stored = found.get(String(item.id));
    if (!stored) throw referenceNotFound(String(item.id), "input");
    return stored;
  });
}

/** The items of the chain ending at `previousResponseId`, oldest first: each response's input, then its output. */
export async function expandChain(store: ResponseStore, owner: string, previousResponseId: string): Promise<ResponsesInputItem[]> {
  const turns: ResponsesInputItem[][] = [];
  const seen = new Set<string>();
  let id: string | null = previousResponseId;
  while (id !== null) {
    if (seen.has(id) || seen.size >= MAXIMUM_CHAIN_LENGTH) throw referenceNotFound(id, "previous_response_id");
    seen.add(id);
    const stored = await store.find(owner, id);
    if (!stored) throw referenceNotFound(id, "previous_response_id");
    turns.push([...stored.input, ...(stored.response.output as ResponsesInputItem[])]);
    id = stored.previousResponseId;
  }
  return turns.reverse().flat();
}

/** A request's input with its references resolved: the chain's items, then its own (resolved) items. */
export interface ExpandedInput {
  /** Everything the upstream must see, oldest first. */
  items: ResponsesInputItem[];
  /** The request's own items, references resolved: what is stored with its response. */
  own: ResponsesInputItem[];
}

/** Expands `previous_response_id` and `item_reference`s of a request. */
export async function expandInput(
  store: ResponseStore,
  owner: string,
  body: { input?: string | readonly ResponsesInputItem[]; previous_response_id?: string | null },
): Promise<ExpandedInput> {
  const own = await resolveItemReferences(store, owner, inputItemsOf(body.input));
  if (!body.previous_response_id) return { items: own, own };
  // A passed-through turn may have stored references that only OpenAI resolved; resolve them now.
  const history = await resolveItemReferences(store, owner, await expandChain(store, owner, body.previous_response_id));
  return { items: [...history, ...own], own };
}
