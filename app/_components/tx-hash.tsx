import { useTranslations } from "next-intl";

import { HexValue } from "@/app/_components/address";

/** A transaction hash. `explorerUrl` is the full link to this transaction's explorer page. */
export function TxHash({
  hash,
  explorerUrl,
  chars = 6,
  className,
}: {
  hash: string;
  explorerUrl?: string;
  chars?: number;
  className?: string;
}) {
  const t = useTranslations("common");
  return (
    <HexValue
      data-slot="tx-hash"
      value={hash}
      href={explorerUrl}
      chars={chars}
      copyLabel={t("copy.txHash")}
      className={className}
    />
  );
}
