/**
 * The README's runnable commands: each fenced `bash` block right after an HTML comment
 * `<!-- readme-test: headline|run -->`. The `headline` block's first line installs and starts the
 * server; `run` blocks run in order in one shell once the server answers.
 */

/** What a marked block is for. */
export type ReadmeBlockKind = "headline" | "run";

/** One marked block and its commands. */
export interface ReadmeBlock {
  kind: ReadmeBlockKind;
  script: string;
}

const MARKED_BLOCK = /<!-- readme-test: (headline|run) -->\n```bash\n([\s\S]*?)\n```/g;

/** The marked blocks of a README, in document order. */
export function readmeBlocks(readme: string): ReadmeBlock[] {
  return [...readme.matchAll(MARKED_BLOCK)].map((match) => ({ kind: match[1] as ReadmeBlockKind, script: match[2]! }));
}
