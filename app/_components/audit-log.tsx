"use client";

import { ScrollText } from "lucide-react";
import { useTranslations } from "next-intl";
import { Fragment, useState } from "react";

import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";
import { cn } from "@/app/_lib/utils";
import { auditDiff } from "@/server/audit/diff";
import type { AuditEntryDto } from "@/server/audit/audit-log";

type Filters = {
  actor?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
  merchantId?: string;
};

function Diff({ before, after }: { before: unknown; after: unknown }) {
  const t = useTranslations("common");
  const rows = auditDiff(before, after);
  if (rows.length === 0)
    return <p className="text-sm text-muted-foreground">{t("audit.noValues")}</p>;
  return (
    <table className="w-full text-xs" data-testid="audit-diff">
      <thead>
        <tr className="text-left text-muted-foreground">
          <th className="py-1 pr-4 font-normal">{t("audit.field")}</th>
          <th className="py-1 pr-4 font-normal">{t("audit.before")}</th>
          <th className="py-1 font-normal">{t("audit.after")}</th>
        </tr>
      </thead>
      <tbody className="font-mono">
        {rows.map((r) => (
          <tr key={r.field} className={cn(!r.changed && "text-muted-foreground")}>
            <td className="py-1 pr-4 align-top">{r.field}</td>
            <td
              className={cn(
                "py-1 pr-4 align-top break-all",
                r.changed && r.before !== undefined && "text-destructive line-through",
              )}
            >
              {r.before ?? "—"}
            </td>
            <td
              className={cn(
                "py-1 align-top break-all",
                r.changed && r.after !== undefined && "text-success",
              )}
            >
              {r.after ?? "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Entries({ items, showMerchant }: { items: AuditEntryDto[]; showMerchant: boolean }) {
  const t = useTranslations("common");
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>{t("audit.time")}</TableHead>
          <TableHead>{t("audit.who")}</TableHead>
          <TableHead>{t("audit.role")}</TableHead>
          <TableHead>IP</TableHead>
          <TableHead>{t("audit.action")}</TableHead>
          <TableHead>{t("audit.target")}</TableHead>
          {showMerchant && <TableHead>{t("audit.merchant")}</TableHead>}
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((e) => (
          <Fragment key={e.id}>
            <TableRow
              data-testid="audit-row"
              className="cursor-pointer"
              onClick={() => setOpen(open === e.id ? null : e.id)}
              aria-expanded={open === e.id}
            >
              <TableCell className="whitespace-nowrap">
                <DateTime value={e.createdAt} />
              </TableCell>
              <TableCell className="max-w-56 truncate" title={e.actorEmail ?? undefined}>
                {e.actorEmail ?? e.actorUserId ?? e.actorKeyId ?? t("audit.system")}
              </TableCell>
              <TableCell className="text-xs">{e.actorRole}</TableCell>
              <TableCell className="font-mono text-xs">{e.ip ?? "—"}</TableCell>
              <TableCell className="font-mono text-xs">{e.action}</TableCell>
              <TableCell className="max-w-44 text-xs">
                {e.targetType}
                {e.targetId && (
                  <span
                    className="block truncate font-mono text-muted-foreground"
                    title={e.targetId}
                  >
                    {e.targetId}
                  </span>
                )}
              </TableCell>
              {showMerchant && (
                <TableCell className="max-w-40 truncate">{e.merchantName ?? "—"}</TableCell>
              )}
            </TableRow>
            {open === e.id && (
              <TableRow>
                <TableCell colSpan={showMerchant ? 7 : 6} className="bg-muted/40">
                  <Diff before={e.before} after={e.after} />
                  {e.requestId && (
                    <p className="mt-2 font-mono text-xs text-muted-foreground">
                      {t("audit.request", { requestId: e.requestId })}
                    </p>
                  )}
                </TableCell>
              </TableRow>
            )}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
}

function FilterForm({
  onFilter,
  showMerchant,
}: {
  onFilter: (f: Filters) => void;
  showMerchant: boolean;
}) {
  const t = useTranslations("common");
  const [draft, setDraft] = useState({
    actor: "",
    action: "",
    target: "",
    from: "",
    to: "",
    merchantId: "",
  });
  const field = (
    id: keyof typeof draft,
    label: string,
    props: React.ComponentProps<typeof Input> = {},
  ) => (
    <div className="grid gap-1.5">
      <Label htmlFor={`audit-${id}`}>{label}</Label>
      <Input
        id={`audit-${id}`}
        value={draft[id]}
        onChange={(e) => setDraft({ ...draft, [id]: e.target.value })}
        {...props}
      />
    </div>
  );
  return (
    <form
      method="post"
      className={cn(
        "grid gap-3 sm:items-end",
        showMerchant
          ? "sm:grid-cols-[1fr_1fr_1fr_1fr_9rem_9rem_auto]"
          : "sm:grid-cols-[1fr_1fr_1fr_9rem_9rem_auto]",
      )}
      onSubmit={(e) => {
        e.preventDefault();
        onFilter({
          actor: draft.actor.trim() || undefined,
          action: draft.action.trim() || undefined,
          target: draft.target.trim() || undefined,
          merchantId: draft.merchantId.trim() || undefined,
          from: draft.from ? new Date(`${draft.from}T00:00:00Z`) : undefined,
          to: draft.to
            ? new Date(new Date(`${draft.to}T00:00:00Z`).getTime() + 86_400_000)
            : undefined,
        });
      }}
    >
      {field("actor", t("audit.actorFilter"))}
      {showMerchant &&
        field("merchantId", t("audit.merchantId"), {
          className: "font-mono",
          placeholder: "mer_…",
        })}
      {field("action", t("audit.action"), { className: "font-mono", placeholder: "merchant." })}
      {field("target", t("audit.targetFilter"))}
      {field("from", t("audit.from"), { type: "date" })}
      {field("to", t("audit.to"), { type: "date" })}
      <Button type="submit" variant="secondary">
        {t("audit.filter")}
      </Button>
    </form>
  );
}

/** The platform admin's audit log: every entry, every merchant. */
export function AdminAuditLog() {
  const [filters, setFilters] = useState<Filters>({});
  const q = api.admin.audit.list.useInfiniteQuery(
    { limit: 50, ...filters },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" },
  );
  return (
    <AuditLogCard
      query={q}
      filters={<FilterForm onFilter={setFilters} showMerchant />}
      showMerchant
    />
  );
}

/** A merchant's own audit log (OWNERs only; the procedure refuses other roles). */
export function MerchantAuditLog({ merchantId }: { merchantId: string }) {
  const [filters, setFilters] = useState<Omit<Filters, "merchantId">>({});
  const q = api.audit.list.useInfiniteQuery(
    { merchantId, limit: 50, ...filters },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchOnMount: "always" },
  );
  return (
    <AuditLogCard
      query={q}
      filters={
        <FilterForm
          onFilter={({ merchantId: _ignored, ...f }) => setFilters(f)}
          showMerchant={false}
        />
      }
      showMerchant={false}
    />
  );
}

type AuditQuery = {
  isLoading: boolean;
  error: { message: string } | null;
  data?: { pages: { items: AuditEntryDto[] }[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
};

function AuditLogCard({
  query,
  filters,
  showMerchant,
}: {
  query: AuditQuery;
  filters: React.ReactNode;
  showMerchant: boolean;
}) {
  const t = useTranslations("common");
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <CardContent className="grid gap-4 pt-6">
        {filters}
        {query.isLoading ? (
          <Skeleton className="h-24" />
        ) : query.error ? (
          <p role="alert" className="text-sm text-destructive">
            {t("audit.loadFailed", { message: query.error.message })}
          </p>
        ) : items.length === 0 ? (
          <EmptyState
            icon={ScrollText}
            title={t("audit.emptyTitle")}
            description={t("audit.emptyDescription")}
          />
        ) : (
          <>
            <Entries items={items} showMerchant={showMerchant} />
            {query.hasNextPage && (
              <Button
                variant="outline"
                onClick={() => void query.fetchNextPage()}
                disabled={query.isFetchingNextPage}
              >
                {query.isFetchingNextPage ? t("table.loading") : t("table.loadMore")}
              </Button>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
