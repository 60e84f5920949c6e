import type { Metadata } from "next";

import { ThemeProvider } from "@/app/_components/theme-provider";
import { Toaster } from "@/app/_components/ui/sonner";
import { TRPCReactProvider } from "@/app/_lib/trpc/react";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "x402 Gateway", template: "%s · x402 Gateway" },
  description: "Charge per API call in stablecoins with HTTP 402, without touching your code.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen bg-background font-sans text-foreground antialiased">
        <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
          <TRPCReactProvider>{children}</TRPCReactProvider>
          <Toaster richColors closeButton />
        </ThemeProvider>
      </body>
    </html>
  );
}
