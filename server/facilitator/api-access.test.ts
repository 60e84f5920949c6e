import { describe, expect, it } from "vitest";

import { decideFacilitatorAccess, facilitatorApiAccess } from "./api-access";

const TOKEN = "a-facilitator-token-0123456789";
const OTHER = "another-facilitator-token-98765";

describe("decideFacilitatorAccess", () => {
  const withTokens = facilitatorApiAccess({
    FACILITATOR_API_ENABLED: true,
    FACILITATOR_API_TOKENS: `${TOKEN}, ${OTHER}`,
    FACILITATOR_API_ALLOWED_IPS: "10.0.0.0/8",
  });

  it("admits each configured token under its own caller key", () => {
    const a = decideFacilitatorAccess(withTokens, { bearer: TOKEN, ip: null });
    const b = decideFacilitatorAccess(withTokens, { bearer: OTHER, ip: null });
    expect(a.ok && b.ok && a.caller !== b.caller).toBe(true);
  });

  it("refuses a wrong token even from an allow-listed address", () => {
    expect(decideFacilitatorAccess(withTokens, { bearer: "wrong", ip: "10.1.2.3" })).toEqual({
      ok: false,
      refusal: "bad_token",
    });
  });

  it("admits an allow-listed address without a token (IPv4-mapped IPv6 included), and refuses any other", () => {
    expect(decideFacilitatorAccess(withTokens, { bearer: null, ip: "10.1.2.3" })).toEqual({
      ok: true,
      caller: "ip:10.1.2.3",
    });
    expect(decideFacilitatorAccess(withTokens, { bearer: null, ip: "::ffff:10.1.2.3" })).toEqual({
      ok: true,
      caller: "ip:10.1.2.3",
    });
    expect(decideFacilitatorAccess(withTokens, { bearer: null, ip: "192.168.1.1" })).toEqual({
      ok: false,
      refusal: "not_allowed",
    });
    expect(decideFacilitatorAccess(withTokens, { bearer: null, ip: null })).toEqual({
      ok: false,
      refusal: "not_allowed",
    });
  });

  it("with nothing configured admits only the machine itself (development)", () => {
    const bare = facilitatorApiAccess({
      FACILITATOR_API_ENABLED: true,
      FACILITATOR_API_TOKENS: undefined,
      FACILITATOR_API_ALLOWED_IPS: undefined,
    });
    expect(decideFacilitatorAccess(bare, { bearer: null, ip: "127.0.0.1" }).ok).toBe(true);
    expect(decideFacilitatorAccess(bare, { bearer: null, ip: "203.0.113.7" })).toEqual({
      ok: false,
      refusal: "not_allowed",
    });
  });

  it("with tokens configured and no allow-list, admits no address without a token", () => {
    const tokensOnly = facilitatorApiAccess({
      FACILITATOR_API_ENABLED: true,
      FACILITATOR_API_TOKENS: TOKEN,
      FACILITATOR_API_ALLOWED_IPS: undefined,
    });
    expect(decideFacilitatorAccess(tokensOnly, { bearer: null, ip: "127.0.0.1" })).toEqual({
      ok: false,
      refusal: "not_allowed",
    });
  });

  it("refuses everything when switched off", () => {
    const off = facilitatorApiAccess({
      FACILITATOR_API_ENABLED: false,
      FACILITATOR_API_TOKENS: TOKEN,
      FACILITATOR_API_ALLOWED_IPS: undefined,
    });
    expect(decideFacilitatorAccess(off, { bearer: TOKEN, ip: "127.0.0.1" })).toEqual({
      ok: false,
      refusal: "disabled",
    });
  });
});
