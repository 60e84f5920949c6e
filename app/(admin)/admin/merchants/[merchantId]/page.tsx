import type { Metadata } from "next";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Address } from "@/app/_components/address";
import { Amount } from "@/app/_components/amount";
import { DateTime } from "@/app/_components/date-time";
import { PageHeader } from "@/app/_components/page-header";
import { PaymentOptionsList } from "@/app/_components/payment-options-list";
import { StatusBadge } from "@/app/_components/status-badge";
import { TxHash } from "@/app/_components/tx-hash";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/server";
import { formatDateTime } from "@/app/_lib/utils";
import { auth } from "@/server/auth";
import { merchantIdSchema } from "@/server/merchants/schemas";

import {
  FacilitatorChange,
  FeeTemplateAssign,
  MerchantActions,
  SettlementModeChange,
} from "./merchant-actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.merchant.title") };
}

export const dynamic = "force-dynamic";

function Section({
  title,
  children,
  empty,
}: {
  title: string;
  children: React.ReactNode;
  empty?: string | false;
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        {empty ? <p className="text-sm text-muted-foreground">{empty}</p> : children}
      </CardContent>
    </Card>
  );
}

export default async function AdminMerchantPage(props: {
  params: Promise<{ merchantId: string }>;
}) {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const { merchantId } = await props.params;
  if (!merchantIdSchema.safeParse(merchantId).success) notFound();
  const m = await api.admin.merchants.get({ merchantId }).catch(() => null);
  if (!m) notFound();
  const t = await getTranslations("admin");
  const format = await getFormatter();
  const locale = await getLocale();
  return (
    <div className="grid gap-6">
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {m.name} <StatusBadge status={m.status} />
          </span>
        }
        description={<span className="font-mono">{m.id}</span>}
        actions={<MerchantActions merchantId={m.id} status={m.status} />}
      />
      {m.statusReason && (
        <p
          className="rounded-md border border-destructive/40 p-3 text-sm"
          data-testid="status-reason"
        >
          {t("merchant.disabledReason", { reason: m.statusReason })}
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Section title={t("merchant.profile")}>
          <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-muted-foreground">{t("merchant.gatewayUrl")}</dt>
            <dd className="font-mono text-xs">/{m.id}/…</dd>
            <dt className="text-muted-foreground">{t("merchant.upstream")}</dt>
            <dd className="break-all font-mono text-xs">{m.upstreamBaseUrl}</dd>
            <dt className="text-muted-foreground">{t("merchant.payoutAddress")}</dt>
            <dd>
              <Address value={m.payoutAddress} />
            </dd>
            <dt className="text-muted-foreground">{t("merchant.settlement")}</dt>
            <dd>
              {t("merchant.settlementValue", {
                mode: m.settlementMode,
                facilitator: m.facilitator,
              })}
            </dd>
            <dt className="text-muted-foreground">{t("merchant.created")}</dt>
            <dd>
              <DateTime value={m.createdAt} />
            </dd>
            <dt className="text-muted-foreground">
              {t("merchant.lastDays", { days: m.metrics.days })}
            </dt>
            <dd>
              {t("merchant.metrics", {
                calls: m.metrics.calls,
                paid: m.metrics.paidCalls,
                errorRate:
                  m.metrics.errorRate === null
                    ? "—"
                    : format.number(m.metrics.errorRate, {
                        style: "percent",
                        maximumFractionDigits: 1,
                      }),
              })}{" "}
              <Amount atomic={m.metrics.revenueAtomic} decimals={6} symbol="USDC" />
            </dd>
          </dl>
          <div className="mt-4 grid gap-4">
            <FeeTemplateAssign merchantId={m.id} templateId={m.feeTemplate?.id ?? null} />
            <SettlementModeChange merchantId={m.id} mode={m.settlementMode} />
            <FacilitatorChange merchantId={m.id} facilitator={m.facilitator} />
          </div>
        </Section>
        <Section
          title={t("merchant.members")}
          empty={m.members.length === 0 && t("merchant.noMembers")}
        >
          <Table>
            <TableBody>
              {m.members.map((u) => (
                <TableRow key={u.id}>
                  <TableCell>{u.email ?? u.walletAddress ?? u.userId}</TableCell>
                  <TableCell>
                    <StatusBadge status={u.role} />
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    <DateTime value={u.createdAt} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section
          title={t("merchant.pricingRules")}
          empty={m.pricingRules.length === 0 && t("merchant.noPricingRules")}
        >
          <Table>
            <TableBody>
              {m.pricingRules.map((r) => (
                <TableRow key={r.id}>
                  <TableCell className="font-mono text-xs">
                    {r.methods.join(", ")} {r.pathPattern}
                  </TableCell>
                  <TableCell>
                    {/* every way its 402 offers to pay, from the same pricing the gateway does */}
                    {r.offer.length > 0 ? (
                      <PaymentOptionsList options={r.offer} testId="rule-payment-options" />
                    ) : (
                      `${r.price} ${r.assetSymbol}`
                    )}
                  </TableCell>
                  <TableCell className="text-xs text-muted-foreground">
                    {t("merchant.billingMode", { mode: r.billingMode })} ·{" "}
                    {t("merchant.settlementPolicy", { policy: r.settlementPolicy })}
                    {r.active ? "" : t("merchant.inactive")}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section
          title={t("merchant.apiKeys")}
          empty={m.apiKeys.length === 0 && t("merchant.noApiKeys")}
        >
          <Table>
            <TableBody>
              {m.apiKeys.map((k) => (
                <TableRow key={k.id}>
                  <TableCell>{k.name}</TableCell>
                  <TableCell className="font-mono text-xs">
                    {k.prefix}…{k.partialKey}
                  </TableCell>
                  <TableCell className="text-xs text-muted-foreground">
                    {k.revokedAt
                      ? t("merchant.keyRevoked", { time: formatDateTime(k.revokedAt, { locale }) })
                      : k.lastUsedAt
                        ? t("merchant.keyUsed", { time: formatDateTime(k.lastUsedAt, { locale }) })
                        : t("merchant.keyNeverUsed")}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section
          title={t("merchant.failureReasons")}
          empty={m.failureReasons.length === 0 && t("merchant.noFailures")}
        >
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("shared.stage")}</TableHead>
                <TableHead>{t("shared.reason")}</TableHead>
                <TableHead className="text-right">{t("shared.calls")}</TableHead>
                <TableHead>{t("merchant.last")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {m.failureReasons.map((f) => (
                <TableRow key={`${f.stage}:${f.reason}`}>
                  <TableCell>{f.stage}</TableCell>
                  <TableCell className="font-mono text-xs">{f.reason}</TableCell>
                  <TableCell className="text-right tabular-nums">{f.count}</TableCell>
                  <TableCell className="text-muted-foreground">
                    <DateTime value={f.last} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section
          title={t("merchant.alerts")}
          empty={m.alerts.length === 0 && t("merchant.noAlerts")}
        >
          <Table>
            <TableBody>
              {m.alerts.map((a) => (
                <TableRow key={a.id}>
                  <TableCell>
                    <StatusBadge status={a.severity} />
                  </TableCell>
                  <TableCell>{a.title}</TableCell>
                  <TableCell>
                    <StatusBadge status={a.status} />
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    <DateTime value={a.openedAt} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
      </div>
      <Section
        title={t("merchant.recentPayments")}
        empty={m.recentPayments.length === 0 && t("merchant.noPayments")}
      >
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("merchant.time")}</TableHead>
              <TableHead>{t("shared.status")}</TableHead>
              <TableHead>{t("merchant.payer")}</TableHead>
              <TableHead className="text-right">{t("shared.amount")}</TableHead>
              <TableHead>{t("shared.transaction")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {m.recentPayments.map((p) => (
              <TableRow key={p.id}>
                <TableCell className="whitespace-nowrap">
                  <DateTime value={p.createdAt} />
                </TableCell>
                <TableCell>
                  <StatusBadge status={p.status} />
                </TableCell>
                <TableCell>
                  <Address value={p.payer} />
                </TableCell>
                <TableCell className="text-right">
                  <Amount atomic={p.amountAtomic} decimals={p.decimals} symbol={p.assetSymbol} />
                </TableCell>
                <TableCell>
                  {p.txHash ? (
                    <TxHash hash={p.txHash} explorerUrl={p.explorerUrl ?? undefined} />
                  ) : (
                    (p.errorReason ?? "—")
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <p className="mt-3 text-sm">
          <Link
            className="underline-offset-4 hover:underline"
            href={`/admin/payments?merchantId=${m.id}`}
          >
            {t("merchant.allPayments")}
          </Link>
        </p>
      </Section>
    </div>
  );
}
