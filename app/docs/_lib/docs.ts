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
  { slug: "verify-gateway-requests", title: "Verify gateway requests", section: "Guides", file: "app/docs/_content/verify-gateway-requests.md" },
  { slug: "billing", title: "Fees, statements, payouts and refunds", section: "Guides", file: "app/docs/_content/billing.md" },
  { slug: "facilitator", title: "Facilitator API", section: "Reference", file: "app/docs/_content/facilitator-api.md" },
  { slug: "merchant-api", title: "Merchant API", section: "Reference", file: "app/docs/_content/merchant-api.md" },
];

/** Docs pages that are not Markdown (their own routes under app/docs), listed in the sidebar too. */
export const DOC_ROUTES: Omit<DocPage, "file">[] = [{ slug: "api-reference", title: "Merchant API reference", section: "Reference" }];

export function findDoc(slug: string): DocPage | undefined {
  return DOC_PAGES.find((p) => p.slug === slug);
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

export async function renderDoc(page: DocPage): Promise<string> {
  // turbopackIgnore: a computed path would make the build trace the whole project into the
  // standalone output; next.config.ts lists the Markdown the docs routes read instead
  const markdown = await expandIncludes(await readFile(path.join(/*turbopackIgnore: true*/ process.cwd(), page.file), "utf8"));
  // the SDK README starts with its package name as a title; the page header shows ours
  return marked.parse(markdown.replace(/^# .*\n/, ""), { async: false });
}
