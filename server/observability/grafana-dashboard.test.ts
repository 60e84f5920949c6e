import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { createMetrics } from "./metrics";

// The Grafana dashboard we ship must only query metrics we export: a renamed metric breaks this
// test instead of leaving an empty panel in someone's Grafana.

type Dashboard = { panels: { title: string; targets: { expr: string }[] }[] };

describe("the shipped Grafana dashboard", () => {
  it("queries only metrics the gateway exports, and covers every one of them", async () => {
    const dashboard = JSON.parse(
      readFileSync(path.join(import.meta.dirname, "grafana-dashboard.json"), "utf8"),
    ) as Dashboard;
    const metrics = createMetrics();
    const exported = new Set<string>();
    for (const m of (await metrics.registry?.getMetricsAsJSON()) ?? []) {
      exported.add(m.name);
      if (String(m.type) === "histogram")
        for (const suffix of ["_bucket", "_sum", "_count"]) exported.add(`${m.name}${suffix}`);
    }
    const queried = new Set(
      dashboard.panels.flatMap((p) =>
        p.targets.flatMap((t) => t.expr.match(/x402_[a-z_]+/g) ?? []),
      ),
    );
    expect(queried.size).toBeGreaterThan(0);
    for (const name of queried)
      expect(exported, `${name} is queried but not exported`).toContain(name);
    const families = new Set([...queried].map((n) => n.replace(/_(bucket|sum|count)$/, "")));
    for (const m of (await metrics.registry?.getMetricsAsJSON()) ?? [])
      expect(families, `${m.name} has no panel`).toContain(m.name);
  });
});
