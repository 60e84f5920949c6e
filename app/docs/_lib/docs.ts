import "server-only";

import { readFile } from "node:fs/promises";
import path from "node:path";

import { marked } from "marked";

// The docs are Markdown files in the repo (app/docs/_content, and the SDK's own README), rendered
// on the server; the page table (the sidebar) is pages.ts.

export { DOC_PAGES, DOC_ROUTES, docFileFor, findDoc, type DocPage } from "./pages";

const INCLUDE = /^<!-- include: (sdk\/examples\/[\w./-]+\.(py|go)) -->$/gm;
const FENCE_LANGUAGE: Record<string, string> = { py: "python", go: "go" };

/**
 * `<!-- include: sdk/examples/… -->` becomes that file as a code block: the snippets the docs show
 * are the files the tests run, so they cannot drift apart.
 */
async function expandIncludes(markdown: string): Promise<string> {
  let out = markdown;
  for (const [line, file, ext] of markdown.matchAll(INCLUDE)) {
    const code = await readFile(
      path.join(/*turbopackIgnore: true*/ process.cwd(), file as string),
      "utf8",
    );
    out = out.replace(
      line,
      "```" + FENCE_LANGUAGE[ext as string] + "\n" + code.trimEnd() + "\n```",
    );
  }
  return out;
}

export async function renderDoc(file: string): Promise<string> {
  // turbopackIgnore: a computed path would make the build trace the whole project into the
  // standalone output; next.config.ts lists the Markdown the docs routes read instead
  const markdown = await expandIncludes(
    await readFile(path.join(/*turbopackIgnore: true*/ process.cwd(), file), "utf8"),
  );
  // the SDK README starts with its package name as a title; the page header shows ours
  return marked.parse(markdown.replace(/^# .*\n/, ""), { async: false });
}
