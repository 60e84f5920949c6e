import { useTranslations } from "next-intl";
import type * as React from "react";

import { CopyButton } from "@/app/_components/copy-button";
import { cn, shortenAddress } from "@/app/_lib/utils";

type HexValueProps = Omit<React.ComponentProps<"span">, "children"> & {
  value: string;
  href?: string;
  chars: number;
  copyLabel: string;
};

/** A shortened hex value with the full value on hover, a copy button and an optional explorer link. */
export function HexValue({ value, href, chars, copyLabel, className, ...props }: HexValueProps) {
  const t = useTranslations("common");
  const short = shortenAddress(value, chars);
  return (
    <span
      className={cn("inline-flex items-center gap-0.5 font-mono text-sm", className)}
      {...props}
    >
      {href ? (
        <a
          href={href}
          target="_blank"
          rel="noreferrer"
          title={value}
          className="rounded-sm underline-offset-4 hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:outline-none"
        >
          {short}
          <span className="sr-only"> {t("copy.opensExplorer")}</span>
        </a>
      ) : (
        <span title={value}>{short}</span>
      )}
      <CopyButton value={value} label={copyLabel} />
    </span>
  );
}

/** A wallet or contract address. `explorerUrl` is the full link to this address's explorer page. */
export function Address({
  value,
  explorerUrl,
  chars = 4,
  className,
}: {
  value: string;
  explorerUrl?: string;
  chars?: number;
  className?: string;
}) {
  const t = useTranslations("common");
  return (
    <HexValue
      data-slot="address"
      value={value}
      href={explorerUrl}
      chars={chars}
      copyLabel={t("copy.address")}
      className={className}
    />
  );
}
