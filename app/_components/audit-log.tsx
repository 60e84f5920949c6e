"use client";

import { ScrollText } from "lucide-react";
import { Fragment, useState } from "react";

import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";
import { cn } from "@/app/_lib/utils";
import { auditDiff } from "@/server/audit/diff";
import type { AuditEntryDto } from "@/server/audit/audit-log";

type Filters = { actor?: string; action?: string; target?: string; from?: Date; to?: Date; merchantId?: string };

function Diff({ before, after }: { before: unknown; after: unknown }) {
  const rows = auditDiff(before, after);
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">No recorded values.</p>;
  return (
    <table className="w-full text-xs" data-testid="audit-diff">
      <thead>
        <tr className="text-left text-muted-foreground">
          <th className="py-1 pr-4 font-normal">Field</th>
          <th className="py-1 pr-4 font-normal">Before</th>
          <th className="py-1 font-normal">After</th>
        </tr>
      </thead>
      <tbody className="font-mono">
        {rows.map((r) => (
          <tr key={r.field} className={cn(!r.changed && "text-muted-foreground")}>
            <td className="py-1 pr-4 align-top">{r.field}</td>
            <td className={cn("py-1 pr-4 align-top break-all", r.changed && r.before !== undefined && "text-destructive line-through")}>{r.before ?? "—"}</td>
            <td className={cn("py-1 align-top break-all", r.changed && r.after !== undefined && "text-success")}>{r.after ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Entries({ items, showMerchant }: { items: AuditEntryDto[]; showMerchant: boolean }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Time</TableHead>
          <TableHead>Who</TableHead>
          <TableHead>Role</TableHead>
          <TableHead>IP</TableHead>
          <TableHead>Action</TableHead>
          <TableHead>Target</TableHead>
          {showMerchant && <TableHead>Merchant</TableHead>}
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((e) => (
          <Fragment key={e.id}>
            <TableRow data-testid="audit-row" className="cursor-pointer" onClick={() => setOpen(open === e.id ? null : e.id)} aria-expanded={open === e.id}>
              <TableCell className="whitespace-nowrap"><DateTime value={e.createdAt} /></TableCell>
              <TableCell className="max-w-56 truncate" title={e.actorEmail ?? undefined}>
                {e.actorEmail ?? e.actorUserId ?? e.actorKeyId ?? "system"}
              </TableCell>
              <TableCell className="text-xs">{e.actorRole}</TableCell>
              <TableCell className="font-mono text-xs">{e.ip ?? "—"}</TableCell>
              <TableCell className="font-mono text-xs">{e.action}</TableCell>
              <TableCell className="max-w-44 text-xs">
                {e.targetType}
                {e.targetId && (
                  <span className="block truncate font-mono text-muted-foreground" title={e.targetId}>
                    {e.targetId}
                  </span>
                )}
              </TableCell>
              {showMerchant && <TableCell className="max-w-40 truncate">{e.merchantName ?? "—"}</TableCell>}
            </TableRow>
            {open === e.id && (
              <TableRow>
                <TableCell colSpan={showMerchant ? 7 : 6} className="bg-muted/40">
                  <Diff before={e.before} after={e.after} />
                  {e.requestId && <p className="mt-2 font-mono text-xs text-muted-foreground">request {e.requestId}</p>}
                </TableCell>
              </TableRow>
            )}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
}

function FilterForm({ onFilter, showMerchant }: { onFilter: (f: Filters) => void; showMerchant: boolean }) {
  const [draft, setDraft] = useState({ actor: "", action: "", target: "", from: "", to: "", merchantId: "" });
  const field = (id: keyof typeof draft, label: string, props: React.ComponentProps<typeof Input> = {}) => (
    <div className="grid gap-1.5">
      <Label htmlFor={`audit-${id}`}>{label}</Label>
      <Input id={`audit-${id}`} value={draft[id]} onChange={(e) => setDraft({ ...draft, [id]: e.target.value })} {...props} />
    </div>
  );
  return (
    <form
      method="post"
      className={cn("grid gap-3 sm:items-end", showMerchant ? "sm:grid-cols-[1fr_1fr_1fr_1fr_9rem_9rem_auto]" : "sm:grid-cols-[1fr_1fr_1fr_9rem_9rem_auto]")}
      onSubmit={(e) => {
        e.preventDefault();
        onFilter({
          actor: draft.actor.trim() || undefined,
          action: draft.action.trim() || undefined,
          target: draft.target.trim() || undefined,
          merchantId: draft.merchantId.trim() || undefined,
          from: draft.from ? new Date(`${draft.from}T00:00:00Z`) : undefined,
          to: draft.to ? new Date(new Date(`${draft.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
        });
      }}
    >
      {field("actor", "Actor (email or id)")}
      {showMerchant && field("merchantId", "Merchant id", { className: "font-mono", placeholder: "mer_…" })}
      {field("action", "Action", { className: "font-mono", placeholder: "merchant." })}
      {field("target", "Target (type or id)")}
      {field("from", "From", { type: "date" })}
      {field("to", "To", { type: "date" })}
      <Button type="submit" variant="secondary">
        Filter
      </Button>
    </form>
  );
}

/** The platform admin's audit log: every entry, every merchant. */
export function AdminAuditLog() {
  const [filters, setFilters] = useState<Filters>({});
  const q = api.admin.audit.list.useInfiniteQuery({ limit: 50, ...filters }, { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" });
  return <AuditLogCard query={q} filters={<FilterForm onFilter={setFilters} showMerchant />} showMerchant />;
}

/** A merchant's own audit log (OWNERs only; the procedure refuses other roles). */
export function MerchantAuditLog({ merchantId }: { merchantId: string }) {
  const [filters, setFilters] = useState<Omit<Filters, "merchantId">>({});
  const q = api.audit.list.useInfiniteQuery({ merchantId, limit: 50, ...filters }, { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" });
  return <AuditLogCard query={q} filters={<FilterForm onFilter={({ merchantId: _ignored, ...f }) => setFilters(f)} showMerchant={false} />} showMerchant={false} />;
}

type AuditQuery = {
  isLoading: boolean;
  error: { message: string } | null;
  data?: { pages: { items: AuditEntryDto[] }[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
};

function AuditLogCard({ query, filters, showMerchant }: { query: AuditQuery; filters: React.ReactNode; showMerchant: boolean }) {
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <CardContent className="grid gap-4 pt-6">
        {filters}
        {query.isLoading ? (
          <Skeleton className="h-24" />
        ) : query.error ? (
          <p role="alert" className="text-sm text-destructive">
            Could not load the audit log: {query.error.message}
          </p>
        ) : items.length === 0 ? (
          <EmptyState icon={ScrollText} title="No entries" description="Every change made through the consoles is recorded here." />
        ) : (
          <>
            <Entries items={items} showMerchant={showMerchant} />
            {query.hasNextPage && (
              <Button variant="outline" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                {query.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
