"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { Input } from "@/app/_components/ui/input";
import { cn } from "@/app/_lib/utils";

/** Titles and section names arrive translated (the layout renders them on the server). */
type NavPage = { slug: string; title: string; section: string };

export function DocsNav({ pages }: { pages: NavPage[] }) {
  const t = useTranslations("docs");
  const pathname = usePathname();
  const [query, setQuery] = useState("");
  const shown = pages.filter((p) => p.title.toLowerCase().includes(query.trim().toLowerCase()));
  const sections = [...new Set(shown.map((p) => p.section))];
  const linkClass = (href: string) =>
    cn("rounded px-2 py-1 hover:bg-muted", pathname === href && "bg-muted font-medium");
  return (
    <nav aria-label={t("nav.label")} className="grid content-start gap-4 text-sm">
      <Input
        type="search"
        placeholder={t("nav.searchPlaceholder")}
        aria-label={t("nav.search")}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {sections.map((section) => (
        <div key={section} className="grid gap-1">
          <p className="font-medium text-muted-foreground">{section}</p>
          {shown
            .filter((p) => p.section === section)
            .map((p) => {
              const href = p.slug ? `/docs/${p.slug}` : "/docs";
              return (
                <Link
                  key={p.slug}
                  href={href}
                  aria-current={pathname === href ? "page" : undefined}
                  className={linkClass(href)}
                >
                  {p.title}
                </Link>
              );
            })}
        </div>
      ))}
      {shown.length === 0 && <p className="text-muted-foreground">{t("nav.noMatch")}</p>}
      {query.trim() === "" && (
        <Link
          href="/docs/playground"
          aria-current={pathname === "/docs/playground" ? "page" : undefined}
          className={cn(linkClass("/docs/playground"), "border")}
        >
          {t("nav.playground")}
        </Link>
      )}
    </nav>
  );
}
