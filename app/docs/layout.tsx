import Link from "next/link";
import { useTranslations } from "next-intl";

import { LanguageSwitch } from "@/app/_components/language-switch";
import { Logo } from "@/app/_components/logo";
import { ThemeToggle } from "@/app/_components/theme-toggle";

import { DocsNav } from "./_components/docs-nav";
import { DOC_PAGES, DOC_ROUTES } from "./_lib/docs";

export default function DocsLayout({ children }: { children: React.ReactNode }) {
  const t = useTranslations("docs");
  const pages = [...DOC_PAGES, ...DOC_ROUTES].map(({ slug, key, section }) => ({
    slug,
    title: t(`pages.${key}`),
    section: t(`sections.${section}`),
  }));
  return (
    <div className="min-h-screen">
      <header className="flex items-center justify-between gap-2 border-b px-4 py-3 sm:px-6">
        <Link
          href="/"
          aria-label={t("home")}
          className="flex min-w-0 items-center gap-2 font-semibold"
        >
          <Logo /> <span className="text-muted-foreground">{t("title")}</span>
        </Link>
        <div className="flex items-center gap-1">
          <LanguageSwitch />
          <ThemeToggle />
        </div>
      </header>
      <div className="mx-auto grid max-w-6xl gap-8 px-4 py-8 sm:px-6 md:grid-cols-[14rem_1fr]">
        <DocsNav pages={pages} />
        <main className="min-w-0">{children}</main>
      </div>
    </div>
  );
}
