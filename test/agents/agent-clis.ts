/**
 * The real coding-agent CLIs, run headless: Claude Code (`claude -p`) and Codex (`codex exec`),
 * installed by `.ci/run` into a cache outside the project's dependencies. Each run gets its own
 * temporary HOME (no login, no user settings), talks only to the 127.0.0.1 URL it is given,
 * runs in its own process group and is killed with that group when it outlives its bound.
 * Without the binaries the suites are skipped with a notice, except under CI=true.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { isCi } from "../support/services";

/** Where `.ci/run` installs the CLIs (`MODELGATE_AGENT_CLI_DIR` overrides). */
export const AGENT_CLI_DIR = process.env.MODELGATE_AGENT_CLI_DIR || join(homedir(), ".cache", "modelgate-agent-clis");
const binDirectory = join(AGENT_CLI_DIR, "node_modules", ".bin");
/** The Claude Code binary. */
export const CLAUDE_PATH = join(binDirectory, "claude");
/** The Codex binary. */
export const CODEX_PATH = join(binDirectory, "codex");

/** Longest a single CLI run may take before its process group is killed. */
export const AGENT_RUN_TIMEOUT_MS = 60_000;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether both CLIs are installed; prints why not, or throws under CI. */
export function agentClisAvailable(suite: string): boolean {
  const missing = [CLAUDE_PATH, CODEX_PATH].filter((path) => !executable(path));
  if (missing.length === 0) return true;
  const hint = "run .ci/run, or npm install @anthropic-ai/claude-code @openai/codex into that folder";
  if (isCi) throw new Error(`${suite}: ${missing.join(", ")} required under CI=true (${hint})`);
  process.stdout.write(`[skip] ${suite}: ${missing.join(", ")} missing; ${hint}\n`);
  return false;
}

/** How a CLI run ended. */
export interface AgentRun {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The agent's final message (Codex `--output-last-message`; Claude Code's stdout). */
  finalMessage: string;
  durationMs: number;
}

/** Process groups still running; killed if the test process exits first. */
const runningGroups = new Set<number>();
process.once("exit", () => {
  for (const group of runningGroups) killGroup(group);
});

function killGroup(group: number): void {
  try {
    process.kill(-group, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Runs a command in its own process group with stdin closed; kills the whole group at the bound or when it ends. */
function runBounded(command: string, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<Omit<AgentRun, "finalMessage">> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const group = child.pid;
    if (group === undefined) return reject(new Error(`could not start ${command}`));
    runningGroups.add(group);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(group);
    }, options.timeoutMs);
    child.once("error", reject);
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      // Whatever the CLI left behind (shells it started) goes with it.
      killGroup(group);
      runningGroups.delete(group);
      resolve({ exitCode, timedOut, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** A temporary HOME and working folder for one run, removed by `dispose`. */
function scratch(prefix: string): { home: string; workdir: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const home = join(root, "home");
  const workdir = join(root, "work");
  mkdirSync(home);
  mkdirSync(workdir);
  return { home, workdir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Settings every CLI run shares: a clean PATH and locale, nothing inherited from the test process. */
function baseEnvironment(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", TERM: "dumb", NO_COLOR: "1" };
}

/** What a run talks to and asks. */
export interface AgentRunOptions {
  /** Claude Code: the origin (no `/v1`); Codex: the origin too (`/v1` is appended). */
  origin: string;
  apiKey: string;
  model: string;
  prompt: string;
  timeoutMs?: number;
}

/** Claude Code headless, allowed to run `echo` only, every side channel switched off. */
export async function runClaudeCode(options: AgentRunOptions): Promise<AgentRun> {
  const folders = scratch("modelgate-claude-");
  try {
    const env = {
      ...baseEnvironment(folders.home),
      ANTHROPIC_BASE_URL: options.origin,
      ANTHROPIC_AUTH_TOKEN: options.apiKey,
      // Background and tier-alias calls use the same model, so every call goes where the test says.
      ANTHROPIC_MODEL: options.model,
      ANTHROPIC_SMALL_FAST_MODEL: options.model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: options.model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: options.model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: options.model,
      CLAUDE_CODE_SUBAGENT_MODEL: options.model,
      CLAUDE_CODE_MAX_RETRIES: "1",
      DISABLE_TELEMETRY: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_ERROR_REPORTING: "1",
      DISABLE_BUG_COMMAND: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: "1",
      CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: "1",
      CLAUDE_CODE_DISABLE_TERMINAL_TITLE: "1",
      CLAUDE_CODE_DISABLE_CLAUDE_MDS: "1",
      CLAUDE_CODE_DISABLE_AUTO_MEMORY: "1",
    };
    const args = ["-p", options.prompt, "--model", options.model, "--allowedTools", "Bash(echo:*)"];
    const run = await runBounded(CLAUDE_PATH, args, { cwd: folders.workdir, env, timeoutMs: options.timeoutMs ?? AGENT_RUN_TIMEOUT_MS });
    return { ...run, finalMessage: run.stdout.trim() };
  } finally {
    folders.dispose();
  }
}

/** Codex `exec` on a custom Responses provider named `gw` (not "OpenAI": that turns on remote compaction). */
export async function runCodex(options: AgentRunOptions): Promise<AgentRun> {
  const folders = scratch("modelgate-codex-");
  try {
    mkdirSync(join(folders.home, ".codex"));
    writeFileSync(
      join(folders.home, ".codex", "config.toml"),
      [
        `model_provider = "gw"`,
        `model = ${JSON.stringify(options.model)}`,
        // Nothing but the gateway: no update check, no analytics, no plugin sync from GitHub, no app catalogue.
        `check_for_update_on_startup = false`,
        `[analytics]`,
        `enabled = false`,
        `[features]`,
        `plugins = false`,
        `remote_plugin = false`,
        `apps = false`,
        `[model_providers.gw]`,
        `name = "gw"`,
        `base_url = ${JSON.stringify(`${options.origin}/v1`)}`,
        `env_key = "GW_KEY"`,
        `wire_api = "responses"`,
        `request_max_retries = 1`,
        `stream_max_retries = 1`,
        `stream_idle_timeout_ms = 30000`,
        "",
      ].join("\n"),
    );
    const lastMessageFile = join(folders.workdir, "..", "last-message.txt");
    const env = { ...baseEnvironment(folders.home), GW_KEY: options.apiKey, CODEX_HOME: join(folders.home, ".codex") };
    const args = ["exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", "--ephemeral", "--color", "never", "-o", lastMessageFile, options.prompt];
    const run = await runBounded(CODEX_PATH, args, { cwd: folders.workdir, env, timeoutMs: options.timeoutMs ?? AGENT_RUN_TIMEOUT_MS });
    let finalMessage = "";
    try {
      finalMessage = readFileSync(lastMessageFile, "utf8").trim();
    } catch {
      // No final message: the run failed; stdout and stderr say why.
    }
    return { ...run, finalMessage };
  } finally {
    folders.dispose();
  }
}

/** A run's output for a failed assertion's message. */
export function describeRun(run: AgentRun): string {
  return [`exit ${run.exitCode}${run.timedOut ? " (killed at the time bound)" : ""} after ${run.durationMs} ms`, `final: ${run.finalMessage}`, `stdout:\n${run.stdout.slice(-3000)}`, `stderr:\n${run.stderr.slice(-3000)}`].join("\n");
}
