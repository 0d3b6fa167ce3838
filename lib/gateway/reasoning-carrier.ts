/**
 * Reasoning that must not cross providers, carried through a client in the one opaque field that
 * client returns verbatim (an Anthropic thinking block's `signature`, a Responses reasoning item's
 * `encrypted_content`). The gateway seals what the upstream produced (a DeepSeek reasoning text,
 * an Anthropic signature and its thinking) with an HMAC, so a client cannot forge one, and opens
 * it on the next turn: it goes back to the same provider format and is dropped for any other.
 *
 * Sealed form: `mg1.<base64url(JSON)>.<base64url(HMAC-SHA256, 16 bytes)>`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ProviderFormat } from "../providers/provider-spec";

/** What a carrier holds. */
export type CarrierPayload =
  | { kind: "anthropic_thinking"; thinking: string; signature: string }
  | { kind: "anthropic_redacted"; data: string }
  | { kind: "deepseek_reasoning"; text: string };

/** A carrier's contents: the payload and where it came from. */
export type CarrierContents = CarrierPayload & {
  /** Format of the provider that produced the reasoning; only that format is sent it again. */
  format: ProviderFormat;
  /** The model that produced it (Anthropic signatures are bound to the model). */
  model: string;
};

const PREFIX = "mg1.";
/** Longest sealed value opened; anything longer is not ours. */
const MAXIMUM_SEALED_LENGTH = 4 * 1024 * 1024;

/** Seals and opens carriers with a key derived from a gateway secret. */
export class ReasoningCarrier {
  readonly #key: Buffer;

  /** @param secret a secret shared by every instance (the JWT secret); never used directly as the key */
  constructor(secret: string) {
    if (!secret) throw new Error("ReasoningCarrier needs a secret");
    this.#key = createHmac("sha256", secret).update("modelgate reasoning carrier v1").digest();
  }

  /** True when `value` has the carrier prefix (it may still fail to open). */
  static looksSealed(value: unknown): value is string {
    return typeof value === "string" && value.startsWith(PREFIX);
  }

  /** Seals contents into an opaque string. */
  seal(contents: CarrierContents): string {
    const body = Buffer.from(JSON.stringify(contents)).toString("base64url");
    return `${PREFIX}${body}.${this.#mac(body)}`;
  }

  /** The contents of a carrier this gateway sealed, or `null` for anything else (foreign, forged, malformed). */
  open(value: unknown): CarrierContents | null {
    if (!ReasoningCarrier.looksSealed(value) || value.length > MAXIMUM_SEALED_LENGTH) return null;
    const dot = value.lastIndexOf(".");
    if (dot <= PREFIX.length) return null;
    const body = value.slice(PREFIX.length, dot);
    const mac = Buffer.from(value.slice(dot + 1), "base64url");
    const expected = Buffer.from(this.#mac(body), "base64url");
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return null;
    try {
      const contents = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as CarrierContents;
      return typeof contents === "object" && contents !== null && typeof contents.kind === "string" ? contents : null;
    } catch {
      return null;
    }
  }

  #mac(body: string): string {
    return createHmac("sha256", this.#key).update(body).digest().subarray(0, 16).toString("base64url");
  }
}
