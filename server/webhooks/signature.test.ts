import { describe, expect, it } from "vitest";

import { signWebhook, verifyWebhookSignature, webhookBackoffSeconds } from "./signature";

describe("webhook signatures", () => {
  const body = JSON.stringify({ type: "payment.settled", data: { id: "pay_1" } });

  it("verify with the secret, within the tolerance", () => {
    const header = signWebhook("whsec_1", 1_800_000_000, body);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature("whsec_1", header, body, { nowSeconds: 1_800_000_100 })).toBe(
      true,
    );
  });

  it("refuse another secret, a changed body and a stale timestamp", () => {
    const header = signWebhook("whsec_1", 1_800_000_000, body);
    expect(verifyWebhookSignature("whsec_2", header, body, { nowSeconds: 1_800_000_000 })).toBe(
      false,
    );
    expect(
      verifyWebhookSignature("whsec_1", header, `${body} `, { nowSeconds: 1_800_000_000 }),
    ).toBe(false);
    expect(verifyWebhookSignature("whsec_1", header, body, { nowSeconds: 1_800_001_000 })).toBe(
      false,
    );
    expect(verifyWebhookSignature("whsec_1", "garbage", body, { nowSeconds: 1_800_000_000 })).toBe(
      false,
    );
  });

  it("backs off 30 s, doubling, capped at 6 h", () => {
    expect([1, 2, 3, 4].map(webhookBackoffSeconds)).toEqual([30, 60, 120, 240]);
    expect(webhookBackoffSeconds(20)).toBe(6 * 3600);
  });
});
