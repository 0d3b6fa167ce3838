/**
 * What reaches OpenAI's own Responses API when a request passes through. The client's bytes go
 * as they are unless the request carries something only this gateway understands:
 * - a `previous_response_id` or `item_reference` naming one of the gateway's responses (made by
 *   another provider earlier in the conversation): expanded into the items it stands for;
 * - items with the gateway's ids (`msg_mg…`, `fc_mg…`): sent without the id, which OpenAI would
 *   look up and not find;
 * - reasoning items sealed by the gateway for another provider: dropped (OpenAI cannot read
 *   them and would answer 400 `invalid_encrypted_content`), with a note in the log row.
 * References to OpenAI's own ids are left for OpenAI to resolve.
 */
import { ReasoningCarrier } from "../../gateway/reasoning-carrier";
import { dropped, type TranslationWarning } from "../../providers/provider-spec";
import { expandChain, inputItemsOf, isItemReference, referenceNotFound } from "./response-expansion";
import type { ResponseStore } from "./response-store";
import { isGatewayId } from "./responses-ids";
import type { ResponsesBody, ResponsesInputItem } from "./responses-schemas";

/** The body to forward, and what to store with the answer. */
export interface PassThroughBody {
  /** The text to send: the client's own when nothing had to change. */
  text: string;
  /** The request's own items, the gateway's references resolved (stored with the answer). */
  own: ResponsesInputItem[];
  warnings: TranslationWarning[];
}

/** True when an item is something only this gateway can make sense of. */
function isGatewayItem(item: ResponsesInputItem): boolean {
  return isGatewayId(item.id) || (item.type === "reasoning" && ReasoningCarrier.looksSealed(item.encrypted_content));
}

/** Resolves only the gateway's own item references; OpenAI's stay references. */
async function resolveOwnReferences(store: ResponseStore, owner: string, items: readonly ResponsesInputItem[]): Promise<ResponsesInputItem[]> {
  const ours = items.filter((item) => isItemReference(item) && isGatewayId(item.id)).map((item) => String(item.id));
  if (ours.length === 0) return [...items];
  const found = await store.findItems(owner, ours);
  return items.map((item) => {
    if (!isItemReference(item) || !isGatewayId(item.id)) return item;
    const stored = found.get(String(item.id));
    if (!stored) throw referenceNotFound(String(item.id), "input");
    return stored;
  });
}

/** Items as OpenAI may be sent them: the gateway's ids removed, its sealed reasoning dropped. */
function forOpenAi(items: readonly ResponsesInputItem[], warnings: TranslationWarning[]): ResponsesInputItem[] {
  const sent: ResponsesInputItem[] = [];
  items.forEach((item, index) => {
    if (item.type === "reasoning" && (ReasoningCarrier.looksSealed(item.encrypted_content) || isGatewayId(item.id))) {
      warnings.push(dropped(`input[${index}]`, "reasoning produced by another provider cannot be sent to OpenAI and was dropped"));
      return;
    }
    if (isGatewayId(item.id) && !isItemReference(item)) {
      const { id: _id, ...withoutId } = item;
      sent.push(withoutId as ResponsesInputItem);
      return;
    }
    sent.push(item);
  });
  return sent;
}

/**
 * The body for a request that passes through to OpenAI.
 * @throws GatewayError 400 `previous_response_not_found` for a gateway id the caller may not use
 */
export async function passThroughBody(store: ResponseStore, owner: string, body: ResponsesBody, text: string): Promise<PassThroughBody> {
  const items = inputItemsOf(body.input);
  const ownChain = isGatewayId(body.previous_response_id);
  if (!ownChain && !items.some((item) => isGatewayItem(item) || (isItemReference(item) && isGatewayId(item.id)))) {
    return { text, own: items, warnings: [] };
  }
  const own = await resolveOwnReferences(store, owner, items);
  const history = ownChain ? await resolveOwnReferences(store, owner, await expandChain(store, owner, body.previous_response_id!)) : [];
  const warnings: TranslationWarning[] = [];
  const rewritten: Record<string, unknown> = { ...body, input: forOpenAi([...history, ...own], warnings) };
  if (ownChain) delete rewritten.previous_response_id;
  return { text: JSON.stringify(rewritten), own, warnings };
}
