/**
 * Access hardening:
 * - `t_admin_users.token_version`: carried in every admin token and compared on each request,
 *   so logout and a password change revoke the user's older tokens.
 * - Stored usernames become their normalised form (NFKC, case-folded, no invisible characters),
 *   the form logins look up and lock out; on MySQL the column compares bytes, so its collation
 *   no longer merges names the application keeps apart. Two users that would merge stop the
 *   migration, naming both, before anything changes.
 * - Client keys' allowed models become `provider/model` entries: a bare code becomes the one
 *   catalogue model it names; a bare code naming no model or several is dropped, and unreadable
 *   text becomes an empty list, so no key gains access it did not have.
 * The rules are frozen copies: a migration keeps meaning what it meant when it ran.
 */
import { sql, type Kysely } from "kysely";
import type { SqlDialect } from "../connection";

const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cc}]/gu;

function normaliseUsername(raw: string): string {
  const visible = raw.normalize("NFKC").replace(INVISIBLE, "");
  return visible.toUpperCase().toLowerCase().normalize("NFKC").trim();
}

interface ModelName {
  providerCode: string;
  modelCode: string;
}

/** The `provider/model` entries a stored list means from now on; see the file comment. */
function pinAllowedModels(stored: string, providerCodes: Set<string>, models: ModelName[]): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const pinned: string[] = [];
  for (const entry of parsed) {
    if (typeof entry !== "string") continue;
    const slash = entry.indexOf("/");
    const prefix = slash > 0 ? entry.slice(0, slash) : "";
    const named =
      providerCodes.has(prefix) && models.some((model) => model.providerCode === prefix && model.modelCode === entry.slice(slash + 1))
        ? [entry]
        : models.filter((model) => model.modelCode === entry).map((model) => `${model.providerCode}/${model.modelCode}`);
    if (named.length === 1 && !pinned.includes(named[0])) pinned.push(named[0]);
  }
  return pinned;
}

/** Builds the up/down pair for a dialect. */
export function accessHardeningMigration(dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      // Every check first: MySQL commits DDL at once, so nothing may change before a refusal.
      const users = (await db.selectFrom("t_admin_users").select(["id", "username"]).orderBy("id").execute()) as Array<{ id: number; username: string }>;
      const byName = new Map<string, { id: number; username: string }>();
      const renames: Array<{ id: number; username: string }> = [];
      for (const user of users) {
        const normalised = normaliseUsername(user.username);
        if (normalised === "" || normalised.length > 64) {
          throw new Error(`admin user id ${user.id} has a username that is empty or longer than 64 characters once normalised; rename it and start again`);
        }
        const clash = byName.get(normalised);
        if (clash) {
          throw new Error(
            `admin users '${clash.username}' (id ${clash.id}) and '${user.username}' (id ${user.id}) have the same normalised username '${normalised}'; rename or delete one and start again`,
          );
        }
        byName.set(normalised, user);
        if (normalised !== user.username) renames.push({ id: user.id, username: normalised });
      }

      const providers = (await db.selectFrom("t_ai_providers").select(["id", "code"]).execute()) as Array<{ id: number; code: string }>;
      const providerCodes = new Map(providers.map((provider) => [Number(provider.id), provider.code]));
      const models: ModelName[] = ((await db.selectFrom("t_ai_models").select(["provider_id", "model_code"]).orderBy("id").execute()) as Array<{ provider_id: number; model_code: string }>)
        .filter((model) => providerCodes.has(Number(model.provider_id)))
        .map((model) => ({ providerCode: providerCodes.get(Number(model.provider_id))!, modelCode: model.model_code }));
      const clients = (await db.selectFrom("t_client_keys").select(["id", "allowed_models"]).where("allowed_models", "is not", null).execute()) as Array<{
        id: number;
        allowed_models: string;
      }>;

      await db.schema.alterTable("t_admin_users").addColumn("token_version", "integer", (column) => column.notNull().defaultTo(0)).execute();
      if (dialect === "mysql") {
        await sql`ALTER TABLE t_admin_users MODIFY username varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`.execute(db);
      }
      for (const rename of renames) {
        await db.updateTable("t_admin_users").set({ username: rename.username }).where("id", "=", rename.id).execute();
      }
      const codes = new Set(providerCodes.values());
      for (const client of clients) {
        const pinned = JSON.stringify(pinAllowedModels(client.allowed_models, codes, models));
        if (pinned !== client.allowed_models) await db.updateTable("t_client_keys").set({ allowed_models: pinned }).where("id", "=", client.id).execute();
      }
    },
    async down(db: Kysely<any>): Promise<void> {
      if (dialect === "mysql") {
        await sql`ALTER TABLE t_admin_users MODIFY username varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL`.execute(db);
      }
      await db.schema.alterTable("t_admin_users").dropColumn("token_version").execute();
    },
  };
}
