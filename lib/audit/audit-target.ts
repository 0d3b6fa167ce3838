/**
 * What an admin change was, read from the route that served it, so a new route is named without
 * anyone writing a line for it: `POST /api/admin/clients` is `client.create`,
 * `PUT /api/admin/ai-providers/keys/:keyId` is `key.update` of that key,
 * `POST /api/admin/jobs/:name/run` is `job.run` of that job.
 */

/** What an audit entry says was changed. */
export interface AuditTarget {
  action: string;
  targetType: string;
  targetId: string | null;
  /** Ids of the rows the target sits under, e.g. `{ providerId: "3" }` for a key added to provider 3. */
  parents: Record<string, string>;
}

/** Final path words that are a verb on the target before them, not a collection. */
const ACTION_VERBS = new Set(["validate", "run", "test", "rotate", "reset"]);

/** Routes whose path alone does not say it well; `ofCaller`: the target is the admin calling. */
const NAMED_ROUTES: Record<string, { action: string; targetType: string; ofCaller?: true }> = {
  "POST /api/auth/password": { action: "user.password_change", targetType: "user", ofCaller: true },
};

const METHOD_VERBS: Record<string, string> = { POST: "create", PUT: "update", PATCH: "update", DELETE: "delete" };

/** `ai-providers` -> `provider`, `clients` -> `client`, `ai-aliases` -> `alias`. */
export function singularType(segment: string): string {
  const name = segment.replace(/^ai-/, "");
  if (name.endsWith("ases")) return name.slice(0, -2);
  return name.endsWith("s") ? name.slice(0, -1) : name;
}

/**
 * @param routePath the matched route, e.g. `/api/admin/ai-providers/:id/keys`
 * @param params its path parameters
 * @param createdId the id a create answered with, for routes whose path holds none
 * @param callerId the calling admin's user id
 */
export function auditTarget(method: string, routePath: string, params: Record<string, string>, createdId: string | null, callerId: number): AuditTarget {
  const named = NAMED_ROUTES[`${method} ${routePath}`];
  if (named) return { action: named.action, targetType: named.targetType, targetId: named.ofCaller ? String(callerId) : createdId, parents: {} };
  const segments = routePath.replace(/^\/api\/(admin|auth)\/?/, "").split("/").filter(Boolean);
  let verb = METHOD_VERBS[method] ?? method.toLowerCase();
  const last = segments.at(-1);
  if (last !== undefined && !last.startsWith(":") && ACTION_VERBS.has(last) && segments.length > 1) {
    verb = last;
    segments.pop();
  }
  let typeIndex = segments.length - 1;
  while (typeIndex > 0 && segments[typeIndex].startsWith(":")) typeIndex--;
  const targetType = singularType(segments[typeIndex] ?? "admin");
  const idSegment = segments[typeIndex + 1];
  const parents: Record<string, string> = {};
  segments.slice(0, typeIndex).forEach((segment, index) => {
    const owner = segments[index - 1];
    if (segment.startsWith(":") && owner !== undefined && params[segment.slice(1)] !== undefined) parents[`${singularType(owner)}Id`] = params[segment.slice(1)];
  });
  // A route on a sub-resource with no id of its own (PUT /clients/:id/budgets) is about its parent row.
  const ownId = idSegment?.startsWith(":") ? (params[idSegment.slice(1)] ?? null) : createdId;
  const targetId = ownId ?? Object.values(parents).at(-1) ?? null;
  return { action: `${targetType}.${verb}`, targetType, targetId, parents };
}
