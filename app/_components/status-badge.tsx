import type { VariantProps } from "class-variance-authority";
import { useTranslations } from "next-intl";

import { Badge, type badgeVariants } from "@/app/_components/ui/badge";
import { cn } from "@/app/_lib/utils";

type BadgeVariant = NonNullable<VariantProps<typeof badgeVariants>["variant"]>;

// Statuses across merchants, payments, usage, webhooks, payouts and risk alerts (prisma/schema.prisma).
const STATUS_VARIANTS = {
  ACTIVE: "success",
  PENDING_REVIEW: "warning",
  DISABLED: "muted",
  PENDING: "warning",
  VERIFIED: "info",
  SETTLED: "success",
  FAILED: "danger",
  REFUNDED: "outline",
  CHARGED: "success",
  FREE: "muted",
  OWNER: "muted",
  ENTITLED: "info",
  UNPAID: "danger",
  REVOKED: "muted",
  REJECTED: "danger",
  SUCCEEDED: "success",
  COMPLETED: "success",
  RUNNING: "info",
  BROADCAST: "info",
  CONFIRMED: "success",
  OPEN: "danger",
  RESOLVED: "success",
  INFO: "info",
  WARNING: "warning",
  CRITICAL: "danger",
} as const satisfies Record<string, BadgeVariant>;

export type KnownStatus = keyof typeof STATUS_VARIANTS;

function isKnownStatus(status: string): status is KnownStatus {
  return Object.hasOwn(STATUS_VARIANTS, status);
}

/** Statuses outside the table (new enum values) still read as words, untranslated. */
function humanize(status: string): string {
  const words = status.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function StatusBadge({
  status,
  label,
  className,
}: {
  status: KnownStatus | (string & {});
  label?: string;
  className?: string;
}) {
  const t = useTranslations("common");
  const variant: BadgeVariant =
    (STATUS_VARIANTS as Record<string, BadgeVariant>)[status] ?? "outline";
  return (
    <Badge variant={variant} data-status={status} className={cn("gap-1.5", className)}>
      <span className="size-1.5 rounded-full bg-current" aria-hidden />
      {label ?? (isKnownStatus(status) ? t(`status.${status}`) : humanize(status))}
    </Badge>
  );
}
