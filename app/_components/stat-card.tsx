import { ArrowDownRightIcon, ArrowUpRightIcon, MinusIcon } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import type * as React from "react";

import { Card, CardContent, CardHeader } from "@/app/_components/ui/card";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { cn } from "@/app/_lib/utils";

/**
 * A headline number. `delta` is the change against the previous period as a ratio (0.12 = +12%);
 * `null` means there is no previous value to compare with. Set `isIncreaseBad` for metrics such
 * as error rates, where going up is the bad direction.
 */
export function StatCard({
  label,
  value,
  delta,
  deltaLabel,
  isIncreaseBad = false,
  icon: Icon,
  isLoading = false,
  className,
}: {
  label: React.ReactNode;
  value: React.ReactNode;
  delta?: number | null;
  deltaLabel?: React.ReactNode;
  isIncreaseBad?: boolean;
  icon?: React.ComponentType<{ className?: string; "aria-hidden"?: boolean }>;
  isLoading?: boolean;
  className?: string;
}) {
  return (
    <Card data-slot="stat-card" className={cn("gap-3", className)}>
      <CardHeader className="flex flex-row items-center justify-between gap-2">
        <p className="text-sm font-medium text-muted-foreground">{label}</p>
        {Icon && <Icon className="size-4 text-muted-foreground" aria-hidden />}
      </CardHeader>
      <CardContent className="grid gap-1">
        {isLoading ? (
          <>
            <Skeleton className="h-8 w-28" />
            <Skeleton className="h-4 w-36" />
          </>
        ) : (
          <>
            <div className="text-2xl font-semibold tracking-tight tabular-nums">{value}</div>
            {delta !== undefined && (
              <Delta delta={delta} label={deltaLabel} isIncreaseBad={isIncreaseBad} />
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}

function Delta({
  delta,
  label,
  isIncreaseBad,
}: {
  delta: number | null;
  label?: React.ReactNode;
  isIncreaseBad: boolean;
}) {
  const t = useTranslations("common");
  const format = useFormatter();
  if (delta === null || !Number.isFinite(delta)) {
    return <p className="text-xs text-muted-foreground">{t("stat.noPrevious")}</p>;
  }
  const direction = delta > 0 ? "up" : delta < 0 ? "down" : "flat";
  const isGood = direction === "flat" ? null : (direction === "up") !== isIncreaseBad;
  const Icon =
    direction === "up" ? ArrowUpRightIcon : direction === "down" ? ArrowDownRightIcon : MinusIcon;
  return (
    <p className="flex items-center gap-1 text-xs text-muted-foreground">
      <span
        data-direction={direction}
        className={cn(
          "inline-flex items-center gap-0.5 font-medium tabular-nums",
          isGood === true && "text-success",
          isGood === false && "text-destructive",
        )}
      >
        <Icon className="size-3.5" aria-hidden />
        {format.number(delta, {
          style: "percent",
          maximumFractionDigits: 1,
          signDisplay: "exceptZero",
        })}
      </span>
      {label ?? t("stat.vsPrevious")}
    </p>
  );
}
