import { useTranslations } from "next-intl";
import Link from "next/link";

import { LanguageSwitch } from "@/app/_components/language-switch";
import { Logo } from "@/app/_components/logo";
import { ThemeToggle } from "@/app/_components/theme-toggle";
import { SignOutButton } from "@/app/_components/user-menu";

import { NavLinks, type NavItem } from "./nav-links";

/** The console and admin shell: top bar, sidebar navigation, content. */
export function AppShell(props: {
  title: React.ReactNode;
  nav: NavItem[];
  userLabel: string;
  children: React.ReactNode;
}) {
  const t = useTranslations("common");
  return (
    <div className="flex min-h-screen flex-col">
      <header className="sticky top-0 z-30 flex h-14 items-center gap-4 border-b bg-background/95 px-4 backdrop-blur md:px-6">
        <Link href="/console" aria-label={t("shell.consoleHome")} className="shrink-0">
          <Logo />
        </Link>
        <div className="min-w-0 flex-1 truncate text-sm font-medium text-muted-foreground">
          {props.title}
        </div>
        <span className="hidden text-sm text-muted-foreground sm:inline" data-testid="user-label">
          {props.userLabel}
        </span>
        <LanguageSwitch />
        <ThemeToggle />
        <SignOutButton />
      </header>
      <div className="flex flex-1 flex-col md:flex-row">
        <aside className="border-b md:w-56 md:shrink-0 md:border-r md:border-b-0">
          <NavLinks items={props.nav} />
        </aside>
        <main className="min-w-0 flex-1 p-4 md:p-8">{props.children}</main>
      </div>
    </div>
  );
}
