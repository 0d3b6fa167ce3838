/**
 * Writes and reads `t_admin_audit_log`. Entries are listed newest first with keyset pagination
 * on the id (`cursor` = the last id seen), which stays fast and stable while entries are added.
 */
import type { Kysely } from "kysely";
import type { AdminAuditLogRow, Database } from "../../db/schema";

/** One change to record. */
export interface AuditEntry {
  at: number;
  adminUserId: number | null;
  adminUsername: string;
  action: string;
  targetType: string;
  targetId: string | null;
  summary: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
}

/** Filters of the list and the export. */
export interface AuditFilter {
  from?: number;
  to?: number;
  adminUserId?: number;
  action?: string;
  targetType?: string;
  /** Entries with an id below this one (the previous page's `nextCursor`). */
  cursor?: number;
}

/** Inserts one entry. */
export async function writeAuditEntry(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("t_admin_audit_log")
    .values({
      created_at: entry.at,
      admin_user_id: entry.adminUserId,
      admin_username: entry.adminUsername.slice(0, 64),
      action: entry.action.slice(0, 64),
      target_type: entry.targetType.slice(0, 32),
      target_id: entry.targetId === null ? null : entry.targetId.slice(0, 64),
      summary: JSON.stringify(entry.summary),
      ip: entry.ip === null ? null : entry.ip.slice(0, 64),
      request_id: entry.requestId === null ? null : entry.requestId.slice(0, 64),
    })
    .execute();
}

/** Up to `limit` entries matching `filter`, newest first. */
export async function readAuditEntries(db: Kysely<Database>, filter: AuditFilter, limit: number): Promise<AdminAuditLogRow[]> {
  let query = db.selectFrom("t_admin_audit_log").selectAll().orderBy("id", "desc").limit(limit);
  if (filter.from !== undefined) query = query.where("created_at", ">=", filter.from);
  if (filter.to !== undefined) query = query.where("created_at", "<", filter.to);
  if (filter.adminUserId !== undefined) query = query.where("admin_user_id", "=", filter.adminUserId);
  if (filter.action !== undefined) query = query.where("action", "=", filter.action);
  if (filter.targetType !== undefined) query = query.where("target_type", "=", filter.targetType);
  if (filter.cursor !== undefined) query = query.where("id", "<", filter.cursor);
  return query.execute();
}

function parseSummary(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** An entry as the admin API shows it. */
export function auditView(row: AdminAuditLogRow) {
  return {
    id: Number(row.id),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    adminUserId: row.admin_user_id === null ? null : Number(row.admin_user_id),
    adminUsername: row.admin_username,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    summary: parseSummary(row.summary),
    ip: row.ip,
    requestId: row.request_id,
  };
}
