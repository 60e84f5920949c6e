import { describe, expect, it } from "vitest";

import { MERCHANT_ACTIONS } from "@/server/auth/permissions";

import { scopesAllow, scopesAllowOwnerCalls, scopesBeyondGrantor } from "./scopes";

describe("API key scopes", () => {
  it("let a read key read and nothing else", () => {
    expect(MERCHANT_ACTIONS.filter((a) => scopesAllow(["read"], a))).toEqual(["merchant.read"]);
  });

  it("let a write key change rules, routing and webhooks but not keys, the payout address, the team or refunds", () => {
    const allowed = MERCHANT_ACTIONS.filter((a) => scopesAllow(["write"], a));
    expect(allowed).toEqual(
      expect.arrayContaining([
        "merchant.read",
        "pricing.write",
        "upstream.write",
        "webhooks.write",
      ]),
    );
    expect(allowed).not.toContain("payout.update");
    expect(allowed).not.toContain("apiKeys.write");
    expect(allowed).not.toContain("team.manage");
    expect(allowed).not.toContain("refunds.create");
  });

  it("keep key management to keys:manage, and owner calls to gateway:owner", () => {
    expect(scopesAllow(["keys:manage"], "apiKeys.write")).toBe(true);
    expect(scopesAllow(["gateway:owner"], "merchant.read")).toBe(false);
    expect(scopesAllowOwnerCalls(["gateway:owner"])).toBe(true);
    expect(scopesAllowOwnerCalls(["read", "write", "keys:manage"])).toBe(false);
  });

  it("ignore scopes it does not know", () => {
    expect(scopesAllow(["admin", "*"], "merchant.read")).toBe(false);
  });
});

describe("scopesBeyondGrantor", () => {
  it("lets each role hand out only the scopes its own actions cover", () => {
    expect(
      scopesBeyondGrantor({ kind: "role", role: "OWNER" }, [
        "read",
        "write",
        "keys:manage",
        "gateway:owner",
      ]),
    ).toEqual([]);
    expect(
      scopesBeyondGrantor({ kind: "role", role: "ADMIN" }, [
        "read",
        "write",
        "keys:manage",
        "gateway:owner",
      ]),
    ).toEqual([]);
    expect(
      scopesBeyondGrantor({ kind: "role", role: "DEVELOPER" }, [
        "read",
        "write",
        "keys:manage",
        "gateway:owner",
      ]),
    ).toEqual(["write"]);
  });

  it("lets a key hand out only what its own scopes allow", () => {
    expect(
      scopesBeyondGrantor({ kind: "scopes", scopes: ["keys:manage"] }, [
        "read",
        "keys:manage",
        "write",
        "gateway:owner",
      ]),
    ).toEqual(["write", "gateway:owner"]);
    expect(
      scopesBeyondGrantor({ kind: "scopes", scopes: ["write", "keys:manage", "gateway:owner"] }, [
        "write",
        "gateway:owner",
      ]),
    ).toEqual([]);
    expect(scopesBeyondGrantor({ kind: "scopes", scopes: ["read"] }, ["unknown"])).toEqual([
      "unknown",
    ]);
  });
});
