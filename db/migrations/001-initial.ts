/**
 * The five t_ai_* tables plus admin users and client keys, with the indexes their queries need.
 * Written with Kysely's schema builder so SQLite and MySQL/MariaDB/PlanetScale share one migration.
 */
import type { CreateTableBuilder, Kysely } from "kysely";
import type { SqlDialect } from "../connection";
import { ddlFor } from "./migration-helpers";

/** Builds the up/down pair for a dialect (SQLite and MySQL differ in id columns and table options). */
export function initialMigration(dialect: SqlDialect) {
  const { idType, tableOptions } = ddlFor(dialect);
  const id = <T extends string, C extends string>(builder: CreateTableBuilder<T, C>) =>
    builder.addColumn("id", idType, (column) => column.primaryKey().autoIncrement());

  return {
    async up(db: Kysely<any>): Promise<void> {
      await tableOptions(
        id(db.schema.createTable("t_ai_providers"))
          .addColumn("code", "varchar(32)", (c) => c.notNull().unique())
          .addColumn("name", "varchar(100)", (c) => c.notNull())
          .addColumn("base_url", "varchar(255)", (c) => c.notNull())
          .addColumn("api_format", "varchar(32)", (c) => c.notNull())
          .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("timeout_ms", "integer", (c) => c.notNull().defaultTo(60000))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull()),
      ).execute();

      await tableOptions(
        id(db.schema.createTable("t_ai_api_keys"))
          .addColumn("provider_id", "integer", (c) => c.notNull())
          .addColumn("key_name", "varchar(100)", (c) => c.notNull())
          .addColumn("api_key", "text", (c) => c.notNull())
          .addColumn("key_hint", "varchar(32)", (c) => c.notNull())
          .addColumn("priority", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("weight", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("rate_limit_rpm", "integer")
          .addColumn("rate_limit_tpm", "integer")
          .addColumn("rate_limit_rpd", "integer")
          .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("status", "varchar(20)", (c) => c.notNull().defaultTo("normal"))
          .addColumn("status_reason", "varchar(255)")
          .addColumn("status_changed_at", "bigint")
          .addColumn("cooldown_until", "bigint")
          .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("last_used_at", "bigint")
          .addColumn("last_error_at", "bigint")
          .addColumn("last_validated_at", "bigint")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex("idx_ai_api_keys_provider").on("t_ai_api_keys").columns(["provider_id", "priority"]).execute();

      await tableOptions(
        id(db.schema.createTable("t_ai_models"))
          .addColumn("provider_id", "integer", (c) => c.notNull())
          .addColumn("model_code", "varchar(100)", (c) => c.notNull())
          .addColumn("display_name", "varchar(100)", (c) => c.notNull())
          .addColumn("context_window", "integer", (c) => c.notNull())
          .addColumn("max_output_tokens", "integer", (c) => c.notNull())
          .addColumn("input_price_per_m", "double precision", (c) => c.notNull().defaultTo(0))
          .addColumn("output_price_per_m", "double precision", (c) => c.notNull().defaultTo(0))
          .addColumn("supports_streaming", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("supports_tools", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("supports_vision", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("uq_ai_models_provider_code", ["provider_id", "model_code"]),
      ).execute();

      await tableOptions(
        id(db.schema.createTable("t_ai_api_logs"))
          .addColumn("request_id", "varchar(64)", (c) => c.notNull())
          .addColumn("client_id", "integer")
          .addColumn("client_name", "varchar(100)")
          .addColumn("provider_id", "integer")
          .addColumn("key_id", "integer")
          .addColumn("model", "varchar(100)", (c) => c.notNull())
          .addColumn("status", "varchar(16)", (c) => c.notNull())
          .addColumn("http_status", "integer", (c) => c.notNull())
          .addColumn("error_code", "varchar(64)")
          .addColumn("error_message", "varchar(500)")
          .addColumn("prompt_tokens", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("completion_tokens", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("total_tokens", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("tokens_estimated", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("cost", "double precision", (c) => c.notNull().defaultTo(0))
          .addColumn("latency_ms", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("ttft_ms", "integer")
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("attempt_errors", "text")
          .addColumn("is_stream", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "bigint", (c) => c.notNull()),
      ).execute();
      // A request id is written once; the unique index also makes replaying stdout fallback lines idempotent.
      await db.schema.createIndex("uq_ai_api_logs_request").unique().on("t_ai_api_logs").column("request_id").execute();
      await db.schema.createIndex("idx_ai_api_logs_time").on("t_ai_api_logs").column("created_at").execute();
      await db.schema.createIndex("idx_ai_api_logs_provider_time").on("t_ai_api_logs").columns(["provider_id", "created_at"]).execute();
      await db.schema.createIndex("idx_ai_api_logs_key_time").on("t_ai_api_logs").columns(["key_id", "created_at"]).execute();
      await db.schema.createIndex("idx_ai_api_logs_status_time").on("t_ai_api_logs").columns(["status", "created_at"]).execute();
      await db.schema.createIndex("idx_ai_api_logs_client_time").on("t_ai_api_logs").columns(["client_id", "created_at"]).execute();

      await tableOptions(
        id(db.schema.createTable("t_ai_usage_stats"))
          .addColumn("hour_start", "bigint", (c) => c.notNull())
          .addColumn("provider_id", "integer", (c) => c.notNull())
          .addColumn("key_id", "integer", (c) => c.notNull())
          .addColumn("model", "varchar(100)", (c) => c.notNull())
          .addColumn("request_count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("success_count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error_count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("prompt_tokens", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("completion_tokens", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("total_tokens", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("cost", "double precision", (c) => c.notNull().defaultTo(0))
          .addColumn("avg_latency_ms", "double precision", (c) => c.notNull().defaultTo(0))
          .addColumn("p95_latency_ms", "double precision", (c) => c.notNull().defaultTo(0))
          .addColumn("max_latency_ms", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("uq_ai_usage_stats_bucket", ["hour_start", "provider_id", "key_id", "model"]),
      ).execute();

      await tableOptions(
        id(db.schema.createTable("t_admin_users"))
          .addColumn("username", "varchar(64)", (c) => c.notNull().unique())
          .addColumn("password_hash", "varchar(255)", (c) => c.notNull())
          .addColumn("role", "varchar(16)", (c) => c.notNull().defaultTo("admin"))
          .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("last_login_at", "bigint")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull()),
      ).execute();

      await tableOptions(
        id(db.schema.createTable("t_client_keys"))
          .addColumn("name", "varchar(100)", (c) => c.notNull())
          .addColumn("key_hash", "char(64)", (c) => c.notNull().unique())
          .addColumn("key_hint", "varchar(32)", (c) => c.notNull())
          .addColumn("allowed_models", "text")
          .addColumn("rate_limit_rpm", "integer")
          .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
          .addColumn("last_used_at", "bigint")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("revoked_at", "bigint"),
      ).execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const table of ["t_client_keys", "t_admin_users", "t_ai_usage_stats", "t_ai_api_logs", "t_ai_models", "t_ai_api_keys", "t_ai_providers"]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
