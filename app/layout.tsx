import type { Metadata } from "next";
import { headers } from "next/headers";

import { ThemeProvider } from "@/app/_components/theme-provider";
import { Toaster } from "@/app/_components/ui/sonner";
import { TRPCReactProvider } from "@/app/_lib/trpc/react";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "x402 Gateway", template: "%s · x402 Gateway" },
  description: "Charge per API call in stablecoins with HTTP 402, without touching your code.",
  icons: { icon: [{ url: "/favicon.ico", sizes: "32x32" }, { url: "/logo.svg", type: "image/svg+xml" }] },
};

// Every page renders per request: the middleware's CSP allows only scripts carrying this request's
// nonce (server/http/page-security.ts). Next.js adds it to its own scripts; the theme script needs it too.
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen bg-background font-sans text-foreground antialiased">
        <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange nonce={nonce}>
          <TRPCReactProvider>{children}</TRPCReactProvider>
          <Toaster richColors closeButton />
        </ThemeProvider>
      </body>
    </html>
  );
}
