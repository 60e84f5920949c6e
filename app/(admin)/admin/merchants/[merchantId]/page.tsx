import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Address } from "@/app/_components/address";
import { Amount } from "@/app/_components/amount";
import { PageHeader } from "@/app/_components/page-header";
import { StatusBadge } from "@/app/_components/status-badge";
import { TxHash } from "@/app/_components/tx-hash";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/server";
import { formatDateTime } from "@/app/_lib/utils";
import { auth } from "@/server/auth";
import { merchantIdSchema } from "@/server/merchants/schemas";

import { FacilitatorChange, FeeTemplateAssign, MerchantActions, SettlementModeChange } from "./merchant-actions";

export const metadata: Metadata = { title: "Merchant" };
export const dynamic = "force-dynamic";

const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

function Section({ title, children, empty }: { title: string; children: React.ReactNode; empty?: string | false }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>{empty ? <p className="text-sm text-muted-foreground">{empty}</p> : children}</CardContent>
    </Card>
  );
}

export default async function AdminMerchantPage(props: { params: Promise<{ merchantId: string }> }) {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const { merchantId } = await props.params;
  if (!merchantIdSchema.safeParse(merchantId).success) notFound();
  const m = await api.admin.merchants.get({ merchantId }).catch(() => null);
  if (!m) notFound();
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
        <p className="rounded-md border border-destructive/40 p-3 text-sm" data-testid="status-reason">
          Disabled: {m.statusReason}
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Section title="Profile">
          <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-muted-foreground">Gateway URL</dt>
            <dd className="font-mono text-xs">/{m.id}/…</dd>
            <dt className="text-muted-foreground">Upstream</dt>
            <dd className="break-all font-mono text-xs">{m.upstreamBaseUrl}</dd>
            <dt className="text-muted-foreground">Settlement wallet</dt>
            <dd>
              <Address value={m.payoutAddress} />
            </dd>
            <dt className="text-muted-foreground">Settlement</dt>
            <dd>
              {m.settlementMode.toLowerCase()} · {m.facilitator.toLowerCase()} facilitator
            </dd>
            <dt className="text-muted-foreground">Created</dt>
            <dd>{formatDateTime(m.createdAt)}</dd>
            <dt className="text-muted-foreground">Last {m.metrics.days} days</dt>
            <dd>
              {m.metrics.calls} calls, {m.metrics.paidCalls} paid, error rate {m.metrics.errorRate === null ? "—" : percent.format(m.metrics.errorRate)}, revenue <Amount atomic={m.metrics.revenueAtomic} decimals={6} symbol="USDC" />
            </dd>
          </dl>
          <div className="mt-4 grid gap-4">
            <FeeTemplateAssign merchantId={m.id} templateId={m.feeTemplate?.id ?? null} />
            <SettlementModeChange merchantId={m.id} mode={m.settlementMode} />
            <FacilitatorChange merchantId={m.id} facilitator={m.facilitator} />
          </div>
        </Section>
        <Section title="Members" empty={m.members.length === 0 && "No members."}>
          <Table>
            <TableBody>
              {m.members.map((u) => (
                <TableRow key={u.id}>
                  <TableCell>{u.email ?? u.walletAddress ?? u.userId}</TableCell>
                  <TableCell>
                    <StatusBadge status={u.role} />
                  </TableCell>
                  <TableCell className="text-muted-foreground">{formatDateTime(u.createdAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title="Pricing rules" empty={m.pricingRules.length === 0 && "No pricing rules: every path is free."}>
          <Table>
            <TableBody>
              {m.pricingRules.map((r) => (
                <TableRow key={r.id}>
                  <TableCell className="font-mono text-xs">
                    {r.methods.join(", ")} {r.pathPattern}
                  </TableCell>
                  <TableCell>
                    {r.price} {r.assetSymbol}
                  </TableCell>
                  <TableCell className="text-xs text-muted-foreground">
                    {r.billingMode.toLowerCase().replace("_", " ")} · {r.settlementPolicy.toLowerCase().replace("_", " ")}
                    {r.active ? "" : " · inactive"}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title="API keys" empty={m.apiKeys.length === 0 && "No API keys."}>
          <Table>
            <TableBody>
              {m.apiKeys.map((k) => (
                <TableRow key={k.id}>
                  <TableCell>{k.name}</TableCell>
                  <TableCell className="font-mono text-xs">
                    {k.prefix}…{k.partialKey}
                  </TableCell>
                  <TableCell className="text-xs text-muted-foreground">{k.revokedAt ? `revoked ${formatDateTime(k.revokedAt)}` : k.lastUsedAt ? `used ${formatDateTime(k.lastUsedAt)}` : "never used"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title="Failure reasons (30 days)" empty={m.failureReasons.length === 0 && "No failed calls."}>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Stage</TableHead>
                <TableHead>Reason</TableHead>
                <TableHead className="text-right">Calls</TableHead>
                <TableHead>Last</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {m.failureReasons.map((f) => (
                <TableRow key={`${f.stage}:${f.reason}`}>
                  <TableCell>{f.stage}</TableCell>
                  <TableCell className="font-mono text-xs">{f.reason}</TableCell>
                  <TableCell className="text-right tabular-nums">{f.count}</TableCell>
                  <TableCell className="text-muted-foreground">{formatDateTime(f.last)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title="Alerts" empty={m.alerts.length === 0 && "No alerts."}>
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
                  <TableCell className="text-muted-foreground">{formatDateTime(a.openedAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
      </div>
      <Section title="Recent payments" empty={m.recentPayments.length === 0 && "No payments yet."}>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Time</TableHead>
              <TableHead>Status</TableHead>
              <TableHead>Payer</TableHead>
              <TableHead className="text-right">Amount</TableHead>
              <TableHead>Transaction</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {m.recentPayments.map((p) => (
              <TableRow key={p.id}>
                <TableCell className="whitespace-nowrap">{formatDateTime(p.createdAt)}</TableCell>
                <TableCell>
                  <StatusBadge status={p.status} />
                </TableCell>
                <TableCell>
                  <Address value={p.payer} />
                </TableCell>
                <TableCell className="text-right">
                  <Amount atomic={p.amountAtomic} decimals={p.decimals} symbol={p.assetSymbol} />
                </TableCell>
                <TableCell>{p.txHash ? <TxHash hash={p.txHash} explorerUrl={p.explorerUrl ?? undefined} /> : (p.errorReason ?? "—")}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <p className="mt-3 text-sm">
          <Link className="underline-offset-4 hover:underline" href={`/admin/payments?merchantId=${m.id}`}>
            All payments of this merchant
          </Link>
        </p>
      </Section>
    </div>
  );
}
