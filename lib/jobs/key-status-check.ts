/**
 * Key-status check (every 30 minutes): active provider keys whose status is not `normal`.
 *
 * Each key is its own incident (`key_status:<id>`), so a key that breaks while others already are
 * alerts at once rather than after the window. All keys due in one run go out as ONE message that
 * lists every broken key (name, provider, hint, status, reason, since when; never the key or its
 * ciphertext). Keys that were open and are now normal or disabled get one recovery message (a
 * deleted key's incident just expires). Only keys changed within the open-incident memory are probed for recovery, which keeps
 * the shared-state calls proportional to recent changes rather than to all keys.
 */
import { AlertNotifier, type AlertNotifierOptions } from "../alerts/alert-notifier";
import { redactSecrets } from "../logging/logger";
import type { JobContext } from "./job-context";

/** The job's name. */
export const KEY_STATUS_JOB = "key-status";

/** Options of {@link runKeyStatusCheck}. */
export interface KeyStatusOptions {
  /** Alert de-duplication and delivery settings; `openTtlMs` also bounds the recovery probe. */
  notifier?: AlertNotifierOptions;
}

/** A key that is not `normal`, as alerts and the summary show it. */
export interface BrokenKey {
  keyId: number;
  keyName: string;
  keyHint: string;
  provider: string;
  status: string;
  reason: string | null;
  /** Consecutive failed calls; a high count with a reason naming the ceiling means the key keeps failing. */
  consecutiveFailures: number;
  /** ISO time of the status change, when known. */
  since: string | null;
  cooldownUntil: string | null;
}

/** What a key-status run found and did. */
export interface KeyStatusSummary {
  job: typeof KEY_STATUS_JOB;
  broken: BrokenKey[];
  /** Key ids that were alerted in this run (new, or their window came round again). */
  alerted: number[];
  /** Key ids whose open incident closed in this run. */
  recovered: number[];
}

/** Lists broken keys, alerts on the due ones and resolves the recovered ones. */
export async function runKeyStatusCheck(context: JobContext, options: KeyStatusOptions = {}): Promise<KeyStatusSummary> {
  const { db, clock } = context;
  const now = clock.now();
  const notifier = new AlertNotifier(context, options.notifier);

  const rows = await db
    .selectFrom("t_ai_api_keys as key")
    .innerJoin("t_ai_providers as provider", "provider.id", "key.provider_id")
    .select([
      "key.id",
      "key.key_name",
      "key.key_hint",
      "key.status",
      "key.status_reason",
      "key.status_changed_at",
      "key.cooldown_until",
      "key.consecutive_failures",
      "key.is_active",
      "key.updated_at",
      "provider.name as provider_name",
    ])
    .orderBy("key.id")
    .execute();

  const broken: BrokenKey[] = rows
    .filter((row) => row.is_active === 1 && row.status !== "normal")
    .map((row) => ({
      keyId: row.id,
      keyName: row.key_name,
      keyHint: row.key_hint,
      provider: row.provider_name,
      status: row.status,
      // Reasons come from upstream error text; masked again in case one quoted a key.
      reason: row.status_reason === null ? null : redactSecrets(row.status_reason),
      consecutiveFailures: Number(row.consecutive_failures),
      since: row.status_changed_at === null ? null : new Date(Number(row.status_changed_at)).toISOString(),
      cooldownUntil: row.cooldown_until !== null && Number(row.cooldown_until) > now ? new Date(Number(row.cooldown_until)).toISOString() : null,
    }));

  const alerted: number[] = [];
  for (const key of broken) {
    if (await notifier.openIncident(`key_status:${key.keyId}`)) alerted.push(key.keyId);
  }
  if (alerted.length > 0) {
    await notifier.dispatchFiring(
      {
        kind: "key_status",
        incidentKey: `key_status:${alerted.join(",")}`,
        state: "firing",
        title: `${broken.length} provider key${broken.length === 1 ? "" : "s"} not normal`,
        lines: broken.map((key) => `- ${describeKey(key)}${alerted.includes(key.keyId) ? "" : " (already reported)"}`),
        details: { keys: broken },
        time: now,
      },
      alerted.map((keyId) => `key_status:${keyId}`),
    );
  }

  // Keys not broken now whose state changed recently may have an open incident to close.
  const brokenIds = new Set(broken.map((key) => key.keyId));
  const recentlyChanged = rows.filter(
    (row) => !brokenIds.has(row.id) && Math.max(Number(row.status_changed_at ?? 0), Number(row.updated_at)) >= now - notifier.openTtlMs,
  );
  const recovered: Array<{ keyId: number; text: string }> = [];
  for (const row of recentlyChanged) {
    if (await notifier.closeIncident(`key_status:${row.id}`)) {
      const state = row.is_active === 1 ? "back to normal" : `disabled (status ${row.status})`;
      recovered.push({ keyId: row.id, text: `- ${row.key_name} (${row.provider_name}, ${row.key_hint}): ${state}` });
    }
  }
  if (recovered.length > 0) {
    await notifier.dispatch({
      kind: "key_status",
      incidentKey: `key_status:${recovered.map((key) => key.keyId).join(",")}`,
      state: "resolved",
      title: `${recovered.length} provider key${recovered.length === 1 ? "" : "s"} recovered`,
      lines: [...recovered.map((key) => key.text), ...(broken.length ? [`${broken.length} other key(s) still not normal.`] : [])],
      details: { keyIds: recovered.map((key) => key.keyId), stillBroken: broken.length },
      time: now,
    });
  }
  return { job: KEY_STATUS_JOB, broken, alerted, recovered: recovered.map((key) => key.keyId) };
}

function describeKey(key: BrokenKey): string {
  const parts = [`${key.keyName} (${key.provider}, ${key.keyHint}): ${key.status}`];
  if (key.reason) parts.push(`— ${key.reason}`);
  if (key.since) parts.push(`since ${key.since}`);
  if (key.cooldownUntil) parts.push(`cooldown until ${key.cooldownUntil}`);
  return parts.join(" ");
}
