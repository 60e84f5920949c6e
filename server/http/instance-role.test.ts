import { describe, expect, it } from "vitest";

import { roleServes, routeOwner } from "./instance-role";

const merchant = "mer_0123456789abcdefghij";

describe("instance roles", () => {
  it("tells gateway, console and shared routes apart", () => {
    expect(routeOwner(`/${merchant}`)).toBe("gateway");
    expect(routeOwner(`/${merchant}/v1/weather`)).toBe("gateway");
    expect(routeOwner("/api/facilitator/verify")).toBe("gateway");
    expect(routeOwner("/api/facilitator")).toBe("gateway");
    expect(routeOwner("/api/health")).toBe("shared");
    expect(routeOwner("/.well-known/did.json")).toBe("shared");
    expect(routeOwner("/api/ready")).toBe("shared");
    expect(routeOwner("/api/metrics")).toBe("shared");
    expect(routeOwner("/api/cron/jobs")).toBe("shared");
    expect(routeOwner("/console/mer_x")).toBe("console");
    expect(routeOwner("/api/trpc/merchant.list")).toBe("console");
    expect(routeOwner("/api/v1/merchants")).toBe("console");
    expect(routeOwner("/api/healthz")).toBe("console");
    expect(routeOwner("/api/facilitatorx")).toBe("console");
    expect(routeOwner("/mer_short/x")).toBe("console");
    expect(routeOwner("/")).toBe("console");
  });

  it("serves each route only on the roles that own it", () => {
    expect(roleServes("all", `/${merchant}/x`)).toBe(true);
    expect(roleServes("all", "/console")).toBe(true);
    expect(roleServes("gateway", `/${merchant}/x`)).toBe(true);
    expect(roleServes("gateway", "/console")).toBe(false);
    expect(roleServes("gateway", "/api/trpc/x")).toBe(false);
    expect(roleServes("gateway", "/api/ready")).toBe(true);
    expect(roleServes("console", `/${merchant}/x`)).toBe(false);
    expect(roleServes("console", "/api/facilitator/settle")).toBe(false);
    expect(roleServes("console", "/docs")).toBe(true);
    expect(roleServes("console", "/api/cron/jobs")).toBe(true);
  });
});
