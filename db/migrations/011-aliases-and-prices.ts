/**
 * Model aliases and price history:
 * - `t_model_aliases` (+ `t_model_alias_members`): a name such as `smart` standing for an ordered
 *   list of catalogue models on any providers, tried in turn when one has no usable key;
 * - `t_model_prices`: each model's prices with the moment they take effect, so a price change
 *   applies from then on and the cost of earlier requests stays what it was. Every existing
 *   model gets one row in effect since the epoch with the prices it has now;
 * - log columns: what the client asked for (`requested_model`, e.g. the alias), every model
 *   tried (`models_tried`), and the cache and reasoning tokens the upstream reported.
 * None is a `t_ai_` table, so `SHOW TABLES LIKE 't_ai_%'` still lists the five product tables.
 */
import type { Kysely } from "kysely";
import type { SqlDialect } from "../connection";
import { ddlFor } from "./migration-helpers";

/** Builds the up/down pair for a dialect. */
export function aliasesAndPricesMigration(dialect: SqlDialect) {
  const { idType, tableOptions } = ddlFor(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await tableOptions(
        db.schema
          .createTable("t_model_aliases")
          .addColumn("id", idType, (c) => c.primaryKey().autoIncrement())
          .addColumn("alias", "varchar(100)", (c) => c.notNull().unique())
          .addColumn("description", "varchar(500)")
          .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull()),
      ).execute();
      await tableOptions(
        db.schema
          .createTable("t_model_alias_members")
          .addColumn("id", idType, (c) => c.primaryKey().autoIncrement())
          .addColumn("alias_id", "integer", (c) => c.notNull())
          .addColumn("position", "integer", (c) => c.notNull())
          .addColumn("provider_id", "integer", (c) => c.notNull())
          .addColumn("model_code", "varchar(100)", (c) => c.notNull())
          .addColumn("weight", "integer")
          .addUniqueConstraint("uq_model_alias_members_model", ["alias_id", "provider_id", "model_code"]),
      ).execute();

      await tableOptions(
        db.schema
          .createTable("t_model_prices")
          .addColumn("id", idType, (c) => c.primaryKey().autoIncrement())
          .addColumn("model_id", "integer", (c) => c.notNull())
          .addColumn("effective_from", "bigint", (c) => c.notNull())
          .addColumn("input_price_per_m", "double precision", (c) => c.notNull())
          .addColumn("output_price_per_m", "double precision", (c) => c.notNull())
          .addColumn("cache_read_price_per_m", "double precision")
          .addColumn("cache_write_price_per_m", "double precision")
          .addColumn("cache_write_1h_price_per_m", "double precision")
          .addColumn("source", "varchar(255)")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("uq_model_prices_effective", ["model_id", "effective_from"]),
      ).execute();
      const models = (await db.selectFrom("t_ai_models").select(["id", "input_price_per_m", "output_price_per_m", "created_at"]).execute()) as Array<{
        id: number;
        input_price_per_m: number;
        output_price_per_m: number;
        created_at: number;
      }>;
      const now = Date.now();
      for (const model of models) {
        await db
          .insertInto("t_model_prices")
          .values({
            model_id: model.id,
            effective_from: 0,
            input_price_per_m: Number(model.input_price_per_m),
            output_price_per_m: Number(model.output_price_per_m),
            source: "catalogue price before price history",
            created_at: now,
          })
          .execute();
      }

      for (const column of ["cache_read_tokens", "cache_write_tokens", "reasoning_tokens"]) {
        await db.schema.alterTable("t_ai_api_logs").addColumn(column, "integer", (c) => c.notNull().defaultTo(0)).execute();
      }
      await db.schema.alterTable("t_ai_api_logs").addColumn("requested_model", "varchar(100)").execute();
      await db.schema.alterTable("t_ai_api_logs").addColumn("models_tried", "varchar(1000)").execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const column of ["models_tried", "requested_model", "reasoning_tokens", "cache_write_tokens", "cache_read_tokens"]) {
        await db.schema.alterTable("t_ai_api_logs").dropColumn(column).execute();
      }
      for (const table of ["t_model_prices", "t_model_alias_members", "t_model_aliases"]) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
