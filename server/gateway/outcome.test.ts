import { describe, expect, it } from "vitest";

import { toResponse } from "./outcome";

describe("toResponse", () => {
  it("gives every error outcome our JSON shape with the request id", async () => {
    const res = toResponse({ kind: "rate_limited", retryAfterSeconds: 7 }, "req_12345678");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toEqual({
      error: {
        code: "rate_limited",
        message: "Too many requests for this merchant",
        details: { retryAfterSeconds: 7 },
        requestId: "req_12345678",
      },
    });
    expect(toResponse({ kind: "upstream_timeout", timeoutMs: 100 }, "req_12345678").status).toBe(
      504,
    );
    expect(
      toResponse({ kind: "merchant_inactive", status: "PENDING_REVIEW" }, "req_12345678").status,
    ).toBe(403);
  });
});

describe("toResponse for the blocklist", () => {
  it("answers a blocked payer or client with 403 and its own code, in our JSON shape", async () => {
    for (const code of ["payer_blocked", "client_blocked"] as const) {
      const res = toResponse({ kind: "blocked", code }, "req_12345678");
      expect(res.status).toBe(403);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({
        error: {
          code,
          message: expect.stringContaining("nothing was charged"),
          requestId: "req_12345678",
        },
      });
    }
  });
});
