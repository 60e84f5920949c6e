import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { MERCHANT_ID_PATTERN } from "@/server/db/ids";

// The gateway owns the dynamic top-level segment /<merchantId>/*, so every static top-level
// segment of app/ is a reserved word that must never look like a merchant id.
function topLevelSegments(): string[] {
  const appDir = fileURLToPath(new URL(".", import.meta.url));
  const segments: string[] = [];
  for (const entry of readdirSync(appDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith("_") || entry.name.startsWith("[")) continue;
    if (entry.name.startsWith("(")) {
      // route groups add no segment: look one level in
      for (const inner of readdirSync(`${appDir}/${entry.name}`, { withFileTypes: true })) {
        if (inner.isDirectory() && !inner.name.startsWith("_") && !inner.name.startsWith("["))
          segments.push(inner.name);
      }
    } else segments.push(entry.name);
  }
  return segments;
}

describe("top-level routes", () => {
  it("never match the merchant id pattern", () => {
    const segments = topLevelSegments();
    expect(segments).toContain("api");
    expect(segments).toContain("console");
    for (const segment of segments) expect(MERCHANT_ID_PATTERN.test(segment), segment).toBe(false);
  });
});
