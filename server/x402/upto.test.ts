import { describe, expect, it } from "vitest";

import { meteredCharge, uptoAuthorizationFacts } from "./upto";

describe("meteredCharge", () => {
  const opts = { header: "X-Usage-Amount", fallback: "CEILING" as const };

  it("charges what the header reports, in atomic units", () => {
    expect(meteredCharge("1234", 50_000n, opts)).toEqual({
      ok: true,
      amount: 1234n,
      basis: "metered",
    });
    expect(meteredCharge(" 0 ", 50_000n, opts)).toEqual({ ok: true, amount: 0n, basis: "metered" });
    expect(meteredCharge("50000", 50_000n, opts)).toEqual({
      ok: true,
      amount: 50_000n,
      basis: "metered",
    });
  });

  it("caps a report above the ceiling at the ceiling", () => {
    expect(meteredCharge("50001", 50_000n, opts)).toEqual({
      ok: true,
      amount: 50_000n,
      basis: "capped",
    });
  });

  it.each([null, "", "12.5", "-1", "1e3", "0x10", "abc"])(
    "treats %j as no valid report: the ceiling, or a refusal",
    (value) => {
      expect(meteredCharge(value, 50_000n, opts)).toEqual({
        ok: true,
        amount: 50_000n,
        basis: "fallback",
      });
      expect(meteredCharge(value, 50_000n, { ...opts, fallback: "REFUSE" })).toMatchObject({
        ok: false,
        reason: "metering_header_missing",
      });
    },
  );
});

describe("uptoAuthorizationFacts", () => {
  it("reads payer, recipient, ceiling, window and a 32-byte nonce from the Permit2 authorization", () => {
    const facts = uptoAuthorizationFacts({
      signature: "0xabcd",
      permit2Authorization: {
        from: "0x1111111111111111111111111111111111111111",
        permitted: { token: "0x2222222222222222222222222222222222222222", amount: "50000" },
        spender: "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002",
        nonce: "255",
        deadline: "1700000300",
        witness: {
          to: "0x3333333333333333333333333333333333333333",
          facilitator: "0x4444444444444444444444444444444444444444",
          validAfter: "0",
        },
      },
    });
    expect(facts.authorization).toEqual({
      from: "0x1111111111111111111111111111111111111111",
      to: "0x3333333333333333333333333333333333333333",
      value: "50000",
      validAfter: "0",
      validBefore: "1700000300",
      nonce: `0x${"0".repeat(62)}ff`,
    });
  });
});
