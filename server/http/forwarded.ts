// Who the client is and whether it spoke HTTPS, decided once per request from the TCP peer: the
// X-Forwarded-* headers are client-controlled unless the peer is a proxy the operator named in
// TRUSTED_PROXIES. The self-hosted server (server/cli/start.ts) applies the decision to the request
// headers before anything else reads them, so `clientIpFrom` and `isHttpsRequest`
// (server/http/client-ip.ts) read a verified value. Where there is no custom server (Vercel,
// `next start`, the standalone build) no code of ours sees the peer and the platform's or the
// proxy's headers are taken as given: that proxy must overwrite them, as Vercel does.

/** Keywords TRUSTED_PROXIES accepts besides addresses and CIDR ranges. */
const NAMED_RANGES: Record<string, readonly string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

export type TrustedProxies = { readonly isEmpty: boolean; has(ip: string | ParsedIp): boolean };

export class TrustedProxiesError extends Error {}

/** An address as the rest of the app records it: IPv4-mapped IPv6 as IPv4, no zone id. */
export function normalizeIp(ip: string): string {
  // string scans, not regexes: this runs on every gateway request
  let bare = ip.trim();
  const zone = bare.indexOf("%");
  if (zone !== -1) bare = bare.slice(0, zone);
  if (bare.length > 7 && bare.slice(0, 7).toLowerCase() === "::ffff:" && bare.includes(".")) {
    const v4 = bare.slice(7);
    if (parseIpv4(v4) !== null) return v4;
  }
  return bare;
}

/** An address as 16-bit groups: 2 for IPv4, 8 for IPv6 (plain numbers: BigInt costs microseconds). */
export type ParsedIp = { family: 4 | 6; groups: number[] };

function parseIpv4(s: string): number[] | null {
  // a character scan: this runs on every proxied gateway request
  const bytes = [0, 0, 0, 0];
  let index = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++index > 3) return null;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      bytes[index] = (bytes[index] ?? 0) * 10 + (c - 48);
      digits++;
    } else return null;
  }
  if (index !== 3 || digits === 0 || bytes.some((b) => b > 255)) return null;
  const [a = 0, b = 0, c = 0, d = 0] = bytes;
  return [(a << 8) | b, (c << 8) | d];
}

function parseIpv6(s: string): number[] | null {
  let text = s;
  if (text.includes(".")) {
    // an embedded IPv4 address (::ffff:1.2.3.4) is the last two groups written in decimal
    const lastColon = text.lastIndexOf(":");
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4[0] ?? 0).toString(16)}:${(v4[1] ?? 0).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves[1] ? halves[1].split(":") : [];
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const groups: number[] = [];
  for (const group of [...head, ...Array<string>(8 - explicit).fill("0"), ...rest]) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

/** Parses an IPv4 or IPv6 address (after normalizeIp); null when it is neither. */
export function parseIp(ip: string): ParsedIp | null {
  if (!ip.includes(":")) {
    const v4 = parseIpv4(ip);
    return v4 === null ? null : { family: 4, groups: v4 };
  }
  const v6 = parseIpv6(ip);
  return v6 === null ? null : { family: 6, groups: v6 };
}

export type IpRange = { family: 4 | 6; groups: number[]; prefix: number };

export function inRange(ip: ParsedIp, range: IpRange): boolean {
  if (ip.family !== range.family) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((ip.groups[i] ?? 0) & mask) !== ((range.groups[i] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * Parses TRUSTED_PROXIES: comma-separated IPv4/IPv6 addresses, CIDR ranges, `loopback` and
 * `private`. Empty means no proxy is trusted. Throws on an entry it cannot read, naming it.
 */
export function parseTrustedProxies(spec: string | undefined): TrustedProxies {
  const ranges: IpRange[] = [];
  const entries = (spec ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries.flatMap((e) => NAMED_RANGES[e.toLowerCase()] ?? [e])) {
    const [address = "", prefix, extra] = entry.split("/");
    const parsed = extra === undefined ? parseIp(normalizeIp(address)) : null;
    if (!parsed) throw new TrustedProxiesError(`"${entry}" is not an IP address or CIDR range`);
    const width = parsed.family === 4 ? 32 : 128;
    if (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > width)) {
      throw new TrustedProxiesError(`"${entry}" has an invalid prefix length`);
    }
    ranges.push({ ...parsed, prefix: prefix === undefined ? width : Number(prefix) });
  }
  return {
    isEmpty: ranges.length === 0,
    has(ip) {
      if (ranges.length === 0) return false;
      const parsed = typeof ip === "string" ? parseIp(normalizeIp(ip)) : ip;
      return parsed !== null && ranges.some((r) => inRange(parsed, r));
    },
  };
}

export type ForwardedInfo = {
  /** the client's address: the peer, or the nearest untrusted hop a trusted proxy reported */
  clientIp: string | null;
  proto: "http" | "https";
  /** the host a trusted proxy says the client asked for; null means the Host header */
  host: string | null;
  /** whether the forwarding headers came from a trusted proxy */
  viaTrustedProxy: boolean;
};

function lastToken(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const parts = value.split(",");
  return parts[parts.length - 1]?.trim() || undefined;
}

/**
 * Decides client address, scheme and host. From an untrusted peer every forwarding header is
 * ignored. From a trusted one, X-Forwarded-For is walked right to left past trusted hops (a chain
 * of proxies), and X-Forwarded-Proto/-Host are the values the nearest proxy wrote (the last).
 */
export function resolveForwarded(
  peer: string | null | undefined,
  header: (name: string) => string | undefined,
  trusted: TrustedProxies,
  opts: { encrypted?: boolean } = {},
): ForwardedInfo {
  const socketProto = opts.encrypted ? "https" : "http";
  const peerIp = peer ? normalizeIp(peer) : null;
  if (!peerIp || trusted.isEmpty || !trusted.has(peerIp))
    return { clientIp: peerIp, proto: socketProto, host: null, viaTrustedProxy: false };

  let clientIp = peerIp;
  const hops = (header("x-forwarded-for") ?? "").split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i] as string);
    if (hop === "") continue;
    const parsed = parseIp(hop);
    if (!parsed) break;
    clientIp = hop;
    if (!trusted.has(parsed)) break;
  }
  const proto = lastToken(header("x-forwarded-proto"))?.toLowerCase();
  return {
    clientIp,
    proto: proto === "https" || proto === "http" ? proto : socketProto,
    host: lastToken(header("x-forwarded-host")) ?? null,
    viaTrustedProxy: true,
  };
}

const FORWARDING_HEADERS = [
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-real-ip",
  "forwarded",
] as const;

/**
 * Rewrites a node request's headers to the decision, so that every later reader (Next.js, which
 * only fills in X-Forwarded-* when absent; our middleware; route handlers; the gateway) sees one
 * verified client address and scheme instead of whatever the client sent.
 */
export function applyForwarded(
  headers: Record<string, string | string[] | undefined>,
  info: ForwardedInfo,
): void {
  for (const name of FORWARDING_HEADERS) {
    if (headers[name] !== undefined && !(info.viaTrustedProxy && name === "x-forwarded-port"))
      delete headers[name];
  }
  if (info.clientIp) headers["x-forwarded-for"] = info.clientIp;
  headers["x-forwarded-proto"] = info.proto;
  if (info.host) headers["x-forwarded-host"] = info.host;
}
