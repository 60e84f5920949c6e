import { describe, expect, it } from "vitest";

import { MERCHANT_ACTIONS, PAYOUT_REAUTH_MS, can, isFreshSignIn } from "./permissions";

describe("can", () => {
  it("lets an OWNER do every action", () => {
    for (const action of MERCHANT_ACTIONS) expect(can("OWNER", action)).toBe(true);
  });

  it("lets an ADMIN change pricing and settlement terms but not the payout address, the team or refunds", () => {
    expect(can("ADMIN", "pricing.write")).toBe(true);
    expect(can("ADMIN", "settlement.update")).toBe(true);
    expect(can("ADMIN", "payout.update")).toBe(false);
    expect(can("ADMIN", "team.manage")).toBe(false);
    expect(can("ADMIN", "refunds.create")).toBe(false);
  });

  it("lets a DEVELOPER manage keys and test calls and read, nothing else", () => {
    const allowed = MERCHANT_ACTIONS.filter((a) => can("DEVELOPER", a));
    expect(allowed).toEqual(["merchant.read", "apiKeys.write", "testCall.run"]);
  });
});

describe("isFreshSignIn", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  it("accepts a sign-in within the re-authentication window only", () => {
    expect(isFreshSignIn(now.getTime() - PAYOUT_REAUTH_MS + 1000, now)).toBe(true);
    expect(isFreshSignIn(now.getTime() - PAYOUT_REAUTH_MS - 1000, now)).toBe(false);
    expect(isFreshSignIn(null, now)).toBe(false);
    expect(isFreshSignIn(now.getTime() + 3_600_000, now)).toBe(false);
  });
});
