import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { api } from "@/app/_lib/trpc/server";

import { Playground } from "./playground";
import { WalletProviders } from "./wallet-providers";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("playground");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

export default async function PlaygroundPage(props: {
  searchParams: Promise<{ merchant?: string; path?: string }>;
}) {
  const query = await props.searchParams;
  const setup = await api.playground.setup();
  const t = await getTranslations("playground");
  return (
    <article className="grid gap-6">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-muted-foreground">{t("lead")}</p>
      </div>
      <WalletProviders
        demoName={t("wallet.demoName")}
        chains={setup.chains}
        demoAddress={(setup.demoWallet?.address as `0x${string}` | undefined) ?? null}
      >
        <Playground
          gatewayUrl={setup.gatewayUrl}
          endpoints={setup.endpoints}
          chains={setup.chains}
          initial={{ merchantId: query.merchant, path: query.path }}
        />
      </WalletProviders>
    </article>
  );
}
