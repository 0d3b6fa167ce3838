/**
 * Tool-call ids between a Chat upstream and an Anthropic client. Anthropic ids must match
 * `^[a-zA-Z0-9_-]+$`, Chat ids are any string (`call_…`, `chatcmpl-tool-…`, Kimi's
 * `functions.Bash:0`). The mapping is deterministic (a resent history maps the same way every
 * turn), injective (two upstream ids never become one) and reversible, so the id the client
 * sends back in `tool_result.tool_use_id` turns into exactly the id the upstream minted.
 *
 * - An id made of allowed characters becomes `toolu_<id>`.
 * - Anything else (and an id that itself starts with the encoding marker) becomes
 *   `toolu_mgx_<base64url(id)>`; base64url uses only allowed characters.
 */

const ALLOWED = /^[a-zA-Z0-9_-]+$/;
const PREFIX = "toolu_";
/** Marks an encoded id; ids that start with it are encoded too, so the two forms never meet. */
const ENCODED_MARKER = "mgx_";

/** The Anthropic `tool_use.id` for an upstream (Chat) tool-call id. */
export function toAnthropicToolId(upstreamId: string): string {
  if (upstreamId !== "" && ALLOWED.test(upstreamId) && !upstreamId.startsWith(ENCODED_MARKER)) return `${PREFIX}${upstreamId}`;
  return `${PREFIX}${ENCODED_MARKER}${Buffer.from(upstreamId, "utf8").toString("base64url")}`;
}

/**
 * The upstream tool-call id for an id an Anthropic client sent (`tool_use.id`,
 * `tool_result.tool_use_id`): the inverse of {@link toAnthropicToolId}. Ids the gateway did not
 * mint (a history that began on Anthropic, ids a client made up) pass unchanged.
 */
export function toUpstreamToolId(anthropicId: string): string {
  if (!anthropicId.startsWith(PREFIX)) return anthropicId;
  const rest = anthropicId.slice(PREFIX.length);
  if (!rest.startsWith(ENCODED_MARKER)) return rest === "" ? anthropicId : rest;
  const encoded = rest.slice(ENCODED_MARKER.length);
  const decoded = Buffer.from(encoded, "base64url").toString("utf8");
  // Only a value this module encoded round-trips exactly; anything else is kept as the client sent it.
  return Buffer.from(decoded, "utf8").toString("base64url") === encoded ? decoded : anthropicId;
}
