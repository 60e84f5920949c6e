import "server-only";

import { readFile } from "node:fs/promises";
import path from "node:path";

import { marked } from "marked";

// The docs are Markdown files in the repo (app/docs/_content, and the SDK's own README), rendered
// on the server. This table is the sidebar, in order.

export type DocPage = { slug: string; title: string; section: string; file: string };

export const DOC_PAGES: DocPage[] = [
  { slug: "", title: "How x402 works here", section: "Guides", file: "app/docs/_content/x402-flow.md" },
  { slug: "sdk", title: "TypeScript SDK", section: "Guides", file: "sdk/README.md" },
  { slug: "other-languages", title: "Python, Go and your own service", section: "Guides", file: "app/docs/_content/other-languages.md" },
  { slug: "facilitator", title: "Facilitator API", section: "Reference", file: "app/docs/_content/facilitator-api.md" },
  { slug: "merchant-api", title: "Merchant API", section: "Reference", file: "app/docs/_content/merchant-api.md" },
];

/** Docs pages that are not Markdown (their own routes under app/docs), listed in the sidebar too. */
export const DOC_ROUTES: Omit<DocPage, "file">[] = [{ slug: "api-reference", title: "Merchant API reference", section: "Reference" }];

export function findDoc(slug: string): DocPage | undefined {
  return DOC_PAGES.find((p) => p.slug === slug);
}

export async function renderDoc(page: DocPage): Promise<string> {
  const markdown = await readFile(path.join(process.cwd(), page.file), "utf8");
  // the SDK README starts with its package name as a title; the page header shows ours
  return marked.parse(markdown.replace(/^# .*\n/, ""), { async: false });
}
