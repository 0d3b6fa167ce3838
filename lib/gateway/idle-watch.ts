/**
 * The idle bound of a stream: fires once `ms` pass without progress. Progress is noted with a
 * clock read rather than by re-arming a timer, because it comes with every chunk of every stream
 * and `Timeout.refresh()` re-inserts the timer into Node's timer lists each time: on 200 long
 * streams that was about 1 % of the gateway's CPU. The one timer checks, when it fires, how long
 * the stream has really been quiet and waits out the rest.
 */
export class IdleWatch {
  readonly #ms: number;
  readonly #onIdle: () => void;
  readonly #paused: () => boolean;
  #lastProgress = performance.now();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param onIdle runs once, when `ms` passed without progress while not paused
   * @param paused true while silence is not idleness (the stream waits on its client, say); the
   *   watch checks again a full `ms` later
   */
  constructor(ms: number, onIdle: () => void, paused: () => boolean = () => false) {
    this.#ms = ms;
    this.#onIdle = onIdle;
    this.#paused = paused;
    this.#timer = setTimeout(() => this.#check(), ms);
  }

  /** The stream made progress: the quiet time starts again. */
  progress(): void {
    this.#lastProgress = performance.now();
  }

  /** Stops watching; idempotent. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    if (this.#timer === undefined) return;
    if (this.#paused()) {
      this.#timer = setTimeout(() => this.#check(), this.#ms);
      return;
    }
    const quiet = performance.now() - this.#lastProgress;
    // Timers may fire a little early against the performance clock: wait at least a millisecond more.
    if (quiet < this.#ms) {
      this.#timer = setTimeout(() => this.#check(), Math.max(1, this.#ms - quiet));
      return;
    }
    this.#timer = undefined;
    this.#onIdle();
  }
}
