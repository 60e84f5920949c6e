"use client";

import { Download, Printer } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";

import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { Table, TableBody, TableCell, TableRow } from "@/app/_components/ui/table";
import type { RouterOutputs } from "@/app/_lib/trpc/react";
import { formatAmount } from "@/app/_lib/utils";

type Statement = RouterOutputs["billing"]["statement"];

/** The last twelve calendar months, newest first, as YYYY-MM (UTC). */
export function recentMonths(now = new Date(), count = 12): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7),
  );
}

/** The month picker of the statement pages (the last twelve months). */
export function MonthSelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (month: string) => void;
}) {
  const t = useTranslations("common");
  return (
    <div className="grid w-40 gap-1.5 print:hidden">
      <Label htmlFor={id}>{t("statement.month")}</Label>
      <Select value={value} onValueChange={onChange}>
        <SelectTrigger id={id} aria-label={t("statement.month")}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {recentMonths().map((m) => (
            <SelectItem key={m} value={m}>
              {m}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}

export function downloadCsv(csv: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

const ROWS = [
  "opening",
  "gross",
  "fees",
  "refunds",
  "adjustments",
  "net",
  "payouts",
  "closing",
] as const;

/** A monthly statement: one table per network and asset, amounts exact to the atomic unit. */
export function StatementView({ statement, onCsv }: { statement: Statement; onCsv: () => void }) {
  const t = useTranslations("common");
  const locale = useLocale();
  return (
    <Card data-testid="statement">
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-4">
        <div>
          <CardTitle>
            {statement.merchantName} · {statement.month}
          </CardTitle>
          <CardDescription>
            {statement.settlementMode === "PLATFORM"
              ? t("statement.platformMode")
              : t("statement.directMode")}
          </CardDescription>
        </div>
        <div className="flex gap-2 print:hidden">
          <Button variant="outline" size="sm" onClick={() => window.print()}>
            <Printer aria-hidden /> {t("statement.print")}
          </Button>
          <Button variant="outline" size="sm" onClick={onCsv}>
            <Download aria-hidden /> CSV
          </Button>
        </div>
      </CardHeader>
      <CardContent className="grid gap-6">
        {statement.lines.length === 0 && (
          <p className="text-sm text-muted-foreground">{t("statement.empty")}</p>
        )}
        {statement.lines.map((line) => (
          <div key={`${line.network}:${line.asset}`} className="grid gap-2">
            <p className="text-sm text-muted-foreground">
              {t("statement.lineHeading", {
                symbol: line.symbol,
                network: line.network,
                paidCalls: line.paidCalls,
              })}
            </p>
            <Table>
              <TableBody>
                {ROWS.map((key) => (
                  <TableRow
                    key={key}
                    data-testid={`statement-${key}`}
                    className={key === "net" || key === "closing" ? "font-medium" : undefined}
                  >
                    <TableCell>{t(`statement.rows.${key}`)}</TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatAmount(line[key], line.decimals, { minDecimals: 2, locale })}{" "}
                      {line.symbol}
                      <span className="ml-2 font-mono text-xs text-muted-foreground">
                        {line[key]}
                      </span>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ))}
      </CardContent>
    </Card>
  );
}
