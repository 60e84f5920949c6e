import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}

export type FormatAmountOptions = {
  /** Fraction digits always shown, capped at `decimals`. Default 2. */
  minDecimals?: number;
  /** Group the integer part in thousands with ",". Default true; pass false to prefill inputs. */
  group?: boolean;
  /**
   * Round (half away from zero) to at most this many fraction digits: for derived figures such as
   * ARPU, which are not an amount anyone paid. Default: every digit, exact.
   */
  maxDecimals?: number;
  /** Separators of this locale (BCP 47, e.g. "zh-CN"); digits stay exact. Default "en-US". */
  locale?: string;
};

const separatorCache = new Map<string, { group: string; decimal: string }>();

/** The grouping and decimal separators Intl uses for a locale ("," and "." for en and zh-CN). */
export function numberSeparators(locale: string): { group: string; decimal: string } {
  let found = separatorCache.get(locale);
  if (!found) {
    const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
    found = {
      group: parts.find((p) => p.type === "group")?.value ?? ",",
      decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
    };
    separatorCache.set(locale, found);
  }
  return found;
}

const ATOMIC_PATTERN = /^-?\d+$/;
const DECIMAL_PATTERN = /^(\d*)(?:\.(\d*))?$/;

function assertDecimals(decimals: number) {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new RangeError(`decimals must be an integer between 0 and 255, got ${decimals}`);
  }
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * Formats an atomic token amount (e.g. USDC's 6-decimal units) as an exact decimal string.
 * String math only: atomic amounts exceed Number's 2^53 precision.
 *
 * formatAmount(10000n, 6) → "0.01"; formatAmount(1234567890n, 6) → "1,234.56789"
 */
export function formatAmount(
  atomic: bigint | string,
  decimals: number,
  opts: FormatAmountOptions = {},
): string {
  assertDecimals(decimals);
  const raw = typeof atomic === "bigint" ? atomic.toString() : atomic.trim();
  if (!ATOMIC_PATTERN.test(raw)) throw new TypeError(`not an atomic amount: "${raw}"`);

  const isNegative = raw.startsWith("-");
  const maxDecimals = Math.min(Math.max(opts.maxDecimals ?? decimals, 0), decimals);
  let magnitude = (isNegative ? raw.slice(1) : raw).replace(/^0+(?=\d)/, "");
  if (maxDecimals < decimals) {
    const unit = 10n ** BigInt(decimals - maxDecimals);
    magnitude = (((BigInt(magnitude) + unit / 2n) / unit) * unit).toString();
  }
  const digits = magnitude.padStart(decimals + 1, "0");
  const integerPart = digits.slice(0, digits.length - decimals);
  const minDecimals = Math.min(Math.max(opts.minDecimals ?? 2, 0), maxDecimals);
  let fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  if (fraction.length < minDecimals) fraction = fraction.padEnd(minDecimals, "0");

  const separators = numberSeparators(opts.locale ?? "en-US");
  const integer =
    opts.group === false ? integerPart : groupThousands(integerPart, separators.group);
  const isZero = /^0*$/.test(integerPart + fraction);
  const sign = isNegative && !isZero ? "-" : "";
  return fraction ? `${sign}${integer}${separators.decimal}${fraction}` : `${sign}${integer}`;
}

/**
 * Parses a user-entered decimal ("0.01", "12", ".5") into atomic units. Throws an Error whose
 * message can be shown next to the field. Commas are rejected rather than guessed: "1,5" means
 * 1.5 in many locales and 15 in others.
 */
export function parseAmount(decimal: string, decimals: number): bigint {
  assertDecimals(decimals);
  const value = decimal.trim();
  if (value.startsWith("-")) throw new Error("Amount cannot be negative");
  const match = DECIMAL_PATTERN.exec(value);
  const integerPart = match?.[1] ?? "";
  const fractionPart = (match?.[2] ?? "").replace(/0+$/, "");
  if (!match || (integerPart === "" && (match[2] ?? "") === "")) {
    throw new Error("Enter a number such as 0.01");
  }
  if (fractionPart.length > decimals) {
    throw new Error(
      decimals === 0 ? "Amount must be a whole number" : `Use at most ${decimals} decimal places`,
    );
  }
  return BigInt((integerPart || "0") + fractionPart.padEnd(decimals, "0"));
}

/** "0x1234…abcd": keeps the 0x prefix plus `chars` characters on each side. */
export function shortenAddress(address: string, chars = 4): string {
  const prefix = address.startsWith("0x") ? "0x" : "";
  const body = address.slice(prefix.length);
  if (body.length <= chars * 2 + 1) return address;
  return `${prefix}${body.slice(0, chars)}…${body.slice(-chars)}`;
}

type DateInput = Date | string | number;

function toDate(value: DateInput): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid date: ${String(value)}`);
  return date;
}

/**
 * "Mar 4, 2026, 2:05 PM". The locale is fixed and ICU's narrow no-break space is normalised so
 * server and browser render the same text; the time zone is the runtime's unless given (server
 * components render in the server's zone).
 */
export function formatDateTime(
  value: DateInput,
  opts: { timeZone?: string; withSeconds?: boolean; locale?: string } = {},
): string {
  return new Intl.DateTimeFormat(opts.locale ?? "en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    second: opts.withSeconds ? "2-digit" : undefined,
    timeZone: opts.timeZone,
  })
    .format(toDate(value))
    .replace(/\u202f/g, " ");
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/**
 * "just now", "5 minutes ago", "in 2 hours", "yesterday" (zh-CN: "现在", "5分钟前", "昨天").
 * `now` is explicit so renders are deterministic.
 */
export function formatRelativeTime(value: DateInput, now: DateInput, locale = "en-US"): string {
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const seconds = (toDate(value).getTime() - toDate(now).getTime()) / 1000;
  if (Math.abs(seconds) < 45)
    return locale.startsWith("en") ? "just now" : relativeFormat.format(0, "second");
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds / 60), "minute");
}
