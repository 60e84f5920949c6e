import { describe, expect, it } from "vitest";

import { createPairTally, createPendingObservations } from "./metric-batches";

describe("pair tally", () => {
  it("counts each pair and hands the counts on once", () => {
    const tally = createPairTally();
    for (let i = 0; i < 5; i++) tally.add("free", "none");
    tally.add("rejected", "invalid_signature");
    tally.add("rejected", "replay");
    tally.add("rejected", "replay");
    const drained: [string, string, number][] = [];
    tally.drain((a, b, n) => drained.push([a, b, n]));
    expect(drained).toEqual([
      ["free", "none", 5],
      ["rejected", "invalid_signature", 1],
      ["rejected", "replay", 2],
    ]);
    const again: unknown[] = [];
    tally.drain((...args) => again.push(args));
    expect(again).toEqual([]);
  });

  it("counts afresh after a drain, pairs seen before included", () => {
    const tally = createPairTally();
    tally.add("free", "none");
    tally.drain(() => undefined);
    tally.add("free", "none");
    tally.add("paid", "none");
    const drained: [string, string, number][] = [];
    tally.drain((a, b, n) => drained.push([a, b, n]));
    expect(drained).toEqual([
      ["free", "none", 1],
      ["paid", "none", 1],
    ]);
  });
});

describe("pending observations", () => {
  it("keeps values with their labels in order until drained", () => {
    const pending = createPendingObservations({ max: 100, onFull: () => undefined });
    pending.add("free", 0.001);
    pending.add("paid", 0.02);
    pending.add("free", 0.003);
    expect(pending.pending()).toBe(3);
    const drained: [string, number][] = [];
    pending.drain((label, value) => drained.push([label, value]));
    expect(drained).toEqual([
      ["free", 0.001],
      ["paid", 0.02],
      ["free", 0.003],
    ]);
    expect(pending.pending()).toBe(0);
    pending.drain(() => {
      throw new Error("nothing should be pending");
    });
  });

  it("calls onFull when max values are pending, so memory stays bounded without a drain from outside", () => {
    const drained: number[] = [];
    const pending = createPendingObservations({
      max: 4,
      onFull: () => pending.drain((_label, value) => drained.push(value)),
    });
    for (let i = 0; i < 10; i++) pending.add("free", i);
    expect(drained).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pending.pending()).toBe(2);
  });
});
