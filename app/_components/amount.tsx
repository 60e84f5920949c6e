import { useLocale } from "next-intl";

import { cn, formatAmount, type FormatAmountOptions } from "@/app/_lib/utils";

/** The one way to show a token amount (STYLE 2.15): exact, tabular, with the full value on hover, in the request's locale. */
export function Amount({
  atomic,
  decimals,
  symbol,
  className,
  ...opts
}: {
  atomic: bigint | string;
  decimals: number;
  symbol?: string;
  className?: string;
} & FormatAmountOptions) {
  const locale = useLocale();
  const text = formatAmount(atomic, decimals, { locale, ...opts });
  const exact = formatAmount(atomic, decimals, { locale, minDecimals: decimals });
  return (
    <span
      data-slot="amount"
      className={cn("whitespace-nowrap tabular-nums", className)}
      title={symbol ? `${exact} ${symbol}` : exact}
    >
      {text}
      {symbol && <span className="ml-1 text-muted-foreground">{symbol}</span>}
    </span>
  );
}

/**
 * An average per payer (ARPU): not an amount anyone paid, so shown at the asset's display
 * precision (cents), the exact value on hover; "—" when there is nothing to average.
 */
export function AverageAmount({
  atomic,
  decimals,
  symbol,
}: {
  atomic: bigint | string | null | undefined;
  decimals: number;
  symbol: string;
}) {
  if (atomic === null || atomic === undefined) return "—";
  return <Amount atomic={atomic} decimals={decimals} maxDecimals={2} symbol={symbol} />;
}
