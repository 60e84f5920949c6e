"use client";

import { Ticket } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";

import { Address } from "@/app/_components/address";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Switch } from "@/app/_components/ui/switch";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { useErrorText } from "@/app/_lib/error-text";
import { api, type RouterOutputs } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";

type Entitlement = RouterOutputs["entitlements"]["list"][number];

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function Remaining({ entitlement: e }: { entitlement: Entitlement }) {
  const t = useTranslations("console");
  const locale = useLocale();
  if (e.billingMode === "BUNDLE")
    return t("entitlements.callsLeft", {
      remaining: e.callsRemaining ?? 0,
      total: e.callsTotal ?? 0,
    });
  return e.expiresAt
    ? t("entitlements.until", { date: formatDateTime(e.expiresAt, { locale }) })
    : "—";
}

function statusOf(e: Entitlement): {
  status: string;
  label: "revoked" | "active" | "usedUp" | "expired";
} {
  if (e.revokedAt) return { status: "DISABLED", label: "revoked" };
  if (e.active) return { status: "ACTIVE", label: "active" };
  return { status: "EXPIRED", label: e.billingMode === "BUNDLE" ? "usedUp" : "expired" };
}

export function Entitlements({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const locale = useLocale();
  const errorText = useErrorText();
  const [payer, setPayer] = useState("");
  const [showAll, setShowAll] = useState(false);
  const payerFilter = ADDRESS.test(payer.trim()) ? payer.trim() : undefined;
  const list = api.entitlements.list.useQuery(
    { merchantId, payer: payerFilter, state: showAll ? "all" : "active" },
    { refetchInterval: 10_000 },
  );
  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-end justify-between gap-4">
        <CardTitle>
          {showAll ? t("entitlements.allTitle") : t("entitlements.activeTitle")}
        </CardTitle>
        <div className="flex flex-wrap items-end gap-4">
          <div className="grid gap-1.5">
            <Label htmlFor="entitlement-payer">{t("entitlements.buyerWallet")}</Label>
            <Input
              id="entitlement-payer"
              className="w-96 max-w-full font-mono"
              placeholder="0x…"
              value={payer}
              onChange={(e) => setPayer(e.target.value)}
            />
          </div>
          <label className="flex items-center gap-2 text-sm">
            <Switch
              checked={showAll}
              onCheckedChange={setShowAll}
              aria-label={t("entitlements.includeInactive")}
            />
            {t("entitlements.includeInactive")}
          </label>
        </div>
      </CardHeader>
      <CardContent>
        {list.isLoading ? (
          <div className="grid gap-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </div>
        ) : list.error ? (
          <p role="alert" className="text-sm text-destructive">
            {t("entitlements.loadFailed", { message: errorText(list.error) })}
          </p>
        ) : !list.data?.length ? (
          <EmptyState
            icon={Ticket}
            title={t("entitlements.emptyTitle")}
            description={t("entitlements.emptyDescription")}
          />
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("entitlements.buyer")}</TableHead>
                <TableHead>{t("entitlements.rule")}</TableHead>
                <TableHead>{t("entitlements.kind")}</TableHead>
                <TableHead>{t("entitlements.remaining")}</TableHead>
                <TableHead className="text-right">{t("entitlements.callsServed")}</TableHead>
                <TableHead>{t("entitlements.bought")}</TableHead>
                <TableHead>{t("entitlements.status")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.map((e) => {
                const state = statusOf(e);
                return (
                  <TableRow key={e.id} data-testid="entitlement-row">
                    <TableCell>
                      <Address value={e.payer} />
                    </TableCell>
                    <TableCell className="font-mono text-xs">
                      {e.rule.methods.join(", ")} {e.rule.pathPattern}
                    </TableCell>
                    <TableCell>
                      {e.billingMode === "BUNDLE"
                        ? t("entitlements.bundle")
                        : t("entitlements.timePass")}
                    </TableCell>
                    <TableCell>
                      <Remaining entitlement={e} />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{e.callsServed}</TableCell>
                    <TableCell>{formatDateTime(e.createdAt, { locale })}</TableCell>
                    <TableCell>
                      <StatusBadge
                        status={state.status}
                        label={t(`entitlements.state.${state.label}`)}
                      />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}
