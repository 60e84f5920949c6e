import type { Metadata } from "next";
import Link from "next/link";

import { PageHeader } from "@/app/_components/page-header";
import { StatusBadge } from "@/app/_components/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/server";
import { formatDateTime } from "@/app/_lib/utils";
import { auth } from "@/server/auth";

export const metadata: Metadata = { title: "Merchants" };
export const dynamic = "force-dynamic";

export default async function AdminMerchantsPage() {
  // pages render alongside their layout: the layout shows the refusal, the page renders nothing
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const { items } = await api.admin.merchants.list({ limit: 50 });
  return (
    <div className="grid gap-6">
      <PageHeader title="Merchants" description="Every merchant on the platform." />
      <div className="rounded-lg border">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead>Status</TableHead>
              <TableHead>Upstream</TableHead>
              <TableHead className="text-right">Members</TableHead>
              <TableHead>Created</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((m) => (
              <TableRow key={m.id}>
                <TableCell className="font-medium">
                  <span>{m.name}</span>
                  <span className="block font-mono text-xs text-muted-foreground">{m.id}</span>
                </TableCell>
                <TableCell>
                  <StatusBadge status={m.status} />
                </TableCell>
                <TableCell className="max-w-64 truncate font-mono text-xs">{m.upstreamBaseUrl}</TableCell>
                <TableCell className="text-right tabular-nums">{m.members}</TableCell>
                <TableCell className="text-muted-foreground">{formatDateTime(m.createdAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <p className="text-sm text-muted-foreground">
        <Link href="/console" className="underline-offset-4 hover:underline">
          Back to the merchant console
        </Link>
      </p>
    </div>
  );
}
