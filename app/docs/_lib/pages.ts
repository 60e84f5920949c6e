import type { Locale } from "@/server/i18n/locales";

// The docs' page table (the sidebar, in order), without I/O so it is unit-tested.
// Titles are translated (docs namespace: `pages.<key>`, `sections.<section>`). The main guides have a
// Simplified Chinese version under _content/zh-CN; the rest show the English text with a note.

export type DocKey =
  | "flow"
  | "sdk"
  | "otherLanguages"
  | "verify"
  | "billing"
  | "facilitator"
  | "merchantApi"
  | "apiReference";
export type DocSection = "guides" | "reference";
export type DocPage = {
  slug: string;
  key: DocKey;
  section: DocSection;
  file: string;
  translations?: Partial<Record<Locale, string>>;
};

export const DOC_PAGES: DocPage[] = [
  {
    slug: "",
    key: "flow",
    section: "guides",
    file: "app/docs/_content/x402-flow.md",
    translations: { "zh-CN": "app/docs/_content/zh-CN/x402-flow.md" },
  },
  {
    slug: "sdk",
    key: "sdk",
    section: "guides",
    file: "sdk/README.md",
    translations: { "zh-CN": "app/docs/_content/zh-CN/sdk.md" },
  },
  {
    slug: "other-languages",
    key: "otherLanguages",
    section: "guides",
    file: "app/docs/_content/other-languages.md",
  },
  {
    slug: "verify-gateway-requests",
    key: "verify",
    section: "guides",
    file: "app/docs/_content/verify-gateway-requests.md",
  },
  {
    slug: "billing",
    key: "billing",
    section: "guides",
    file: "app/docs/_content/billing.md",
    translations: { "zh-CN": "app/docs/_content/zh-CN/billing.md" },
  },
  {
    slug: "facilitator",
    key: "facilitator",
    section: "reference",
    file: "app/docs/_content/facilitator-api.md",
    translations: { "zh-CN": "app/docs/_content/zh-CN/facilitator-api.md" },
  },
  {
    slug: "merchant-api",
    key: "merchantApi",
    section: "reference",
    file: "app/docs/_content/merchant-api.md",
  },
];

/** Docs pages that are not Markdown (their own routes under app/docs), listed in the sidebar too. */
export const DOC_ROUTES: Omit<DocPage, "file">[] = [
  { slug: "api-reference", key: "apiReference", section: "reference" },
];

export function findDoc(slug: string): DocPage | undefined {
  return DOC_PAGES.find((p) => p.slug === slug);
}

/** The file to show in `locale`: its translation when there is one, else the English original. */
export function docFileFor(page: DocPage, locale: Locale): { file: string; translated: boolean } {
  const translation = page.translations?.[locale];
  return translation
    ? { file: translation, translated: true }
    : { file: page.file, translated: locale === "en" };
}
