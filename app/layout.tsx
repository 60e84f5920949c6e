import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { headers } from "next/headers";

import { ThemeProvider } from "@/app/_components/theme-provider";
import { Toaster } from "@/app/_components/ui/sonner";
import { TRPCReactProvider } from "@/app/_lib/trpc/react";

import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return {
    title: { default: t("appName"), template: `%s · ${t("appName")}` },
    description: t("metaDescription"),
    icons: {
      icon: [
        { url: "/favicon.ico", sizes: "32x32" },
        { url: "/logo.svg", type: "image/svg+xml" },
      ],
    },
  };
}

// Every page renders per request: the middleware's CSP allows only scripts carrying this request's
// nonce (server/http/page-security.ts). Next.js adds it to its own scripts; the theme script needs it too.
// The locale is per request too (cookie or Accept-Language, server/i18n/request.ts); the provider
// hands the request's locale and messages to client components.
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [nonce, locale] = await Promise.all([
    headers().then((h) => h.get("x-nonce") ?? undefined),
    getLocale(),
  ]);
  return (
    <html lang={locale} suppressHydrationWarning>
      <body className="min-h-screen bg-background font-sans text-foreground antialiased">
        <NextIntlClientProvider>
          <ThemeProvider
            attribute="class"
            defaultTheme="system"
            enableSystem
            disableTransitionOnChange
            nonce={nonce}
          >
            <TRPCReactProvider>{children}</TRPCReactProvider>
            <Toaster richColors closeButton />
          </ThemeProvider>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
