import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { DOC_PAGES, docFileFor, findDoc } from "./pages";

const root = process.cwd();
const codeBlocks = (file: string) =>
  [...readFileSync(path.join(root, file), "utf8").matchAll(/```[\s\S]*?```/g)].map((m) => m[0]);

describe("docs pages", () => {
  it("shows a page's translation in its locale and the English original elsewhere", () => {
    const flow = findDoc("");
    expect(flow && docFileFor(flow, "zh-CN")).toEqual({
      file: "app/docs/_content/zh-CN/x402-flow.md",
      translated: true,
    });
    expect(flow && docFileFor(flow, "en")).toEqual({
      file: "app/docs/_content/x402-flow.md",
      translated: true,
    });
    const merchantApi = findDoc("merchant-api");
    expect(merchantApi && docFileFor(merchantApi, "zh-CN")).toEqual({
      file: "app/docs/_content/merchant-api.md",
      translated: false,
    });
  });

  it("has a Chinese version of the main guides: the flow, the SDK, billing and the facilitator", () => {
    const translated = DOC_PAGES.filter((p) => p.translations?.["zh-CN"]).map((p) => p.slug);
    expect(translated).toEqual(expect.arrayContaining(["", "sdk", "billing", "facilitator"]));
  });

  // a translation shows the same code as its original, so the samples the tests compile are the ones readers copy
  it.each(DOC_PAGES.filter((p) => p.translations?.["zh-CN"]))(
    "the Chinese $slug page exists and carries the original's code blocks verbatim",
    (page) => {
      const translation = page.translations?.["zh-CN"] as string;
      expect(existsSync(path.join(root, translation))).toBe(true);
      expect(codeBlocks(translation)).toEqual(codeBlocks(page.file));
    },
  );
});
