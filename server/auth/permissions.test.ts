import { describe, expect, it } from "vitest";

import { MERCHANT_ACTIONS, can } from "./permissions";

describe("can", () => {
  it("lets an OWNER do every action", () => {
    for (const action of MERCHANT_ACTIONS) expect(can("OWNER", action)).toBe(true);
  });

  it("lets an ADMIN change pricing and payout but not the team or refunds", () => {
    expect(can("ADMIN", "pricing.write")).toBe(true);
    expect(can("ADMIN", "payout.update")).toBe(true);
    expect(can("ADMIN", "team.manage")).toBe(false);
    expect(can("ADMIN", "refunds.create")).toBe(false);
  });

  it("lets a DEVELOPER manage keys and test calls and read, nothing else", () => {
    const allowed = MERCHANT_ACTIONS.filter((a) => can("DEVELOPER", a));
    expect(allowed).toEqual(["merchant.read", "apiKeys.write", "testCall.run"]);
  });
});
