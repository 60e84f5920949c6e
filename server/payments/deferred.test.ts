import { Readable } from "node:stream";

import { describe, expect, it } from "vitest";

import { keepBody } from "@/server/gateway/keep-body";

import { effectiveSettlementPolicy, retryDelayMs } from "./deferred";

const base = {
  rulePolicy: "DEFERRED" as const,
  deferredOn: true,
  capAtomic: 30_000n,
  exposure: { unsettledAtomic: 0n, flagged: false },
  amountAtomic: 10_000n,
  balanceAtomic: 10n ** 9n,
};

describe("effectiveSettlementPolicy", () => {
  it("keeps the rule's policy when it is not DEFERRED", () => {
    expect(effectiveSettlementPolicy({ ...base, rulePolicy: "BEFORE_PROXY" })).toEqual({
      policy: "BEFORE_PROXY",
      downgraded: null,
    });
    expect(
      effectiveSettlementPolicy({ ...base, rulePolicy: "AFTER_SUCCESS", deferredOn: false }),
    ).toEqual({ policy: "AFTER_SUCCESS", downgraded: null });
  });

  it("defers while the merchant's switch is on, the payer unflagged and under the cap", () => {
    expect(effectiveSettlementPolicy(base)).toEqual({ policy: "DEFERRED", downgraded: null });
    expect(
      effectiveSettlementPolicy({
        ...base,
        exposure: { unsettledAtomic: 20_000n, flagged: false },
      }),
    ).toEqual({ policy: "DEFERRED", downgraded: null });
    expect(
      effectiveSettlementPolicy({
        ...base,
        capAtomic: null,
        exposure: { unsettledAtomic: 10n ** 30n, flagged: false },
        balanceAtomic: 10n ** 31n,
      }).policy,
    ).toBe("DEFERRED");
  });

  it("settles after success when the switch is off, the payer is flagged or the cap would be passed", () => {
    expect(effectiveSettlementPolicy({ ...base, deferredOn: false, exposure: null })).toEqual({
      policy: "AFTER_SUCCESS",
      downgraded: "deferred_off",
    });
    expect(
      effectiveSettlementPolicy({ ...base, exposure: { unsettledAtomic: 0n, flagged: true } }),
    ).toEqual({ policy: "AFTER_SUCCESS", downgraded: "payer_flagged" });
    expect(
      effectiveSettlementPolicy({
        ...base,
        exposure: { unsettledAtomic: 20_001n, flagged: false },
      }),
    ).toEqual({ policy: "AFTER_SUCCESS", downgraded: "exposure_cap" });
  });

  it("settles after success when the wallet cannot cover what it owes plus this call, or its balance is unknown", () => {
    expect(
      effectiveSettlementPolicy({
        ...base,
        exposure: { unsettledAtomic: 10_000n, flagged: false },
        balanceAtomic: 20_000n,
      }),
    ).toEqual({ policy: "DEFERRED", downgraded: null });
    expect(
      effectiveSettlementPolicy({
        ...base,
        exposure: { unsettledAtomic: 10_000n, flagged: false },
        balanceAtomic: 19_999n,
      }),
    ).toEqual({ policy: "AFTER_SUCCESS", downgraded: "insufficient_balance" });
    expect(effectiveSettlementPolicy({ ...base, balanceAtomic: null })).toEqual({
      policy: "AFTER_SUCCESS",
      downgraded: "insufficient_balance",
    });
  });
});

describe("retryDelayMs", () => {
  it("doubles from the base and is capped at five minutes", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 2_000))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(30, 2_000)).toBe(300_000);
  });
});

describe("keepBody", () => {
  const read = async (stream: Readable | null) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream ?? []) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString("utf8");
  };

  it("keeps a body within the limit and still streams it to the client", async () => {
    const result = await keepBody(Readable.from([Buffer.from("hello "), Buffer.from("world")]), 64);
    expect(result.kept?.toString("utf8")).toBe("hello world");
    expect(await read(result.body)).toBe("hello world");
  });

  it("keeps nothing of a larger body and streams all of it on", async () => {
    const parts = Array.from({ length: 10 }, (_, i) => Buffer.from(`chunk-${i};`));
    const result = await keepBody(Readable.from(parts), 20);
    expect(result.kept).toBeNull();
    expect(await read(result.body)).toBe(parts.map((p) => p.toString()).join(""));
  });

  it("keeps an empty body of a response without one", async () => {
    expect(await keepBody(null, 10)).toEqual({ kept: Buffer.alloc(0), body: null });
  });
});
