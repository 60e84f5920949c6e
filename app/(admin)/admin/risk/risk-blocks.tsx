"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { DateTime } from "@/app/_components/date-time";
import { EmptyState } from "@/app/_components/empty-state";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { useErrorText } from "@/app/_lib/error-text";
import { serverFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { useValidationText } from "@/app/_lib/validation-text";
import { useHydrated } from "@/app/_lib/use-hydrated";
import { formatDateTime } from "@/app/_lib/utils";
import { createBlockInput, type RiskBlockKind } from "@/server/risk/schemas";

/** The platform's blocklist: block a payer or a client IP (with a reason and an optional expiry), lift a block. */
export function RiskBlocks() {
  const t = useTranslations("admin");
  const text = useValidationText();
  const locale = useLocale();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const hydrated = useHydrated();
  const [scope, setScope] = useState<"active" | "all">("active");
  const blocks = api.admin.risk.blocks.useQuery({ scope });
  const [kind, setKind] = useState<RiskBlockKind>("PAYER");
  const [value, setValue] = useState("");
  const [reason, setReason] = useState("");
  const [expires, setExpires] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const refresh = () => utils.admin.risk.blocks.invalidate();
  const block = api.admin.risk.block.useMutation({
    onSuccess: async (b) => {
      setValue("");
      setReason("");
      setExpires("");
      setErrors({});
      await refresh();
      toast.success(t("risk.blocked", { value: b.value }));
    },
    onError: (err) => {
      // field errors from the input schema or from the server's checks (fieldError), by field
      const fields = serverFieldErrors(err, text);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else setErrors({ value: errorText(err) });
    },
  });
  const unblock = api.admin.risk.unblock.useMutation({
    onSuccess: async (b) => {
      await refresh();
      toast.success(t("risk.unblocked", { value: b.value }));
    },
    onError: (err) => toast.error(errorText(err)),
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("risk.title")}</CardTitle>
        <CardDescription>{t("risk.description")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form
          method="post"
          aria-label={t("risk.block")}
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const input = { kind, value, reason, expiresAt: expires ? new Date(expires) : null };
            const parsed = createBlockInput.safeParse(input);
            if (!parsed.success) {
              return setErrors(
                Object.fromEntries(
                  parsed.error.issues.map((i) => [String(i.path[0] ?? "value"), text(i.message)]),
                ),
              );
            }
            block.mutate(parsed.data);
          }}
        >
          <div className="flex flex-col gap-3 lg:flex-row lg:items-start">
            <div className="grid gap-1.5">
              <Label htmlFor="block-kind">{t("risk.block")}</Label>
              <Select value={kind} onValueChange={(v) => setKind(v as RiskBlockKind)}>
                <SelectTrigger id="block-kind" className="w-48" aria-label={t("risk.blockKind")}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="PAYER">{t("risk.kind.PAYER")}</SelectItem>
                  <SelectItem value="CLIENT_IP">{t("risk.kind.CLIENT_IP")}</SelectItem>
                </SelectContent>
              </Select>
            </div>
            <div className="grid flex-1 gap-1.5">
              <Label htmlFor="block-value">
                {kind === "PAYER" ? t("risk.address") : t("risk.ipOrCidr")}
              </Label>
              <Input
                id="block-value"
                className="font-mono"
                value={value}
                onChange={(e) => setValue(e.target.value)}
                placeholder={kind === "PAYER" ? "0x…" : t("risk.ipPlaceholder")}
                spellCheck={false}
                aria-invalid={Boolean(errors.value)}
              />
              {errors.value && <p className="text-sm text-destructive">{errors.value}</p>}
            </div>
            <div className="grid flex-1 gap-1.5">
              <Label htmlFor="block-reason">{t("shared.reason")}</Label>
              <Input
                id="block-reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder={t("risk.reasonPlaceholder")}
                aria-invalid={Boolean(errors.reason)}
              />
              {errors.reason && <p className="text-sm text-destructive">{errors.reason}</p>}
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="block-expires">{t("risk.expires")}</Label>
              <Input
                id="block-expires"
                type="datetime-local"
                value={expires}
                onChange={(e) => setExpires(e.target.value)}
                aria-invalid={Boolean(errors.expiresAt)}
              />
              {errors.expiresAt && <p className="text-sm text-destructive">{errors.expiresAt}</p>}
            </div>
            <Button type="submit" className="lg:mt-6" disabled={!hydrated || block.isPending}>
              {t("risk.block")}
            </Button>
          </div>
        </form>
        <div className="flex items-center gap-2">
          <Label htmlFor="block-scope" className="text-muted-foreground">
            {t("risk.show")}
          </Label>
          <Select value={scope} onValueChange={(v) => setScope(v as "active" | "all")}>
            <SelectTrigger id="block-scope" className="w-40" aria-label={t("risk.blocksShown")}>
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="active">{t("risk.scopeActive")}</SelectItem>
              <SelectItem value="all">{t("risk.scopeAll")}</SelectItem>
            </SelectContent>
          </Select>
        </div>
        {!blocks.data ? (
          blocks.error ? (
            <p className="text-sm text-destructive">{errorText(blocks.error)}</p>
          ) : (
            <Skeleton className="h-24" />
          )
        ) : blocks.data.length === 0 ? (
          <EmptyState title={t("risk.emptyTitle")} description={t("risk.emptyDescription")} />
        ) : (
          <div className="rounded-lg border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("risk.kindColumn")}</TableHead>
                  <TableHead>{t("risk.value")}</TableHead>
                  <TableHead>{t("shared.reason")}</TableHead>
                  <TableHead>{t("risk.blockedAt")}</TableHead>
                  <TableHead>{t("risk.expiresColumn")}</TableHead>
                  <TableHead />
                </TableRow>
              </TableHeader>
              <TableBody>
                {blocks.data.map((b) => (
                  <TableRow key={b.id} data-testid="block-row" data-value={b.value}>
                    <TableCell>{t(`risk.kind.${b.kind}`)}</TableCell>
                    <TableCell className="font-mono text-xs">{b.value}</TableCell>
                    <TableCell className="max-w-xs">{b.reason}</TableCell>
                    <TableCell className="text-muted-foreground">
                      <DateTime value={b.createdAt} />
                    </TableCell>
                    <TableCell className="text-muted-foreground">
                      {b.expiresAt ? <DateTime value={b.expiresAt} /> : t("risk.never")}
                    </TableCell>
                    <TableCell className="text-right">
                      {b.active ? (
                        <Button
                          type="button"
                          size="sm"
                          variant="ghost"
                          disabled={unblock.isPending}
                          onClick={() => unblock.mutate({ blockId: b.id })}
                        >
                          {t("risk.unblock")}
                        </Button>
                      ) : (
                        <Badge variant="muted">
                          {b.revokedAt
                            ? t("risk.lifted", { time: formatDateTime(b.revokedAt, { locale }) })
                            : t("risk.lapsed")}
                        </Badge>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
