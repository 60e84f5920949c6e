"use client";

import { Ticket } from "lucide-react";
import { useState } from "react";

import { Address } from "@/app/_components/address";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Switch } from "@/app/_components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api, type RouterOutputs } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";

type Entitlement = RouterOutputs["entitlements"]["list"][number];

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function remainingText(e: Entitlement): string {
  if (e.billingMode === "BUNDLE") return `${e.callsRemaining ?? 0} of ${e.callsTotal ?? 0} calls left`;
  return e.expiresAt ? `until ${formatDateTime(e.expiresAt)}` : "—";
}

function statusOf(e: Entitlement): { status: string; label: string } {
  if (e.revokedAt) return { status: "DISABLED", label: "Revoked" };
  if (e.active) return { status: "ACTIVE", label: "Active" };
  return { status: "EXPIRED", label: e.billingMode === "BUNDLE" ? "Used up" : "Expired" };
}

export function Entitlements({ merchantId }: { merchantId: string }) {
  const [payer, setPayer] = useState("");
  const [showAll, setShowAll] = useState(false);
  const payerFilter = ADDRESS.test(payer.trim()) ? payer.trim() : undefined;
  const list = api.entitlements.list.useQuery({ merchantId, payer: payerFilter, state: showAll ? "all" : "active" }, { refetchInterval: 10_000 });
  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-end justify-between gap-4">
        <CardTitle>{showAll ? "All passes and bundles" : "Active passes and bundles"}</CardTitle>
        <div className="flex flex-wrap items-end gap-4">
          <div className="grid gap-1.5">
            <Label htmlFor="entitlement-payer">Buyer wallet</Label>
            <Input id="entitlement-payer" className="w-96 max-w-full font-mono" placeholder="0x…" value={payer} onChange={(e) => setPayer(e.target.value)} />
          </div>
          <label className="flex items-center gap-2 text-sm">
            <Switch checked={showAll} onCheckedChange={setShowAll} aria-label="Include used up and expired" />
            Include used up and expired
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
            Could not load passes and bundles: {list.error.message}
          </p>
        ) : !list.data?.length ? (
          <EmptyState icon={Ticket} title="No passes or bundles" description="Price a rule as a bundle of calls or a time pass; what buyers buy shows here." />
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Buyer</TableHead>
                <TableHead>Rule</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead>Remaining</TableHead>
                <TableHead className="text-right">Calls served</TableHead>
                <TableHead>Bought</TableHead>
                <TableHead>Status</TableHead>
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
                    <TableCell>{e.billingMode === "BUNDLE" ? "Bundle" : "Time pass"}</TableCell>
                    <TableCell>{remainingText(e)}</TableCell>
                    <TableCell className="text-right tabular-nums">{e.callsServed}</TableCell>
                    <TableCell>{formatDateTime(e.createdAt)}</TableCell>
                    <TableCell>
                      <StatusBadge status={state.status} label={state.label} />
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
