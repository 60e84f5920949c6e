import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { prepareStandalone } from "./prepare-standalone";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function fakeBuild(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "x4g-standalone-"));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("prepareStandalone", () => {
  it("puts the static assets and public/ next to server.js, replacing an earlier build's", () => {
    const root = fakeBuild({
      ".next/standalone/server.js": "",
      ".next/standalone/.next/static/chunks/old.js": "stale",
      ".next/static/chunks/new.js": "fresh",
      "public/robots.txt": "User-agent: *",
    });
    const dir = prepareStandalone(root);
    expect(dir).toBe(path.join(root, ".next/standalone"));
    expect(readFileSync(path.join(dir, ".next/static/chunks/new.js"), "utf8")).toBe("fresh");
    expect(existsSync(path.join(dir, ".next/static/chunks/old.js"))).toBe(false);
    expect(readFileSync(path.join(dir, "public/robots.txt"), "utf8")).toBe("User-agent: *");
  });

  it("says to build first when there is no standalone server", () => {
    const root = fakeBuild({ ".next/static/chunks/a.js": "" });
    expect(() => prepareStandalone(root)).toThrow(/server\.js is missing: run `next build`/);
  });
});
