import { useTranslations } from "next-intl";

import { Amount } from "@/app/_components/amount";
import type { OfferedPaymentOption } from "@/server/x402/requirements";

/**
 * A route's ways to pay, one line per `accepts` entry of its 402 (server/x402/requirements.ts
 * `describeOffer`): the playground and the admin merchant page show the same list a client is offered.
 */
export function PaymentOptionsList({
  options,
  testId,
}: {
  options: readonly OfferedPaymentOption[];
  testId?: string;
}) {
  const t = useTranslations("common.paymentOptions");
  return (
    <ul className="grid gap-0.5 text-xs" aria-label={t("label")} data-testid={testId}>
      {options.map((o) => (
        <li key={`${o.network} ${o.asset} ${o.scheme}`} data-testid="payment-option">
          <Amount atomic={o.amountAtomic} decimals={o.decimals} symbol={o.symbol} />{" "}
          <span className="text-muted-foreground">
            {t("on", { network: o.networkName })} · {t("scheme", { scheme: o.scheme })}
            {o.transferMethod === "permit2" ? ` · ${t("permit2")}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
