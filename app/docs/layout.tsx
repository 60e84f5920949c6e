import Link from "next/link";

import { Logo } from "@/app/_components/logo";
import { ThemeToggle } from "@/app/_components/theme-toggle";

import { DocsNav } from "./_components/docs-nav";
import { DOC_PAGES, DOC_ROUTES } from "./_lib/docs";

export default function DocsLayout({ children }: { children: React.ReactNode }) {
  const pages = [...DOC_PAGES, ...DOC_ROUTES].map(({ slug, title, section }) => ({ slug, title, section }));
  return (
    <div className="min-h-screen">
      <header className="flex items-center justify-between border-b px-6 py-3">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <Logo /> <span className="text-muted-foreground">Docs</span>
        </Link>
        <ThemeToggle />
      </header>
      <div className="mx-auto grid max-w-6xl gap-8 px-6 py-8 md:grid-cols-[14rem_1fr]">
        <DocsNav pages={pages} />
        <main className="min-w-0">{children}</main>
      </div>
    </div>
  );
}
