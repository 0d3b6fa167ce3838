/**
 * Ids on the Responses surface. The gateway's own ids carry `mg` right after the type prefix
 * (`resp_mg…`, `msg_mg…`, `rs_mg…`, `fc_mg…`): OpenAI's ids are hex after the prefix, so ours can
 * never be mistaken for theirs, and a request that references ours is resolved here instead of
 * being forwarded to an upstream that never saw them. Tool-call ids and names are mapped with
 * deterministic, injective functions so a history the client re-sends maps the same way every turn.
 */
import { createHash, randomUUID } from "node:crypto";

/** Longest `call_id` (and tool name) the Responses API accepts. */
export const MAXIMUM_CALL_ID_LENGTH = 64;
/** Separator between a namespace and its tool's name in a flattened tool name. */
export const NAMESPACE_SEPARATOR = "__";

const OWN_ID = /^(resp|msg|rs|fc|ctc)_mg[0-9a-z]+/;

/** True for an id this gateway minted (a response or one of its items). */
export function isGatewayId(id: unknown): id is string {
  return typeof id === "string" && OWN_ID.test(id);
}

/**
 * A fresh key shared by a response and its items: random, not the request id, which a client
 * may choose (`x-request-id`) and repeat.
 */
export function newResponseKey(): string {
  // 122 random bits from the pooled UUID source: a fifth of randomBytes(16)'s cost per call.
  return randomUUID().replaceAll("-", "");
}

/** Mints the ids of one response: the response itself and its items, numbered in output order. */
export function responseIds(key: string) {
  return {
    response: `resp_mg${key}`,
    message: (index: number) => `msg_mg${key}_${index}`,
    reasoning: (index: number) => `rs_mg${key}_${index}`,
    functionCall: (index: number) => `fc_mg${key}_${index}`,
    customToolCall: (index: number) => `ctc_mg${key}_${index}`,
  };
}

/** The response an item id of this gateway belongs to (`msg_mg<key>_2` -> `resp_mg<key>`), or `null`. */
export function responseIdOfItem(itemId: string): string | null {
  const match = /^(?:msg|rs|fc|ctc)_mg([0-9a-z]+)_\d+$/.exec(itemId);
  return match ? `resp_mg${match[1]}` : null;
}

/** The ids of one response. */
export type ResponseIds = ReturnType<typeof responseIds>;

const hash8 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);

/**
 * Shortens a name or id to `limit` characters with the characters Responses and Anthropic both
 * accept (`[A-Za-z0-9_-]`). Unchanged when already valid; otherwise invalid characters become
 * `_` and an 8-hex hash of the original is appended, so distinct inputs stay distinct.
 */
export function safeIdentifier(value: string, limit = MAXIMUM_CALL_ID_LENGTH): string {
  if (value.length > 0 && value.length <= limit && /^[A-Za-z0-9_-]+$/.test(value)) return value;
  const cleaned = value.replace(/[^A-Za-z0-9_-]/g, "_");
  return `${cleaned.slice(0, limit - 9)}_${hash8(value)}`;
}

/** The Responses `call_id` for an upstream tool-call id (`call_…`, `toolu_…`, anything). */
export function callIdOf(upstreamId: string): string {
  return safeIdentifier(upstreamId || "call");
}

/** The flat (canonical) name of a tool, namespaced or not. */
export function flatToolName(name: string, namespace?: string | null): string {
  return namespace ? safeIdentifier(`${namespace}${NAMESPACE_SEPARATOR}${name}`) : name;
}

/**
 * Maps flat tool names back to what the client declared, so a call the model makes to
 * `ns__tool` comes back as `{namespace: "ns", name: "tool"}` and custom tools as custom calls.
 */
export class ToolNames {
  readonly #declared = new Map<string, { name: string; namespace?: string; custom: boolean }>();

  /** Remembers a declared tool under its flat name and returns that name. */
  declare(name: string, namespace: string | undefined, custom: boolean): string {
    const flat = flatToolName(name, namespace);
    this.#declared.set(flat, { name, ...(namespace ? { namespace } : {}), custom });
    return flat;
  }

  /** The declared name, namespace and kind for a flat name (unknown names come back as they are). */
  resolve(flat: string): { name: string; namespace?: string; custom: boolean } {
    return this.#declared.get(flat) ?? { name: flat, custom: false };
  }

  /** True when some declared tool has this flat name. */
  has(flat: string): boolean {
    return this.#declared.has(flat);
  }
}
