import "server-only";

import { readFile } from "node:fs/promises";
import path from "node:path";

import { marked } from "marked";

import type { Locale } from "@/server/i18n/locales";

// The docs are Markdown files in the repo (app/docs/_content, and the SDK's own README), rendered
// on the server. This table is the sidebar, in order.

// Titles are translated (docs namespace: `pages.<key>`, `sections.<section>`). The main guides have a
// Simplified Chinese version under _content/zh-CN; the rest show the English text with a note.

export type DocKey = "flow" | "sdk" | "otherLanguages" | "verify" | "billing" | "facilitator" | "merchantApi" | "apiReference";
export type DocSection = "guides" | "reference";
export type DocPage = { slug: string; key: DocKey; section: DocSection; file: string; translations?: Partial<Record<Locale, string>> };

export const DOC_PAGES: DocPage[] = [
  { slug: "", key: "flow", section: "guides", file: "app/docs/_content/x402-flow.md", translations: { "zh-CN": "app/docs/_content/zh-CN/x402-flow.md" } },
  { slug: "sdk", key: "sdk", section: "guides", file: "sdk/README.md", translations: { "zh-CN": "app/docs/_content/zh-CN/sdk.md" } },
  { slug: "other-languages", key: "otherLanguages", section: "guides", file: "app/docs/_content/other-languages.md" },
  { slug: "verify-gateway-requests", key: "verify", section: "guides", file: "app/docs/_content/verify-gateway-requests.md" },
  { slug: "billing", key: "billing", section: "guides", file: "app/docs/_content/billing.md", translations: { "zh-CN": "app/docs/_content/zh-CN/billing.md" } },
  { slug: "facilitator", key: "facilitator", section: "reference", file: "app/docs/_content/facilitator-api.md", translations: { "zh-CN": "app/docs/_content/zh-CN/facilitator-api.md" } },
  { slug: "merchant-api", key: "merchantApi", section: "reference", file: "app/docs/_content/merchant-api.md" },
];

/** Docs pages that are not Markdown (their own routes under app/docs), listed in the sidebar too. */
export const DOC_ROUTES: Omit<DocPage, "file">[] = [{ slug: "api-reference", key: "apiReference", section: "reference" }];

export function findDoc(slug: string): DocPage | undefined {
  return DOC_PAGES.find((p) => p.slug === slug);
}

/** The file to show in `locale`: its translation when there is one, else the English original. */
export function docFileFor(page: DocPage, locale: Locale): { file: string; translated: boolean } {
  const translation = page.translations?.[locale];
  return translation ? { file: translation, translated: true } : { file: page.file, translated: locale === "en" };
}

const INCLUDE = /^<!-- include: (sdk\/examples\/[\w./-]+\.(py|go)) -->$/gm;
const FENCE_LANGUAGE: Record<string, string> = { py: "python", go: "go" };

/**
 * `<!-- include: sdk/examples/… -->` becomes that file as a code block: the snippets the docs show
 * are the files the tests run, so they cannot drift apart.
 */
async function expandIncludes(markdown: string): Promise<string> {
  let out = markdown;
  for (const [line, file, ext] of markdown.matchAll(INCLUDE)) {
    const code = await readFile(path.join(/*turbopackIgnore: true*/ process.cwd(), file as string), "utf8");
    out = out.replace(line, "```" + FENCE_LANGUAGE[ext as string] + "\n" + code.trimEnd() + "\n```");
  }
  return out;
}

export async function renderDoc(file: string): Promise<string> {
  // turbopackIgnore: a computed path would make the build trace the whole project into the
  // standalone output; next.config.ts lists the Markdown the docs routes read instead
  const markdown = await expandIncludes(await readFile(path.join(/*turbopackIgnore: true*/ process.cwd(), file), "utf8"));
  // the SDK README starts with its package name as a title; the page header shows ours
  return marked.parse(markdown.replace(/^# .*\n/, ""), { async: false });
}
