import { useTranslations } from "next-intl";
import Link from "next/link";

import { LanguageSwitch } from "@/app/_components/language-switch";
import { Logo } from "@/app/_components/logo";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  const t = useTranslations("common");
  return (
    <main className="relative flex min-h-screen flex-col items-center justify-center gap-8 bg-muted/40 px-4 py-12">
      <div className="absolute top-4 right-4">
        <LanguageSwitch />
      </div>
      <Link href="/" aria-label={t("shell.home")}>
        <Logo />
      </Link>
      <div className="w-full max-w-sm">{children}</div>
    </main>
  );
}
