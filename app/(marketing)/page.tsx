import { ArrowRight, Coins, ShieldCheck, Zap } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";

import { Logo } from "@/app/_components/logo";
import { ThemeToggle } from "@/app/_components/theme-toggle";
import { Button } from "@/app/_components/ui/button";
import { getEnv } from "@/server/env";

// The share card (public/og.png) needs an absolute URL, so it is resolved against this deployment's APP_URL.
export function generateMetadata(): Metadata {
  const description = "Charge per API call in stablecoins with HTTP 402, without touching your code.";
  return {
    metadataBase: new URL(getEnv().APP_URL),
    openGraph: {
      title: "x402 Gateway",
      description,
      type: "website",
      images: [{ url: "/og.png", width: 1200, height: 630, alt: "x402 Gateway: GET → 402 → pay USDC → 200 with a receipt" }],
    },
    twitter: { card: "summary_large_image", title: "x402 Gateway", description, images: ["/og.png"] },
  };
}

const FEATURES = [
  { icon: Coins, title: "Per-call pricing", text: "Price any path in USDC. Unpaid calls get an x402 402 with everything a client needs to pay." },
  { icon: ShieldCheck, title: "Nothing lost", text: "Every payment is reserved once, settled only when your API answered, and recorded with its transaction." },
  { icon: Zap, title: "No code changes", text: "Point the gateway at your API. Free paths stream straight through; paid ones cost milliseconds." },
];

export default function LandingPage() {
  return (
    <div className="min-h-screen">
      <header className="mx-auto flex max-w-6xl items-center justify-between px-6 py-5">
        <Logo />
        <nav className="flex items-center gap-2">
          <ThemeToggle />
          <Button asChild variant="ghost">
            <Link href="/login">Sign in</Link>
          </Button>
          <Button asChild>
            <Link href="/signup">Get started</Link>
          </Button>
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-6">
        <section className="py-20 text-center md:py-28">
          <p className="mb-4 text-sm font-medium tracking-wide text-primary uppercase">HTTP 402 · x402 · USDC</p>
          <h1 className="mx-auto max-w-3xl text-4xl font-semibold tracking-tight text-balance md:text-6xl">
            Charge for every API call in stablecoins
          </h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-muted-foreground">
            x402 Gateway sits in front of your API, answers unpaid calls with payment requirements, verifies and
            settles payments on chain, and forwards paid calls to you.
          </p>
          <div className="mt-10 flex justify-center gap-3">
            <Button asChild size="lg">
              <Link href="/signup">
                Create a merchant <ArrowRight className="size-4" aria-hidden />
              </Link>
            </Button>
          </div>
        </section>
        <section className="grid gap-6 pb-24 md:grid-cols-3">
          {FEATURES.map((f) => (
            <div key={f.title} className="rounded-xl border bg-card p-6">
              <f.icon className="mb-4 size-6 text-primary" aria-hidden />
              <h2 className="font-semibold">{f.title}</h2>
              <p className="mt-2 text-sm text-muted-foreground">{f.text}</p>
            </div>
          ))}
        </section>
      </main>
    </div>
  );
}
