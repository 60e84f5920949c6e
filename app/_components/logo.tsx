import { useTranslations } from "next-intl";

import { cn } from "@/app/_lib/utils";

/** The x402 Gateway mark (an "x" under a gateway arch) and wordmark. `markOnly` drops the text. */
export function Logo({ className, markOnly = false }: { className?: string; markOnly?: boolean }) {
  const t = useTranslations("common");
  return (
    <span
      data-slot="logo"
      role="img"
      aria-label={t("appName")}
      className={cn("inline-flex items-center gap-2 text-foreground select-none", className)}
    >
      <svg viewBox="0 0 32 32" className="size-7 shrink-0" aria-hidden>
        <rect width="32" height="32" rx="8" className="fill-primary" />
        <path
          d="M8 24V12.5a8 8 0 0 1 16 0V24"
          fill="none"
          strokeWidth="2.5"
          strokeLinecap="round"
          className="stroke-primary-foreground"
        />
        <path
          d="M12.5 16.5l7 7m0-7l-7 7"
          fill="none"
          strokeWidth="2.5"
          strokeLinecap="round"
          className="stroke-primary-foreground"
        />
      </svg>
      {!markOnly && (
        // HTML text rather than SVG <text>: it follows the page font and cannot clip.
        <span aria-hidden className="text-[1.05rem] leading-none font-bold tracking-tight">
          x402 <span className="font-medium text-muted-foreground">{t("logoWord")}</span>
        </span>
      )}
    </span>
  );
}
