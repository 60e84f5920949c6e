import { Languages } from "lucide-react";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";

import type { Locale } from "@/server/i18n/locales";

import { SequenceDiagram } from "../_components/sequence-diagram";
import { DOC_PAGES, docFileFor, findDoc, renderDoc } from "../_lib/docs";

export function generateStaticParams() {
  return DOC_PAGES.map((p) => ({ slug: p.slug ? [p.slug] : [] }));
}

export async function generateMetadata(props: {
  params: Promise<{ slug?: string[] }>;
}): Promise<Metadata> {
  const { slug } = await props.params;
  const t = await getTranslations("docs");
  const page = findDoc(slug?.join("/") ?? "");
  return { title: page ? t(`pages.${page.key}`) : t("title") };
}

export default async function DocPage(props: { params: Promise<{ slug?: string[] }> }) {
  const { slug } = await props.params;
  const page = findDoc(slug?.join("/") ?? "");
  if (!page) notFound();
  const t = await getTranslations("docs");
  const { file, translated } = docFileFor(page, (await getLocale()) as Locale);
  const html = await renderDoc(file);
  return (
    <article className="docs-prose">
      <h1>{t(`pages.${page.key}`)}</h1>
      {!translated && (
        <p
          role="note"
          data-testid="english-only"
          className="flex items-center gap-2 rounded-md border bg-muted/50 px-3 py-2 text-sm text-muted-foreground"
        >
          <Languages className="size-4 shrink-0" aria-hidden />
          {t("englishOnly")}
        </p>
      )}
      {page.slug === "" && <SequenceDiagram />}
      {/* trusted content: Markdown files from this repository */}
      <div lang={translated ? undefined : "en"} dangerouslySetInnerHTML={{ __html: html }} />
    </article>
  );
}
