import { useLocale } from "next-intl";

import { formatDateTime } from "@/app/_lib/utils";

/** The one way to show a timestamp in tables and cards: the request's locale, the server's zone (server/i18n/request.ts). */
export function DateTime({
  value,
  withSeconds,
  className,
}: {
  value: Date | string | number;
  withSeconds?: boolean;
  className?: string;
}) {
  const locale = useLocale();
  const date = value instanceof Date ? value : new Date(value);
  return (
    <time dateTime={date.toISOString()} className={className}>
      {formatDateTime(date, { locale, withSeconds })}
    </time>
  );
}
