// Prices are typed by people as decimals ("0.01") and live everywhere else as integer atomic units
// (10000 for 6 decimals). These are the only two conversions; neither touches a JS number.

import { vmsg } from "@/server/i18n/validation-keys";

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** `message` is a validation message (server/i18n/validation-keys.ts): fieldError shows it. */
export type ParsePriceResult = { ok: true; atomic: bigint } | { ok: false; message: string };

export function parseDecimalToAtomic(input: string, decimals: number): ParsePriceResult {
  const text = input.trim();
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, message: vmsg("pricing.decimalNumber") };
  const [, whole = "0", fraction = ""] = match;
  const trimmedFraction = fraction.replace(/0+$/, "");
  if (trimmedFraction.length > decimals) {
    return { ok: false, message: vmsg("pricing.tooManyDecimals", { decimals }) };
  }
  const atomic =
    BigInt(whole) * 10n ** BigInt(decimals) + BigInt(trimmedFraction.padEnd(decimals, "0") || "0");
  return { ok: true, atomic };
}

export function formatAtomic(atomic: bigint, decimals: number): string {
  const negative = atomic < 0n;
  const digits = (negative ? -atomic : atomic).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
