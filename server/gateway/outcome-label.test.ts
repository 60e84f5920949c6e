import { describe, expect, it } from "vitest";

import { gatewayOutcomeLabel } from "./outcome-label";
import type { GatewayOutcome } from "./outcome";

const proxied: GatewayOutcome = { kind: "proxied", status: 200, headers: {}, body: null };
const challenge = { v2Header: "", body: {} };

describe("gatewayOutcomeLabel", () => {
  it("labels a proxied answer by how the call was recorded", () => {
    expect(gatewayOutcomeLabel(proxied, { status: "FREE" })).toEqual({
      outcome: "free",
      reason: "none",
    });
    expect(gatewayOutcomeLabel(proxied, { status: "CHARGED" })).toEqual({
      outcome: "paid",
      reason: "none",
    });
    expect(gatewayOutcomeLabel(proxied, { status: "ENTITLED" })).toEqual({
      outcome: "entitled",
      reason: "none",
    });
    expect(gatewayOutcomeLabel(proxied, { status: "OWNER" })).toEqual({
      outcome: "owner",
      reason: "none",
    });
    expect(gatewayOutcomeLabel(proxied, { status: "FAILED", reason: "upstream_error" })).toEqual({
      outcome: "upstream_error",
      reason: "upstream_error",
    });
    expect(gatewayOutcomeLabel(proxied, undefined)).toEqual({
      outcome: "error",
      reason: "unrecorded",
    });
  });

  it("labels refusals with their reason and 402s, limits and upstream failures by kind", () => {
    expect(
      gatewayOutcomeLabel(
        { kind: "payment_rejected", reason: "payment_replayed", message: "", challenge },
        undefined,
      ),
    ).toEqual({ outcome: "rejected", reason: "payment_replayed" });
    expect(gatewayOutcomeLabel({ kind: "payment_required", challenge }, undefined)).toEqual({
      outcome: "payment_required",
      reason: "payment_required",
    });
    expect(gatewayOutcomeLabel({ kind: "rate_limited", retryAfterSeconds: 1 }, undefined)).toEqual({
      outcome: "rate_limited",
      reason: "rate_limited",
    });
    expect(gatewayOutcomeLabel({ kind: "upstream_timeout", timeoutMs: 1 }, undefined)).toEqual({
      outcome: "upstream_error",
      reason: "upstream_timeout",
    });
    expect(gatewayOutcomeLabel({ kind: "merchant_not_found" }, undefined)).toEqual({
      outcome: "error",
      reason: "merchant_not_found",
    });
    expect(gatewayOutcomeLabel({ kind: "blocked", code: "payer_blocked" }, undefined)).toEqual({
      outcome: "rejected",
      reason: "payer_blocked",
    });
  });
});
