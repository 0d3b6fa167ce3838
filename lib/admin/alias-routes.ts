/**
 * /api/admin/ai-aliases: model aliases. An alias is a name (`smart`) standing for an ordered list
 * of catalogue models on any providers; a request for it tries them in turn (lib/gateway/model-chain.ts).
 *
 * Body: `{alias, description?, members: [{model: "provider/model", weight?}], isActive?}`.
 * - `alias`: letters, digits and `._:-` (no `/`, which names a provider), never a model code of the
 *   catalogue (a model always wins, so the alias would never be used), unique (409).
 * - `members`: 1 to 16 catalogue models, each once; a bare code must name exactly one model.
 *   Members are models only, never other aliases, so a chain cannot loop.
 * - Order: members are tried in the listed order. Consecutive members that all carry a `weight`
 *   share one position: per request, the first of them is each in proportion to its weight
 *   (smooth weighted round-robin), the others follow by weight. A member without a weight has a
 *   position of its own.
 * Renaming an alias renames it in client keys' allowed models too; deleting it removes it there,
 * so a later alias of the same name is not allowed to them by accident. Every change bumps the
 * catalogue version, so every instance uses it within seconds.
 */
import { Hono } from "hono";
import type { Kysely } from "kysely";
import * as z from "zod";
import type { Database, ModelAliasMemberRow, ModelAliasRow } from "../../db/schema";
import { loadAllowedModelNames, resolveAllowedModel } from "../auth/client-allowed-models";
import { parseAllowedModels } from "../auth/client-keys";
import { catalogueChanged } from "../catalogue/catalogue-version";
import { isUniqueViolation } from "../catalogue/database-errors";
import type { AppDeps } from "../deps";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { validate } from "../http/validation";
import { idParamSchema, plainTextSchema } from "./admin-schemas";

/** Most models one alias may list. */
const MAX_MEMBERS = 16;

const aliasFields = {
  alias: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, "must be 1-100 letters, digits or ._:- (no '/')"),
  description: plainTextSchema(500).nullable(),
  members: z
    .array(z.object({ model: plainTextSchema(201), weight: z.number().int().min(1).max(1000).optional() }).strict())
    .min(1, "must list at least one model")
    .max(MAX_MEMBERS, `must list at most ${MAX_MEMBERS} models`),
  isActive: z.boolean(),
};

/** `POST /api/admin/ai-aliases` body. */
export const aliasCreateSchema = z.object({ ...aliasFields, description: aliasFields.description.default(null), isActive: aliasFields.isActive.default(true) }).strict();

/** `PUT /api/admin/ai-aliases/:id` body: any field, at least one. */
export const aliasUpdateSchema = z
  .object(aliasFields)
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, "at least one field is required");

type MemberInput = z.infer<typeof aliasFields.members>[number];

/** A member as stored. */
type NewMember = Pick<ModelAliasMemberRow, "position" | "provider_id" | "model_code" | "weight">;

/** The catalogue's models with their provider ids, for resolving members and showing them. */
async function loadModels(db: Kysely<Database>) {
  const rows = await db
    .selectFrom("t_ai_models")
    .innerJoin("t_ai_providers", "t_ai_providers.id", "t_ai_models.provider_id")
    .select(["t_ai_providers.id as providerId", "t_ai_providers.code as providerCode", "t_ai_providers.is_active as providerActive", "t_ai_models.model_code as modelCode", "t_ai_models.is_active as modelActive"])
    .execute();
  return rows;
}

/** An alias as the admin API shows it; `available` says whether the member's model is in the catalogue and active. */
function aliasView(row: ModelAliasRow, members: ModelAliasMemberRow[], models: Awaited<ReturnType<typeof loadModels>>) {
  return {
    id: Number(row.id),
    alias: row.alias,
    description: row.description,
    isActive: row.is_active === 1,
    members: members.map((member) => {
      const model = models.find((candidate) => candidate.providerId === member.provider_id && candidate.modelCode === member.model_code);
      return {
        model: `${model?.providerCode ?? member.provider_id}/${member.model_code}`,
        weight: member.weight,
        position: member.position,
        available: model !== undefined && model.providerActive === 1 && model.modelActive === 1,
      };
    }),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/** Routes mounted at /api/admin/ai-aliases. */
export function aliasRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const app = new Hono<AppEnv>();

  const findAlias = async (id: number) => {
    const row = await db.selectFrom("t_model_aliases").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Model alias ${id} not found`);
    return row;
  };
  const membersOf = (aliasId: number) => db.selectFrom("t_model_alias_members").selectAll().where("alias_id", "=", aliasId).orderBy("position").orderBy("id").execute();
  const viewOf = async (id: number) => aliasView(await findAlias(id), await membersOf(id), await loadModels(db));

  /** The alias name must not be a model code: a model of that code would always be chosen instead. */
  const assertNotModelCode = async (alias: string) => {
    const model = await db.selectFrom("t_ai_models").select("id").where("model_code", "=", alias).executeTakeFirst();
    if (model) throw new ValidationError(`'${alias}' is a model code in the catalogue`, [{ field: "alias", message: `'${alias}' is a model code in the catalogue; an alias may not shadow a model` }]);
  };

  /**
   * The members to store, positions assigned.
   * @throws ValidationError 400 naming each member that is unknown, ambiguous, an alias or listed twice
   */
  const resolveMembers = async (members: readonly MemberInput[]): Promise<NewMember[]> => {
    const [models, names] = await Promise.all([loadModels(db), loadAllowedModelNames(db)]);
    const errors: Array<{ field: string; message: string }> = [];
    const resolved: NewMember[] = [];
    const seen = new Set<string>();
    let position = 0;
    members.forEach((member, index) => {
      const field = `members.${index}.model`;
      const resolution = resolveAllowedModel(member.model, names);
      if (resolution.kind === "ambiguous") return errors.push({ field, message: `'${member.model}' is offered by several providers; use one of: ${resolution.options.join(", ")}` });
      if (resolution.kind === "alias") return errors.push({ field, message: `'${member.model}' is a model alias; an alias lists models only` });
      if (resolution.kind === "unknown") return errors.push({ field, message: `'${member.model}' is not a model in the catalogue` });
      if (seen.has(resolution.entry)) return errors.push({ field, message: `'${resolution.entry}' is listed twice` });
      seen.add(resolution.entry);
      const slash = resolution.entry.indexOf("/");
      const model = models.find((candidate) => candidate.providerCode === resolution.entry.slice(0, slash) && candidate.modelCode === resolution.entry.slice(slash + 1))!;
      const previous = index > 0 ? members[index - 1] : undefined;
      // Consecutive weighted members share a position; anything else starts the next one.
      if (!(member.weight !== undefined && previous?.weight !== undefined)) position += 1;
      resolved.push({ position, provider_id: model.providerId, model_code: model.modelCode, weight: member.weight ?? null });
    });
    if (errors.length > 0) throw new ValidationError(`Invalid members: ${errors.map((error) => `${error.field}: ${error.message}`).join("; ")}`, errors);
    return resolved;
  };

  const replaceMembers = (trx: Kysely<Database>, aliasId: number, members: NewMember[]) =>
    trx
      .deleteFrom("t_model_alias_members")
      .where("alias_id", "=", aliasId)
      .execute()
      .then(() => trx.insertInto("t_model_alias_members").values(members.map((member) => ({ ...member, alias_id: aliasId }))).execute());

  /** Renames (or, with `to` null, removes) an alias name in every client key's allowed models. */
  const renameInClientLists = async (trx: Kysely<Database>, from: string, to: string | null) => {
    const clients = await trx.selectFrom("t_client_keys").select(["id", "allowed_models"]).where("allowed_models", "like", `%${JSON.stringify(from)}%`).execute();
    for (const client of clients) {
      const listed = parseAllowedModels(client.allowed_models) ?? [];
      if (!listed.includes(from)) continue;
      const renamed = listed.flatMap((entry) => (entry !== from ? [entry] : to === null || listed.includes(to) ? [] : [to]));
      await trx.updateTable("t_client_keys").set({ allowed_models: JSON.stringify(renamed) }).where("id", "=", client.id).execute();
    }
  };

  const duplicate = (alias: string) => new ConflictError(`A model alias named '${alias}' already exists`);

  app.get("/", async (c) => {
    const [aliases, members, models] = await Promise.all([
      db.selectFrom("t_model_aliases").selectAll().orderBy("alias").execute(),
      db.selectFrom("t_model_alias_members").selectAll().orderBy("position").orderBy("id").execute(),
      loadModels(db),
    ]);
    return c.json({ code: 200, data: aliases.map((row) => aliasView(row, members.filter((member) => member.alias_id === row.id), models)) });
  });

  app.post("/", validate("json", aliasCreateSchema), async (c) => {
    const body = c.req.valid("json");
    await assertNotModelCode(body.alias);
    const members = await resolveMembers(body.members);
    const now = deps.clock.now();
    let id: number;
    try {
      id = await db.transaction().execute(async (trx) => {
        const result = await trx
          .insertInto("t_model_aliases")
          .values({ alias: body.alias, description: body.description, is_active: body.isActive ? 1 : 0, created_at: now, updated_at: now })
          .executeTakeFirstOrThrow();
        const aliasId = Number(result.insertId);
        await replaceMembers(trx, aliasId, members);
        return aliasId;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(body.alias);
      throw error;
    }
    await catalogueChanged(deps);
    return c.json({ code: 200, data: await viewOf(id) });
  });

  app.get("/:id", validate("param", idParamSchema), async (c) => c.json({ code: 200, data: await viewOf(c.req.valid("param").id) }));

  app.put("/:id", validate("param", idParamSchema), validate("json", aliasUpdateSchema), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const existing = await findAlias(id);
    if (body.alias !== undefined && body.alias !== existing.alias) await assertNotModelCode(body.alias);
    const members = body.members === undefined ? undefined : await resolveMembers(body.members);
    try {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("t_model_aliases")
          .set({
            ...(body.alias !== undefined && { alias: body.alias }),
            ...(body.description !== undefined && { description: body.description }),
            ...(body.isActive !== undefined && { is_active: body.isActive ? 1 : 0 }),
            updated_at: deps.clock.now(),
          })
          .where("id", "=", id)
          .execute();
        if (members) await replaceMembers(trx, id, members);
        if (body.alias !== undefined && body.alias !== existing.alias) await renameInClientLists(trx, existing.alias, body.alias);
      });
    } catch (error) {
      if (isUniqueViolation(error) && body.alias !== undefined) throw duplicate(body.alias);
      throw error;
    }
    await catalogueChanged(deps);
    return c.json({ code: 200, data: await viewOf(id) });
  });

  app.delete("/:id", validate("param", idParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const existing = await findAlias(id);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom("t_model_alias_members").where("alias_id", "=", id).execute();
      await trx.deleteFrom("t_model_aliases").where("id", "=", id).execute();
      await renameInClientLists(trx, existing.alias, null);
    });
    await catalogueChanged(deps);
    return c.json({ code: 200, data: { id, deleted: true } });
  });

  return app;
}
