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
