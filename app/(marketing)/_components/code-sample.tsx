"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { CopyButton } from "@/app/_components/copy-button";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/app/_components/ui/tabs";

/** The same paid call twice: by hand with curl, and through the SDK. Code stays in English. */
export function CodeSample({ gatewayUrl }: { gatewayUrl: string }) {
  const t = useTranslations("marketing");
  const samples = [
    {
      id: "curl",
      label: t("code.curl"),
      code: `curl -i ${gatewayUrl}/mer_…/api/signal/btc
# HTTP/1.1 402 Payment Required  ·  PAYMENT-REQUIRED: eyJ4NDAyVmVyc2lvbiI6Mi…`,
    },
    {
      id: "sdk",
      label: t("code.sdk"),
      code: `const client = new X402Client({ endpoint: "${gatewayUrl}", merchantId: "mer_…", wallet, maxAmount: { USDC: "0.50" } });
const { data, payment } = await client.request({ path: "/api/signal/btc" }); // pays the 402, retries, returns 200`,
    },
  ];
  const [active, setActive] = useState("curl");
  // the copy button sits in the tab bar, not over the code: on a phone the code scrolls under it
  return (
    <Tabs
      value={active}
      onValueChange={setActive}
      className="min-w-0 gap-0 overflow-hidden rounded-xl border bg-card"
    >
      <div className="flex items-center justify-between gap-2 border-b px-3 py-2">
        <TabsList aria-label={t("code.tabsLabel")}>
          {samples.map((s) => (
            <TabsTrigger key={s.id} value={s.id} className="px-3">
              {s.label}
            </TabsTrigger>
          ))}
        </TabsList>
        <CopyButton
          value={samples.find((s) => s.id === active)?.code ?? ""}
          label={t("code.copy")}
        />
      </div>
      {samples.map((s) => (
        <TabsContent key={s.id} value={s.id}>
          <pre
            className="overflow-x-auto p-4 font-mono text-xs leading-relaxed"
            data-testid={`code-${s.id}`}
          >
            <code>{s.code}</code>
          </pre>
        </TabsContent>
      ))}
    </Tabs>
  );
}
