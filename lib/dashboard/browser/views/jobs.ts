/**
 * View "Jobs": the scheduled jobs with their schedule, last run and its result, the next run,
 * and "Run now".
 */
import { api, listOf } from "../api";
import { append, h, replace } from "../dom";
import { formatMs, formatTime, messageFor, t } from "../i18n";
import { registerView } from "../shell";
import { actionButton, isMissingApi, notice, statusBadge, table, unavailable } from "../ui";

/** A job as `GET /api/admin/jobs` lists it (both the older flat and the newer `lastRun` shape). */
interface Job {
  name: string;
  description?: string;
  schedule?: string | { cron: string; everyMs?: number };
  cron?: string;
  nextRunAt: string | null;
  lastRun?: { startedAt: string; finishedAt?: string | null; ok: boolean; result?: unknown; error?: string | null } | null;
  lastRunAt?: string | null;
  lastStatus?: string | null;
  lastSummary?: unknown;
}

interface RunResult {
  status: "ok" | "skipped" | "failed";
  durationMs?: number;
  error?: string;
}

function lastRunOf(job: Job): { at: string | null; status: string | null; detail: string } {
  if (job.lastRun !== undefined) {
    const run = job.lastRun;
    if (!run) return { at: null, status: null, detail: "" };
    return { at: run.startedAt, status: run.ok ? "ok" : "failed", detail: run.ok ? summaryText(run.result) : run.error ?? "" };
  }
  return { at: job.lastRunAt ?? null, status: job.lastStatus ?? null, detail: summaryText(job.lastSummary) };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/;

/** A job's summary object as `name: value` pairs (the job's own field names), times in the locale. */
function summaryText(summary: unknown): string {
  if (summary === null || summary === undefined) return "";
  if (typeof summary !== "object") return String(summary);
  return Object.entries(summary as Record<string, unknown>)
    .filter(([name]) => name !== "job")
    .map(([name, value]) => `${name}: ${typeof value === "string" && ISO_TIME.test(value) ? formatTime(value) : typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(", ");
}

async function renderJobsView(root: HTMLElement): Promise<void> {
  const listBox = h("section");
  append(root, [h("h1", null, t("jobs.title")), h("p", { className: "muted" }, t("jobs.intro")), listBox]);

  async function refresh(): Promise<void> {
    let jobs: Job[];
    try {
      jobs = listOf<Job>(await api("GET", "admin/jobs"));
    } catch (error) {
      if (isMissingApi(error)) return replace(listBox, unavailable(t("jobs.api")));
      throw error;
    }
    replace(listBox, table<Job>([
      { label: t("jobs.name"), key: "name", sticky: "start", render: (job) => [h("strong", null, job.name), h("div", { className: "muted small-text" }, messageFor("jobs.description", job.name, job.description ?? ""))] },
      { label: t("jobs.schedule"), key: "schedule", render: (job) => h("code", null, (typeof job.schedule === "object" ? job.schedule.cron : job.schedule) ?? job.cron ?? "—") },
      { label: t("jobs.lastRun"), key: "lastRun", render: (job) => formatTime(lastRunOf(job).at) },
      { label: t("jobs.result"), key: "result", className: "wrap", render: (job) => {
        const last = lastRunOf(job);
        return last.status ? [statusBadge(last.status), last.detail ? h("div", { className: "muted small-text data" }, last.detail) : null] : t("jobs.never");
      } },
      { label: t("jobs.nextRun"), key: "nextRun", render: (job) => formatTime(job.nextRunAt) },
      { label: t("common.actions"), key: "actions", sticky: "end", render: (job) => actionButton(t("jobs.runNow"), async () => {
        const result = await api<RunResult>("POST", `admin/jobs/${encodeURIComponent(job.name)}/run`);
        const key = result.status === "ok" ? "jobs.ran" : result.status === "skipped" ? "jobs.skipped" : "jobs.runFailed";
        notice(t(key, { name: job.name, duration: formatMs(result.durationMs), error: result.error ?? "" }), result.status === "failed" ? "error" : "ok");
        await refresh();
      }) },
    ], jobs, { id: "job-table", empty: t("common.empty"), rowAttrs: (job) => ({ "data-job": job.name }) }));
  }

  await refresh();
}

registerView("jobs", { title: "nav.jobs", render: renderJobsView });
