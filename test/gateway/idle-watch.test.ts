/**
 * The stream idle bound: fires after a quiet period, not before; progress starts the quiet
 * period again; a paused stream is not idle; a cleared watch never fires.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { IdleWatch } from "../../lib/gateway/idle-watch";

describe("IdleWatch", () => {
  const watches: IdleWatch[] = [];
  afterEach(() => {
    for (const watch of watches.splice(0)) watch.clear();
  });
  const watch = (ms: number, paused?: () => boolean) => {
    const fired: number[] = [];
    const startedAt = performance.now();
    const created = new IdleWatch(ms, () => fired.push(performance.now() - startedAt), paused);
    watches.push(created);
    return { watch: created, fired, startedAt };
  };

  it("fires once after the quiet period", async () => {
    const { fired } = watch(60);
    await sleep(200);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(59);
  });

  it("does not fire while progress keeps coming, and fires a full period after the last of it", async () => {
    const { watch: idle, fired, startedAt } = watch(80);
    let lastProgress = 0;
    for (let step = 0; step < 6; step += 1) {
      await sleep(30);
      idle.progress();
      lastProgress = performance.now() - startedAt;
    }
    expect(fired).toHaveLength(0);
    await sleep(200);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(lastProgress + 79);
  });

  it("does not fire while paused, and counts the quiet from the progress noted on resuming", async () => {
    let paused = true;
    const { watch: idle, fired } = watch(50, () => paused);
    await sleep(150);
    expect(fired).toHaveLength(0);
    paused = false;
    idle.progress();
    await sleep(20);
    expect(fired).toHaveLength(0);
    await sleep(150);
    expect(fired).toHaveLength(1);
  });

  it("never fires once cleared", async () => {
    const { watch: idle, fired } = watch(40);
    idle.clear();
    await sleep(120);
    expect(fired).toHaveLength(0);
  });
});
