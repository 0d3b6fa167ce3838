/**
 * What every migration needs to write one DDL for SQLite and MySQL/MariaDB/PlanetScale.
 */
import { sql, type CreateTableBuilder } from "kysely";
import type { SqlDialect } from "../connection";

/** The auto-increment id type and table options for a dialect. */
export function ddlFor(dialect: SqlDialect) {
  return {
    /** SQLite's rowid alias must be exactly INTEGER; MySQL log tables outgrow INT. */
    idType: dialect === "sqlite" ? ("integer" as const) : ("bigint" as const),
    /** MariaDB defaults to latin1 on many installs; names and messages need utf8mb4. */
    tableOptions: <T extends string, C extends string>(builder: CreateTableBuilder<T, C>) =>
      dialect === "mysql" ? builder.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`) : builder,
  };
}
