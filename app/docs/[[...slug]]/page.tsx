import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { SequenceDiagram } from "../_components/sequence-diagram";
import { DOC_PAGES, findDoc, renderDoc } from "../_lib/docs";

export function generateStaticParams() {
  return DOC_PAGES.map((p) => ({ slug: p.slug ? [p.slug] : [] }));
}

export async function generateMetadata(props: { params: Promise<{ slug?: string[] }> }): Promise<Metadata> {
  const { slug } = await props.params;
  return { title: findDoc(slug?.join("/") ?? "")?.title ?? "Docs" };
}

export default async function DocPage(props: { params: Promise<{ slug?: string[] }> }) {
  const { slug } = await props.params;
  const page = findDoc(slug?.join("/") ?? "");
  if (!page) notFound();
  const html = await renderDoc(page);
  return (
    <article className="docs-prose">
      <h1>{page.title}</h1>
      {page.slug === "" && <SequenceDiagram />}
      {/* trusted content: Markdown files from this repository */}
      <div dangerouslySetInnerHTML={{ __html: html }} />
    </article>
  );
}
