import {
  ArrowRight,
  BookOpen,
  Coins,
  FlaskConical,
  LayoutDashboard,
  ShieldCheck,
  Zap,
} from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";

import { LanguageSwitch } from "@/app/_components/language-switch";
import { Logo } from "@/app/_components/logo";
import { ThemeToggle } from "@/app/_components/theme-toggle";
import { Button } from "@/app/_components/ui/button";
import { getEnv } from "@/server/env";

import { CodeSample } from "./_components/code-sample";
import { FlowDiagram } from "./_components/flow-diagram";

// The share card (public/og.png) needs an absolute URL, so it is resolved against this deployment's APP_URL.
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("marketing");
  const description = t("meta.description");
  return {
    metadataBase: new URL(getEnv().APP_URL),
    description,
    openGraph: {
      title: "x402 Gateway",
      description,
      type: "website",
      images: [{ url: "/og.png", width: 1200, height: 630, alt: t("meta.ogImageAlt") }],
    },
    twitter: {
      card: "summary_large_image",
      title: "x402 Gateway",
      description,
      images: ["/og.png"],
    },
  };
}

const FEATURES = [
  { key: "pricing", icon: Coins },
  { key: "safety", icon: ShieldCheck },
  { key: "noCode", icon: Zap },
] as const;

const NEXT_STEPS = [
  { key: "docs", icon: BookOpen, href: "/docs" },
  { key: "playground", icon: FlaskConical, href: "/docs/playground" },
  { key: "console", icon: LayoutDashboard, href: "/signup" },
] as const;

export default function LandingPage() {
  const t = useTranslations("marketing");
  return (
    <div className="min-h-screen">
      <header className="mx-auto flex max-w-6xl items-center justify-between gap-2 px-4 py-5 sm:px-6">
        <Link href="/" className="shrink-0">
          <Logo />
        </Link>
        <nav aria-label={t("nav.label")} className="flex items-center gap-1 sm:gap-2">
          <Button asChild variant="ghost" className="hidden md:inline-flex">
            <Link href="/docs">{t("nav.docs")}</Link>
          </Button>
          <Button asChild variant="ghost" className="hidden md:inline-flex">
            <Link href="/docs/playground">{t("nav.playground")}</Link>
          </Button>
          <LanguageSwitch />
          <ThemeToggle />
          <Button asChild variant="ghost" className="hidden sm:inline-flex">
            <Link href="/login">{t("nav.signIn")}</Link>
          </Button>
          <Button asChild>
            <Link href="/signup">{t("nav.getStarted")}</Link>
          </Button>
        </nav>
      </header>
      <main className="mx-auto grid max-w-6xl gap-20 px-4 pb-24 sm:px-6">
        <section className="pt-12 text-center md:pt-20">
          <p className="mb-4 text-sm font-medium tracking-wide text-primary uppercase">
            HTTP 402 · x402 · USDC
          </p>
          <h1 className="mx-auto max-w-3xl text-4xl font-semibold tracking-tight text-balance md:text-6xl">
            {t("hero.title")}
          </h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-muted-foreground">{t("hero.lead")}</p>
          <div className="mt-10 flex flex-col items-center justify-center gap-3 sm:flex-row">
            <Button asChild size="lg">
              <Link href="/signup">
                {t("hero.createMerchant")} <ArrowRight className="size-4" aria-hidden />
              </Link>
            </Button>
            <Button asChild size="lg" variant="outline">
              <Link href="/docs">{t("hero.readDocs")}</Link>
            </Button>
            <Button asChild size="lg" variant="ghost">
              <Link href="/docs/playground">{t("hero.tryPlayground")}</Link>
            </Button>
          </div>
        </section>

        <section aria-labelledby="flow-title" className="grid gap-6">
          <h2 id="flow-title" className="text-center text-2xl font-semibold tracking-tight">
            {t("flow.title")}
          </h2>
          <FlowDiagram />
        </section>

        <section
          aria-labelledby="code-title"
          className="grid items-center gap-6 md:grid-cols-[2fr_3fr]"
        >
          <div className="grid gap-3">
            <h2 id="code-title" className="text-2xl font-semibold tracking-tight">
              {t("code.title")}
            </h2>
            <p className="text-muted-foreground">{t("code.lead")}</p>
            <Link
              href="/docs/sdk"
              className="inline-flex w-fit items-center gap-1 text-sm font-medium text-primary hover:underline"
            >
              {t("code.more")} <ArrowRight className="size-4" aria-hidden />
            </Link>
          </div>
          <CodeSample gatewayUrl={getEnv().GATEWAY_URL} />
        </section>

        <section aria-labelledby="features-title" className="grid gap-6">
          <h2 id="features-title" className="text-center text-2xl font-semibold tracking-tight">
            {t("features.title")}
          </h2>
          <div className="grid gap-6 md:grid-cols-3">
            {FEATURES.map((f) => (
              <div key={f.key} className="rounded-xl border bg-card p-6">
                <f.icon className="mb-4 size-6 text-primary" aria-hidden />
                <h3 className="font-semibold">{t(`features.${f.key}.title`)}</h3>
                <p className="mt-2 text-sm text-muted-foreground">{t(`features.${f.key}.text`)}</p>
              </div>
            ))}
          </div>
        </section>

        <section aria-labelledby="next-title" className="grid gap-6">
          <h2 id="next-title" className="text-center text-2xl font-semibold tracking-tight">
            {t("next.title")}
          </h2>
          <div className="grid gap-4 md:grid-cols-3">
            {NEXT_STEPS.map((s) => (
              <Link
                key={s.key}
                href={s.href}
                className="group grid gap-2 rounded-xl border bg-card p-6 transition-colors hover:border-primary"
              >
                <s.icon className="size-5 text-primary" aria-hidden />
                <span className="flex items-center gap-1 font-semibold">
                  {t(`next.${s.key}.title`)}{" "}
                  <ArrowRight
                    className="size-4 transition-transform group-hover:translate-x-0.5"
                    aria-hidden
                  />
                </span>
                <span className="text-sm text-muted-foreground">{t(`next.${s.key}.text`)}</span>
              </Link>
            ))}
          </div>
        </section>
      </main>
    </div>
  );
}
