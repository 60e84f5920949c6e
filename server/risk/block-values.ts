import {
  inRange,
  normalizeIp,
  parseIp,
  type IpRange,
  type ParsedIp,
} from "@/server/http/forwarded";

import type { RiskBlockKind } from "./schemas";
import { vmsg } from "@/server/i18n/validation-keys";

// Pure: reading a block's value as typed (any case, IPv4-mapped IPv6, a CIDR range) into the one
// form it is stored and matched in, and the in-memory blocklist the gateway checks on every paid
// request (no I/O: a Map lookup per payer or exact IP, a scan over the few CIDR ranges).

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export type NormalizedValue = { ok: true; value: string } | { ok: false; message: string };

function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return ip.groups.flatMap((g) => [g >> 8, g & 0xff]).join(".");
  return ip.groups.map((g) => g.toString(16)).join(":");
}

/** The stored form of a block's value: a lower-case address, or an IP / CIDR in full notation. */
export function normalizeBlockValue(kind: RiskBlockKind, raw: string): NormalizedValue {
  const value = raw.trim();
  if (kind === "PAYER") {
    return EVM_ADDRESS.test(value)
      ? { ok: true, value: value.toLowerCase() }
      : { ok: false, message: vmsg("risk.payerAddress") };
  }
  const [address = "", prefix, extra] = value.split("/");
  const parsed = extra === undefined ? parseIp(normalizeIp(address)) : null;
  if (!parsed)
    return {
      ok: false,
      message: vmsg("risk.ipOrCidr"),
    };
  const width = parsed.family === 4 ? 32 : 128;
  if (prefix === undefined) return { ok: true, value: formatIp(parsed) };
  if (
    !/^\d{1,3}$/.test(prefix) ||
    Number(prefix) > width ||
    Number(prefix) < (parsed.family === 4 ? 8 : 16)
  ) {
    return {
      ok: false,
      message: vmsg("risk.prefixLength", { range: parsed.family === 4 ? "8–32" : "16–128" }),
    };
  }
  return Number(prefix) === width
    ? { ok: true, value: formatIp(parsed) }
    : { ok: true, value: `${formatIp(parsed)}/${prefix}` };
}

type Entry = { id: string; expiresAt: Date | null };

/** A cheap Map key for an address (on the hot path: a number for IPv4, no string building). */
function ipKey(ip: ParsedIp): number | string {
  return ip.family === 4 ? (ip.groups[0] ?? 0) * 65_536 + (ip.groups[1] ?? 0) : ip.groups.join(":");
}

export type Blocklist = {
  size: number;
  payers: ReadonlyMap<string, Entry>;
  ips: ReadonlyMap<number | string, Entry>;
  ranges: readonly (Entry & { range: IpRange })[];
};

export const EMPTY_BLOCKLIST: Blocklist = {
  size: 0,
  payers: new Map(),
  ips: new Map(),
  ranges: [],
};

/** The gateway's view of the active blocks (rows already normalised when written). */
export function compileBlocklist(
  rows: { id: string; kind: RiskBlockKind; value: string; expiresAt: Date | null }[],
): Blocklist {
  const payers = new Map<string, Entry>();
  const ips = new Map<number | string, Entry>();
  const ranges: (Entry & { range: IpRange })[] = [];
  for (const row of rows) {
    const entry = { id: row.id, expiresAt: row.expiresAt };
    if (row.kind === "PAYER") {
      payers.set(row.value.toLowerCase(), entry);
      continue;
    }
    const [address = "", prefix] = row.value.split("/");
    const parsed = parseIp(normalizeIp(address));
    if (!parsed) continue;
    if (prefix === undefined) ips.set(ipKey(parsed), entry);
    else ranges.push({ ...entry, range: { ...parsed, prefix: Number(prefix) } });
  }
  return { size: payers.size + ips.size + ranges.length, payers, ips, ranges };
}

const inForce = (entry: Entry | undefined, now: Date): entry is Entry =>
  entry !== undefined && (entry.expiresAt === null || entry.expiresAt > now);

export type BlockMatch = { code: "client_blocked" | "payer_blocked"; blockId: string };

/**
 * Whether a request is refused: its client IP (on any paid path) or its payer (once the payment
 * header is decoded) is blocked and the block has not lapsed at `now`. The client is checked first.
 */
export function findBlock(
  list: Blocklist,
  request: { clientIp: string | null; payer: string | null; now: Date },
): BlockMatch | null {
  if (list.size === 0) return null;
  if (request.clientIp && (list.ips.size > 0 || list.ranges.length > 0)) {
    const parsed = parseIp(normalizeIp(request.clientIp));
    if (parsed) {
      const exact = list.ips.size > 0 ? list.ips.get(ipKey(parsed)) : undefined;
      if (inForce(exact, request.now)) return { code: "client_blocked", blockId: exact.id };
      for (const range of list.ranges) {
        if (inForce(range, request.now) && inRange(parsed, range.range))
          return { code: "client_blocked", blockId: range.id };
      }
    }
  }
  if (request.payer) {
    const entry = list.payers.get(request.payer.toLowerCase());
    if (inForce(entry, request.now)) return { code: "payer_blocked", blockId: entry.id };
  }
  return null;
}
