/**
 * The gateway's store of answered responses (`t_gateway_responses`), per owner: a client key's responses are invisible to every other
 * key, so another key's id is as unknown as a made-up one. Output items are found by id for
 * `item_reference`: the gateway's own item ids name their response, so only items with other
 * ids (OpenAI's, from passed-through answers) need a row of their own in
 * `t_gateway_response_items`. Rows expire with the log retention.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../db/schema";
import type { Caller } from "../../http/app-env";
import type { Logger } from "../../logging/logger";
import type { ResponseObject } from "./response-object";
import { responseIdOfItem } from "./responses-ids";
import type { ResponsesInputItem } from "./responses-schemas";

/** What is kept of one response. */
export interface StoredResponse {
  id: string;
  previousResponseId: string | null;
  /** The request's own input items (references resolved; not the chain before it). */
  input: ResponsesInputItem[];
  response: ResponseObject;
}

/** A response to store. */
export interface NewStoredResponse {
  owner: string;
  response: ResponseObject;
  input: readonly ResponsesInputItem[];
  previousResponseId: string | null;
  providerId: number | null;
  model: string;
  createdAt: number;
}

/** The owner key of a caller: `client:<id>`, or `admin:<user id>` for admin JWTs. */
export function ownerOf(caller: Caller): string {
  return caller.kind === "client" ? `client:${caller.clientId}` : `admin:${caller.userId}`;
}

/** Reads and writes stored responses. */
export class ResponseStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
  ) {}

  /** Stores a response and its output items; failures are logged, never thrown (the answer is already out). */
  async save(entry: NewStoredResponse): Promise<void> {
    try {
      await this.db
        .insertInto("t_gateway_responses")
        .values({
          id: entry.response.id,
          owner: entry.owner,
          previous_response_id: entry.previousResponseId,
          provider_id: entry.providerId,
          model: entry.model.slice(0, 100),
          input_items: JSON.stringify(entry.input),
          response: JSON.stringify(entry.response),
          created_at: entry.createdAt,
        })
        .execute();
      const items = entry.response.output.filter((item) => typeof item.id === "string" && item.id !== "" && responseIdOfItem(item.id) === null);
      if (items.length > 0) {
        await this.db
          .insertInto("t_gateway_response_items")
          .values(items.map((item) => ({ item_id: item.id as string, response_id: entry.response.id, owner: entry.owner, item: JSON.stringify(item), created_at: entry.createdAt })))
          .execute();
      }
    } catch (error) {
      this.logger.error("storing a response failed", { responseId: entry.response.id, error });
    }
  }

  /** The owner's response with this id, or `null`. */
  async find(owner: string, id: string): Promise<StoredResponse | null> {
    const row = await this.db
      .selectFrom("t_gateway_responses")
      .select(["id", "previous_response_id", "input_items", "response"])
      .where("id", "=", id)
      .where("owner", "=", owner)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      previousResponseId: row.previous_response_id,
      input: JSON.parse(row.input_items) as ResponsesInputItem[],
      response: JSON.parse(row.response) as ResponseObject,
    };
  }

  /** The owner's stored output items with these ids (missing ones are absent from the map). */
  async findItems(owner: string, ids: readonly string[]): Promise<Map<string, ResponsesInputItem>> {
    const found = new Map<string, ResponsesInputItem>();
    const wanted = [...new Set(ids)];
    const responseIds = [...new Set(wanted.map(responseIdOfItem).filter((id): id is string => id !== null))];
    const others = wanted.filter((id) => responseIdOfItem(id) === null);
    if (responseIds.length > 0) {
      const rows = await this.db.selectFrom("t_gateway_responses").select("response").where("id", "in", responseIds).where("owner", "=", owner).execute();
      for (const row of rows) {
        for (const item of (JSON.parse(row.response) as ResponseObject).output) if (wanted.includes(item.id)) found.set(item.id, item as ResponsesInputItem);
      }
    }
    if (others.length > 0) {
      const rows = await this.db.selectFrom("t_gateway_response_items").select(["item_id", "item"]).where("item_id", "in", others).where("owner", "=", owner).execute();
      for (const row of rows) found.set(row.item_id, JSON.parse(row.item) as ResponsesInputItem);
    }
    return found;
  }

  /** Deletes the owner's response and its items; false when there was none. */
  async delete(owner: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom("t_gateway_responses").where("id", "=", id).where("owner", "=", owner).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return false;
    await this.db.deleteFrom("t_gateway_response_items").where("response_id", "=", id).execute();
    return true;
  }
}

/**
 * Deletes stored responses and items created before `cutoff`, `batchSize` rows per statement
 * (ids first, then a delete by id, which every dialect runs without a long lock).
 * @returns how many responses were deleted
 */
export async function purgeStoredResponses(db: Kysely<Database>, cutoff: number, batchSize = 1000, maxBatches = 1000): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await db.selectFrom("t_gateway_responses").select("id").where("created_at", "<", cutoff).orderBy("created_at").limit(batchSize).execute();
    if (rows.length === 0) break;
    const ids = rows.map((row) => row.id);
    await db.deleteFrom("t_gateway_response_items").where("response_id", "in", ids).execute();
    const result = await db.deleteFrom("t_gateway_responses").where("id", "in", ids).executeTakeFirst();
    deleted += Number(result.numDeletedRows);
    if (rows.length < batchSize) break;
  }
  return deleted;
}
