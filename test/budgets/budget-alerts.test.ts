/**
 * Budget alerts de-duplicated per period across instances: two gateway instances (two
 * BudgetAlerts over one shared store) send the soft-limit alert once between them, the next
 * period alerts afresh, and an alert that reached no webhook is tried again by a later request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BudgetAlerts } from "../../lib/budgets/budget-alerts";
import { periodBounds } from "../../lib/budgets/budget-periods";
import type { ClientBudget } from "../../lib/budgets/client-budgets";
import { startWebhookReceiver, type WebhookReceiver } from "../alerts/webhook-receiver";
import { createJobHarness, DAY, type JobHarness } from "../jobs/job-fixtures";

const budget: ClientBudget = { id: 7, clientId: 3, kind: "cost", period: "day", limit: 10, softLimitPercent: 80, timeZone: "UTC" };
const NANO = 1e9;

describe("budget alerts", () => {
  let receiver: WebhookReceiver;
  let harness: JobHarness;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    harness = await createJobHarness("sqlite", { env: { ALERT_WEBHOOK_URL: `${receiver.url}/hook` } });
  });
  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
  });

  const standing = (spentUsd: number) => ({ budget, clientName: "app", bounds: periodBounds("day", "UTC", harness.clock.now()), spentUnits: spentUsd * NANO });

  it("two instances send the soft-limit alert once per period, then once more the next day", async () => {
    const [first, second] = [new BudgetAlerts(harness.context), new BudgetAlerts(harness.context)];
    await first.afterSpend(standing(7.9));
    expect(receiver.received).toHaveLength(0);
    await Promise.all([first.afterSpend(standing(8)), second.afterSpend(standing(8.5)), second.afterSpend(standing(9))]);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].body).toMatchObject({ kind: "budget", state: "firing", details: { level: "soft", budgetId: 7, periodStart: "2026-11-26T00:00:00.000Z" } });
    expect(receiver.received[0].body.message).toContain("$8.000000 of $10.000000 (soft limit 80%)");

    // Exhausted is its own alert, also once.
    await Promise.all([first.afterSpend(standing(10)), second.refused(standing(10))]);
    expect(receiver.received.map((hook) => hook.body.details.level)).toEqual(["soft", "exhausted"]);

    harness.clock.advance(DAY);
    await second.afterSpend(standing(8.1));
    expect(receiver.received.map((hook) => hook.body.details.periodStart)).toEqual(["2026-11-26T00:00:00.000Z", "2026-11-26T00:00:00.000Z", "2026-11-27T00:00:00.000Z"]);
    const history = await harness.context.db.selectFrom("t_alert_history").select(["kind", "incident_key"]).where("kind", "=", "budget").execute();
    expect(history).toHaveLength(3);
  });

  it("an alert that reached no webhook is sent again by a later request", async () => {
    const alerts = new BudgetAlerts(harness.context);
    harness.clock.advance(DAY);
    receiver.reply("/hook", (attempt) => (attempt === 1 ? { status: 500 } : { status: 200 }));
    await alerts.afterSpend(standing(9));
    // One try only: the request that crossed the line waits for it.
    expect(receiver.received).toHaveLength(1);
    await alerts.afterSpend(standing(9.1));
    expect(receiver.received).toHaveLength(2);
    await alerts.afterSpend(standing(9.2));
    // One failed delivery, one delivered, then nothing more this period.
    const incidentKey = `budget_soft:7:${standing(0).bounds.start}`;
    const delivered = await harness.context.db.selectFrom("t_alert_history").select(["delivered"]).where("incident_key", "=", incidentKey).orderBy("id").execute();
    expect(delivered.map((row) => Number(row.delivered))).toEqual([0, 1]);
  });
});
