/**
 * An attempt's abort switch: listeners and the signal (built when asked for, before or after the
 * abort) agree on one abort and its reason.
 */
import { describe, expect, it } from "vitest";
import { AttemptController } from "../../lib/providers/shared/attempt-controller";

describe("AttemptController", () => {
  it("aborts once: listeners run once, removed ones not at all, and the signal says the same", () => {
    const controller = new AttemptController();
    const early = controller.signal;
    const calls: string[] = [];
    const kept = () => calls.push("kept");
    const removed = () => calls.push("removed");
    controller.addEventListener("abort", kept);
    controller.addEventListener("abort", removed);
    controller.removeEventListener("abort", removed);
    early.addEventListener("abort", () => calls.push("signal"));
    expect([controller.aborted, controller.reason, early.aborted]).toEqual([false, undefined, false]);
    const reason = new Error("idle");
    controller.abort(reason);
    controller.abort(new Error("second"));
    expect(calls.sort()).toEqual(["kept", "signal"]);
    expect([controller.aborted, controller.reason, early.aborted, early.reason]).toEqual([true, reason, true, reason]);
    controller.addEventListener("abort", kept);
    expect(calls).toHaveLength(2);
  });

  it("aborts without a reason with an AbortError, the same one its later signal holds", () => {
    const controller = new AttemptController();
    controller.abort();
    expect(controller.reason).toMatchObject({ name: "AbortError" });
    expect([controller.signal.aborted, controller.signal.reason]).toEqual([true, controller.reason]);
  });
});
