import type { Metadata } from "next";

import { api } from "@/app/_lib/trpc/server";

import { Playground } from "./playground";
import { WalletProviders } from "./wallet-providers";

export const metadata: Metadata = { title: "Playground" };
export const dynamic = "force-dynamic";

export default async function PlaygroundPage(props: { searchParams: Promise<{ merchant?: string; path?: string }> }) {
  const query = await props.searchParams;
  const setup = await api.playground.setup();
  return (
    <article className="grid gap-6">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Playground</h1>
        <p className="text-sm text-muted-foreground">Call a paid endpoint, see its 402, pay it from a wallet and watch every step.</p>
      </div>
      <WalletProviders chains={setup.chains} demoAddress={(setup.demoWallet?.address as `0x${string}` | undefined) ?? null}>
        <Playground gatewayUrl={setup.gatewayUrl} endpoints={setup.endpoints} chains={setup.chains} initial={{ merchantId: query.merchant, path: query.path }} />
      </WalletProviders>
    </article>
  );
}
