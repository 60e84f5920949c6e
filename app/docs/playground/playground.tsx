"use client";

import { ConnectButton } from "@rainbow-me/rainbowkit";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { erc20Abi } from "viem";
import {
  useAccount,
  usePublicClient,
  useReadContract,
  useSwitchChain,
  useWalletClient,
} from "wagmi";

import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { PaymentOptionsList } from "@/app/_components/payment-options-list";
import { formatAmount } from "@/app/_lib/utils";
import { X402Client, X402Error, parsePaymentRequired } from "@/sdk/src";
import type { PlaygroundChain, PlaygroundEndpoint } from "@/server/playground/endpoints";

type Step = {
  title: string;
  status?: number;
  request?: [string, string][];
  response?: [string, string][];
  body?: string;
};

function HeaderList({ rows }: { rows: [string, string][] }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 font-mono text-[11px]">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-muted-foreground">{k}</dt>
          <dd className="break-all">{v.length > 160 ? `${v.slice(0, 160)}…` : v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Playground({
  gatewayUrl,
  endpoints,
  chains,
  initial,
}: {
  /** GATEWAY_URL: where buyers call the gateway (the console's origin unless set) */
  gatewayUrl: string;
  endpoints: PlaygroundEndpoint[];
  chains: PlaygroundChain[];
  initial: { merchantId?: string; path?: string };
}) {
  const t = useTranslations("playground");
  const locale = useLocale();
  const preselected = endpoints.find((e) => e.merchantId === initial.merchantId) ?? endpoints[0];
  const [merchantId, setMerchantId] = useState(initial.merchantId ?? preselected?.merchantId ?? "");
  const [path, setPath] = useState(initial.path ?? preselected?.path ?? "/");
  const [timeline, setTimeline] = useState<Step[]>([]);
  const [result, setResult] = useState<{
    status: number;
    body: string;
    tx?: string;
    network?: string;
    block?: string;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const endpoint =
    endpoints.find(
      (e) => e.merchantId === merchantId && path.startsWith(e.pattern.replace(/\*.*$/, "")),
    ) ?? endpoints.find((e) => e.merchantId === merchantId);
  const chainId = endpoint ? Number(endpoint.network.split(":")[1]) : undefined;
  const chain = chains.find((c) => c.id === chainId);
  const { address, chainId: walletChainId, isConnected } = useAccount();
  const { data: walletClient } = useWalletClient();
  const { switchChainAsync } = useSwitchChain();
  const publicClient = usePublicClient({ chainId });
  const balance = useReadContract({
    address: chain?.asset?.address as `0x${string}` | undefined,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: address ? [address] : undefined,
    chainId,
    query: { enabled: Boolean(address && chain?.asset) },
  });

  const url = `${gatewayUrl}/${merchantId}${path}`;

  async function send() {
    setBusy(true);
    setError(null);
    setResult(null);
    const res = await fetch(url, { headers: { accept: "application/json" } });
    const body = await res.text();
    setTimeline([
      {
        title: t("steps.unpaid"),
        status: res.status,
        request: [["GET", url]],
        response: [...res.headers.entries()],
        body,
      },
    ]);
    if (res.status === 402) {
      try {
        const required = parsePaymentRequired(
          res.headers.get("payment-required"),
          JSON.parse(body),
          location.href,
        );
        const r = required.accepts[0];
        if (r) {
          const title = t("steps.required", {
            amount: formatAmount(r.amount, chain?.asset?.decimals ?? 6, { locale }),
            symbol: chain?.asset?.symbol ?? "",
            network: chain?.name ?? r.network,
            payTo: r.payTo,
          });
          setTimeline((steps) => [...steps, { title }]);
        }
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    } else {
      setResult({ status: res.status, body });
    }
    setBusy(false);
  }

  async function pay() {
    if (!walletClient || !endpoint || !chain?.asset || !chainId) return;
    setBusy(true);
    setError(null);
    try {
      if (walletChainId !== chainId) await switchChainAsync({ chainId });
      const recording: typeof fetch = async (input, init) => {
        const headers = new Headers(init?.headers);
        const res = await fetch(input, init);
        const copy = res.clone();
        const text = await copy.text();
        const paying = headers.has("payment-signature") || headers.has("x-payment");
        setTimeline((steps) => [
          ...steps,
          {
            title: paying ? t("steps.retry") : t("steps.sdkRequest"),
            status: res.status,
            request: [...headers.entries()],
            response: [...res.headers.entries()],
            body: text,
          },
        ]);
        return res;
      };
      const client = new X402Client({
        endpoint: gatewayUrl,
        merchantId,
        // a viem WalletClient; its generic typed-data signature is wider than the SDK's structural type
        wallet: walletClient as unknown as ConstructorParameters<typeof X402Client>[0]["wallet"],
        maxAmount: { [chain.asset.address]: endpoint.price },
        assets: [
          {
            network: endpoint.network,
            address: chain.asset.address,
            symbol: chain.asset.symbol,
            decimals: chain.asset.decimals,
          },
        ],
        fetch: recording,
      });
      const res = await client.request<string>({ path, responseType: "text" });
      let block: string | undefined;
      if (res.payment?.transaction && publicClient) {
        const receipt = await publicClient.waitForTransactionReceipt({
          hash: res.payment.transaction as `0x${string}`,
        });
        block = receipt.blockNumber.toString();
      }
      setResult({
        status: res.status,
        body: res.data,
        tx: res.payment?.transaction,
        network: res.payment?.network,
        block,
      });
      await balance.refetch();
    } catch (err) {
      setError(
        err instanceof X402Error
          ? `${err.code}: ${err.message}`
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>{t("endpoint.title")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-3">
          {/* issue 25: the trigger used to be as wide as its text (w-fit) and ran under the path input;
              every column now has min-w-0 and the trigger fills its column and truncates */}
          <div className="grid gap-3 md:grid-cols-[minmax(0,18rem)_minmax(0,1fr)_auto] md:items-end">
            <div className="grid min-w-0 gap-1.5">
              <Label htmlFor="pg-endpoint">{t("endpoint.paid")}</Label>
              <Select
                value={endpoint ? `${endpoint.merchantId} ${endpoint.pattern}` : ""}
                onValueChange={(v) => {
                  const chosen = endpoints.find((e) => `${e.merchantId} ${e.pattern}` === v);
                  if (chosen) {
                    setMerchantId(chosen.merchantId);
                    setPath(chosen.path);
                  }
                }}
              >
                <SelectTrigger
                  id="pg-endpoint"
                  aria-label={t("endpoint.paid")}
                  className="w-full min-w-0"
                  data-testid="pg-endpoint"
                >
                  <SelectValue placeholder={t("endpoint.choose")} />
                </SelectTrigger>
                <SelectContent>
                  {endpoints.map((e) => (
                    <SelectItem
                      key={`${e.merchantId} ${e.pattern}`}
                      value={`${e.merchantId} ${e.pattern}`}
                    >
                      {t("endpoint.option", {
                        merchant: e.merchantName,
                        pattern: e.pattern,
                        price: e.price,
                        symbol: e.symbol,
                      })}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
            <div className="grid min-w-0 gap-1.5">
              <Label htmlFor="pg-path">{t("endpoint.path")}</Label>
              <Input
                id="pg-path"
                className="font-mono"
                value={path}
                onChange={(e) => setPath(e.target.value)}
              />
            </div>
            <Button onClick={() => void send()} disabled={busy || !merchantId}>
              {t("endpoint.send")}
            </Button>
          </div>
          <p className="font-mono text-xs break-all text-muted-foreground">GET {url}</p>
          {endpoint && endpoint.options.length > 0 && (
            <div className="grid gap-1">
              <p className="text-xs font-medium">{t("endpoint.waysToPay")}</p>
              <PaymentOptionsList options={endpoint.options} testId="pg-payment-options" />
            </div>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-4">
          <CardTitle>{t("wallet.title")}</CardTitle>
          <ConnectButton showBalance={false} />
        </CardHeader>
        <CardContent className="grid gap-2 text-sm">
          {isConnected && chain?.asset ? (
            <p data-testid="playground-balance">
              {t("wallet.balance", {
                amount:
                  balance.data === undefined
                    ? "…"
                    : formatAmount(balance.data, chain.asset.decimals, { locale }),
                symbol: chain.asset.symbol,
                network: chain.name,
              })}
            </p>
          ) : (
            <p className="text-muted-foreground">
              {t("wallet.connectHint", { demo: t("wallet.demoName") })}
            </p>
          )}
          <Button
            onClick={() => void pay()}
            disabled={busy || !isConnected || !endpoint}
            className="w-fit"
          >
            {t("wallet.pay")}
          </Button>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>{t("result.title")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4">
          {error && (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          )}
          {result && (
            <div className="grid gap-2 text-sm" data-testid="playground-result">
              <p>
                <Badge variant={result.status < 300 ? "success" : "danger"}>{result.status}</Badge>{" "}
                {result.tx && (
                  <>
                    {t.rich("result.paidIn", {
                      tx: () => (
                        <span className="font-mono text-xs break-all" data-testid="playground-tx">
                          {result.tx}
                        </span>
                      ),
                    })}
                    {result.block && <> {t("result.block", { block: result.block })}</>}
                  </>
                )}
              </p>
              <pre className="max-h-60 overflow-auto rounded-md bg-muted p-3 font-mono text-xs">
                {result.body}
              </pre>
            </div>
          )}
          <ol className="grid gap-3" data-testid="playground-timeline">
            {timeline.map((step, i) => (
              <li key={i} className="rounded-md border p-3 text-sm">
                <p className="font-medium">
                  {i + 1}. {step.title}{" "}
                  {step.status !== undefined && (
                    <Badge
                      variant={
                        step.status < 300 ? "success" : step.status === 402 ? "warning" : "danger"
                      }
                    >
                      {step.status}
                    </Badge>
                  )}
                </p>
                {(step.request || step.response) && (
                  <details className="mt-2">
                    <summary className="cursor-pointer text-xs text-muted-foreground">
                      {t("result.rawHeaders")}
                    </summary>
                    <div className="mt-2 grid gap-2">
                      {step.request && <HeaderList rows={step.request} />}
                      {step.response && <HeaderList rows={step.response} />}
                    </div>
                  </details>
                )}
              </li>
            ))}
          </ol>
        </CardContent>
      </Card>
    </div>
  );
}
