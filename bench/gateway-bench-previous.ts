/**
 * The previous release as a checkout of its own: a detached git worktree of its commit in a
 * temporary folder, with the project's node_modules linked in (its dependencies are a subset of
 * today's), so the benchmark can run it side by side with the current code.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The last commit before the front-door work: the release whose chat path is the "before"
 * baseline.
 */
export const PREVIOUS_RELEASE = "a602597";

/** A checked-out release and how to remove it again. */
export interface ReleaseCheckout {
  root: string;
  commit: string;
  remove(): void;
}

/** Checks out `commit` of the repository at `projectRoot`; throws with git's message when it cannot. */
export function checkOutRelease(projectRoot: string, commit = PREVIOUS_RELEASE): ReleaseCheckout {
  const root = join(mkdtempSync(join(tmpdir(), "modelgate-bench-release-")), "checkout");
  const git = (...args: string[]) => execFileSync("git", ["-C", projectRoot, ...args], { stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
  git("worktree", "add", "--detach", root, commit);
  symlinkSync(realpathSync(join(projectRoot, "node_modules")), join(root, "node_modules"));
  let removed = false;
  return {
    root,
    commit: git("rev-parse", "--short", commit),
    remove() {
      if (removed) return;
      removed = true;
      try {
        git("worktree", "remove", "--force", root);
      } catch {
        // A worktree git no longer knows: drop the folder and git's record of it.
        if (existsSync(root)) rmSync(root, { recursive: true, force: true });
        git("worktree", "prune");
      }
      rmSync(join(root, ".."), { recursive: true, force: true });
    },
  };
}
