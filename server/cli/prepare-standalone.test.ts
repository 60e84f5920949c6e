import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { writeStandaloneServer } from "./prepare-standalone";

// The standalone folder holds only what Next traced: the server.js we write there may import
// nothing of ours and no package but `next`, or the Docker image fails at its first start.
const out = mkdtempSync(path.join(tmpdir(), "x4g-standalone-server-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("writeStandaloneServer", () => {
  it("bundles the front door into one ES module that imports only Node's modules and next", () => {
    writeStandaloneServer(process.cwd(), out);
    const code = readFileSync(path.join(out, "server.js"), "utf8");
    const imported = [...code.matchAll(/^import\s+(?:[\w*{}\s,]+\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]);
    expect(new Set(imported)).toEqual(new Set(["node:fs", "node:http", "node:path", "node:url", "next"]));
    expect(code).not.toMatch(/\brequire\(/);
    // the front door and the error table are inlined
    expect(code).toContain("method_not_allowed");
    expect(code).toContain("CONNECT is not served");
  });
});
