/**
 * Incidents, de-duplication and delivery of alerts.
 *
 * An incident (`error_rate:overall`, `key_status:7`, …) has two markers in the shared limit store:
 * - `alert:open:<incident>` (long time to live): the incident is open, so a recovery is owed;
 * - `alert:window:<incident>` (`repeatAfterMs`): an alert went out in this window.
 * `limits.claim` is set-if-absent, so among concurrent checkers (several Lambdas, the local
 * scheduler and a manual run) exactly one sends each alert. Clearing probes the open marker with
 * a claim: won means nothing was open (the probe is released at once); lost means the incident
 * was open, so both markers are released and one recovery message goes out.
 *
 * Every message sent is recorded in `t_alert_history` with its delivery outcome.
 */
import type { AlertWebhookRow } from "../../db/schema";
import type { JobContext } from "../jobs/job-context";
import { ALERT_FORMATS, formatAlertBody, inferAlertFormat, messageText, webhookUrlHint, type AlertFormat, type AlertMessage } from "./alert-formats";
import { deliverWebhook, type DeliveryOptions } from "./webhook-delivery";

/** Options of {@link AlertNotifier}. */
export interface AlertNotifierOptions {
  /** An incident that stays open alerts again after this long. @default 3_600_000 (1 hour) */
  repeatAfterMs?: number;
  /** How long an open incident is remembered without being re-confirmed. @default 604_800_000 (7 days) */
  openTtlMs?: number;
  /** Retry settings of each webhook call (`fetch` and `sleep` come from the context). */
  delivery?: Omit<DeliveryOptions, "fetch" | "sleep">;
}

/** Where alerts go: an admin-managed webhook or `ALERT_WEBHOOK_URL`. */
export interface AlertTarget {
  /** Row id, or null for `ALERT_WEBHOOK_URL`. */
  webhookId: number | null;
  name: string;
  url: string;
  format: AlertFormat;
}

/** Outcome of sending one message to every target. */
export interface DispatchReport {
  /** True when at least one target accepted it. */
  delivered: boolean;
  targets: number;
  /** Per failed target: `name (host…): reason after N attempts`; never the full URL. */
  failures: string[];
}

/** Alert state and delivery for the scheduled checks. */
export class AlertNotifier {
  readonly #context: JobContext;
  readonly #repeatAfterMs: number;
  readonly #delivery: Omit<DeliveryOptions, "fetch" | "sleep">;
  /** How long an open incident is remembered (the `openTtlMs` option or its default). */
  readonly openTtlMs: number;

  constructor(context: JobContext, { repeatAfterMs = 3_600_000, openTtlMs = 604_800_000, delivery = {} }: AlertNotifierOptions = {}) {
    if (!(repeatAfterMs > 0) || !(openTtlMs >= repeatAfterMs)) throw new RangeError("need 0 < repeatAfterMs <= openTtlMs");
    this.#context = context;
    this.#repeatAfterMs = repeatAfterMs;
    this.openTtlMs = openTtlMs;
    this.#delivery = delivery;
  }

  /**
   * Marks an incident open and reports whether its alert is due now (true for exactly one caller
   * per `repeatAfterMs`). The caller then sends with {@link dispatch}.
   */
  async openIncident(incidentKey: string): Promise<boolean> {
    const { limits, clock } = this.#context;
    await limits.claim(`alert:open:${incidentKey}`, this.openTtlMs, clock.now());
    return limits.claim(`alert:window:${incidentKey}`, this.#repeatAfterMs, clock.now());
  }

  /** Lets the next {@link openIncident} alert again at once (after a delivery that reached no one). */
  async forgetWindow(incidentKey: string): Promise<void> {
    await this.#context.limits.release(`alert:window:${incidentKey}`);
  }

  /** Closes an incident; true when it was open (so a recovery message is owed). */
  async closeIncident(incidentKey: string): Promise<boolean> {
    const { limits, clock } = this.#context;
    const openName = `alert:open:${incidentKey}`;
    const wasClosed = await limits.claim(openName, 60_000, clock.now());
    await limits.release(openName);
    if (wasClosed) return false;
    await limits.release(`alert:window:${incidentKey}`);
    return true;
  }

  /** Sends an alert if one is due for its incident; returns whether it was sent. */
  async fire(message: Omit<AlertMessage, "state" | "time">): Promise<"sent" | "suppressed"> {
    if (!(await this.openIncident(message.incidentKey))) return "suppressed";
    await this.dispatchFiring({ ...message, state: "firing", time: this.#context.clock.now() }, [message.incidentKey]);
    return "sent";
  }

  /**
   * Sends an alert for incidents {@link openIncident} found due. When it reached none of the
   * configured targets, their windows are forgotten so the next run tries again instead of in
   * `repeatAfterMs`.
   */
  async dispatchFiring(message: AlertMessage, incidentKeys: readonly string[]): Promise<DispatchReport> {
    const report = await this.dispatch(message);
    if (!report.delivered && report.targets > 0) {
      for (const incidentKey of incidentKeys) await this.forgetWindow(incidentKey);
    }
    return report;
  }

  /** Sends a recovery message if the incident was open; returns whether it was. */
  async resolve(message: Omit<AlertMessage, "state" | "time">): Promise<"resolved" | "not_open"> {
    if (!(await this.closeIncident(message.incidentKey))) return "not_open";
    await this.dispatch({ ...message, state: "resolved", time: this.#context.clock.now() });
    return "resolved";
  }

  /** Active admin webhooks plus `ALERT_WEBHOOK_URL`. */
  async targets(): Promise<AlertTarget[]> {
    const rows = await this.#context.db.selectFrom("t_alert_webhooks").selectAll().where("is_active", "=", 1).orderBy("id").execute();
    const targets = rows.map(targetOf);
    const environmentUrl = this.#context.settings.alertWebhookUrl;
    if (environmentUrl) targets.push({ webhookId: null, name: "ALERT_WEBHOOK_URL", url: environmentUrl, format: inferAlertFormat(environmentUrl) });
    return targets;
  }

  /** Sends one message to every target (or the given ones) and records it in the history. */
  async dispatch(message: AlertMessage, only?: AlertTarget[]): Promise<DispatchReport> {
    const { logger, db } = this.#context;
    const targets = only ?? (await this.targets());
    const results = await Promise.all(
      targets.map(async (target) => ({
        target,
        result: await deliverWebhook(target.url, target.format, formatAlertBody(target.format, message), {
          ...this.#delivery,
          fetch: this.#context.fetch,
          sleep: this.#context.sleep,
        }),
      })),
    );
    const failures: string[] = [];
    for (const { target, result } of results) {
      if (result.ok) continue;
      const where = `${target.name} (${webhookUrlHint(target.url)})`;
      failures.push(`${where}: ${result.error} after ${result.attempts} attempt(s)`);
      logger.warn("alert webhook failed", { webhookId: target.webhookId, webhook: where, error: result.error, attempts: result.attempts, incident: message.incidentKey });
    }
    const delivered = results.some(({ result }) => result.ok);
    const deliveryError = targets.length === 0 ? "no webhook configured" : failures.length ? failures.join("; ").slice(0, 500) : null;
    try {
      await db
        .insertInto("t_alert_history")
        .values({
          kind: message.kind,
          incident_key: message.incidentKey.slice(0, 191),
          state: message.state,
          title: message.title.slice(0, 255),
          message: messageText(message),
          delivered: delivered ? 1 : 0,
          delivery_error: deliveryError,
          created_at: message.time,
        })
        .execute();
    } catch (error) {
      // The alert went out (or not) either way; a history write failure must not fail the check.
      logger.error("alert history write failed", { incident: message.incidentKey, error });
    }
    logger.info("alert dispatched", { incident: message.incidentKey, state: message.state, delivered, targets: targets.length });
    return { delivered, targets: targets.length, failures };
  }
}

/** A webhook row as a delivery target. */
export function targetOf(row: AlertWebhookRow): AlertTarget {
  const format = ALERT_FORMATS.find((value) => value === row.format) ?? "generic";
  return { webhookId: row.id, name: row.name, url: row.url, format };
}
