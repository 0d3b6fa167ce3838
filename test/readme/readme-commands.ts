/**
 * The README's runnable commands: each fenced `bash` block right after an HTML comment
 * `<!-- readme-test: install|server|run -->`. `install` installs, `server` is the long-running
 * server, `run` blocks run in order in one shell once the server answers.
 */

/** What a marked block is for. */
export type ReadmeBlockKind = "install" | "server" | "run";

/** One marked block and its commands. */
export interface ReadmeBlock {
  kind: ReadmeBlockKind;
  script: string;
}

const MARKED_BLOCK = /<!-- readme-test: (install|server|run) -->\n```bash\n([\s\S]*?)\n```/g;

/** The marked blocks of a README, in document order. */
export function readmeBlocks(readme: string): ReadmeBlock[] {
  return [...readme.matchAll(MARKED_BLOCK)].map((match) => ({ kind: match[1] as ReadmeBlockKind, script: match[2]! }));
}
