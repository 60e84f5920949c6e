import type { DiscoveryResource } from "@x402/extensions/bazaar";
import { describe, expect, it } from "vitest";

import { examplePath, listDiscoveryQuery, pageOfItems } from "./resources";

const item = (
  resource: string,
  over: { network?: string; payTo?: string; extensions?: Record<string, unknown> } = {},
): DiscoveryResource => ({
  resource,
  type: "http",
  x402Version: 2,
  lastUpdated: "2026-12-07T00:00:00.000Z",
  accepts: [
    {
      scheme: "exact",
      network: (over.network ?? "eip155:8453") as `${string}:${string}`,
      asset: "0xa",
      amount: "1",
      payTo: over.payTo ?? "0xabc",
      maxTimeoutSeconds: 300,
      extra: {},
    },
  ],
  extensions: over.extensions ?? { bazaar: {} },
});

describe("the discovery list page", () => {
  const items = [
    item("https://gw/a"),
    item("https://gw/b", { network: "eip155:1" }),
    item("https://gw/c", { payTo: "0xDEF", extensions: {} }),
  ];

  it("filters by network, payTo (any case) and extension, and pages with limit/offset over the filtered total", () => {
    expect(
      pageOfItems(items, listDiscoveryQuery.parse({ network: "eip155:1" })).items.map(
        (i) => i.resource,
      ),
    ).toEqual(["https://gw/b"]);
    expect(
      pageOfItems(items, listDiscoveryQuery.parse({ payTo: "0xdef" })).items.map((i) => i.resource),
    ).toEqual(["https://gw/c"]);
    expect(
      pageOfItems(items, listDiscoveryQuery.parse({ extensions: "bazaar" })).pagination.total,
    ).toBe(2);
    expect(pageOfItems(items, listDiscoveryQuery.parse({ limit: "1", offset: "1" }))).toMatchObject(
      {
        x402Version: 2,
        items: [{ resource: "https://gw/b" }],
        pagination: { limit: 1, offset: 1, total: 3 },
      },
    );
    expect(pageOfItems(items, listDiscoveryQuery.parse({ type: "mcp" })).items).toEqual([]);
  });

  it("refuses a limit outside 1–1000 and defaults to 100 from offset 0", () => {
    expect(listDiscoveryQuery.safeParse({ limit: "0" }).success).toBe(false);
    expect(listDiscoveryQuery.safeParse({ limit: "1001" }).success).toBe(false);
    expect(listDiscoveryQuery.parse({})).toMatchObject({ limit: 100, offset: 0 });
  });

  it("gives wildcard patterns a concrete example path", () => {
    expect(examplePath("/api/signal/*")).toBe("/api/signal/btc");
    expect(examplePath("/api/v1/**")).toBe("/api/v1/example");
  });
});
