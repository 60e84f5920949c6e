import { isIP } from "node:net";
import { vmsg } from "@/server/i18n/validation-keys";

// SSRF rules for merchant upstream URLs. The pure checks run when a URL is saved and again on every
// proxied request (after DNS resolution, in server/gateway/proxy.ts), because a public name can be
// re-pointed at a private address after it was validated.

export type UpstreamUrlCheck =
  | { ok: true; url: URL }
  | {
      ok: false;
      reason: "invalid_url" | "unsupported_protocol" | "credentials_in_url" | "private_address";
    };

const PRIVATE_HOSTNAME = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/** Validates a merchant's upstream base URL: http(s) only, no credentials, public hosts unless allowed. */
export function checkUpstreamUrl(raw: string, opts: { allowPrivate: boolean }): UpstreamUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "invalid_url" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { ok: false, reason: "unsupported_protocol" };
  if (url.username || url.password) return { ok: false, reason: "credentials_in_url" };
  if (!url.hostname) return { ok: false, reason: "invalid_url" };
  if (!opts.allowPrivate) {
    const host = stripBrackets(url.hostname);
    if (isIP(host) ? isPrivateAddress(host) : PRIVATE_HOSTNAME.test(host)) {
      return { ok: false, reason: "private_address" };
    }
  }
  return { ok: true, url };
}

export const UPSTREAM_URL_MESSAGES: Record<
  Exclude<UpstreamUrlCheck, { ok: true }>["reason"],
  string
> = {
  invalid_url: vmsg("url.invalidUrl"),
  unsupported_protocol: vmsg("url.unsupportedProtocol"),
  credentials_in_url: vmsg("url.credentialsInUrl"),
  private_address: vmsg("url.privateAddress"),
};

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** True for loopback, private, link-local, CGNAT, multicast, reserved and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const ip = stripBrackets(address);
  const kind = isIP(ip);
  if (kind === 4) return isPrivateV4(ip);
  if (kind === 6) return isPrivateV6(ip);
  return false;
}

function v4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

const V4_BLOCKS: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

// as [first, end) integer ranges, computed once: the gateway checks its upstream's host on every call
const V4_RANGES = V4_BLOCKS.map(([base, bits]) => {
  const start = v4ToInt(base);
  return [start, start + 2 ** (32 - bits)] as const;
});

function isPrivateV4(ip: string): boolean {
  const value = v4ToInt(ip);
  return V4_RANGES.some(([start, end]) => value >= start && value < end);
}

function expandV6(ip: string): number[] | null {
  let text = ip.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  // an embedded dotted IPv4 tail (::ffff:1.2.3.4) becomes two hextets
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const n = v4ToInt(tail);
    text = `${text.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = rest === undefined ? [] : rest ? rest.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (rest === undefined && left.length !== 8) return null;
  const parts = [...left, ...Array<string>(Math.max(missing, 0)).fill("0"), ...right];
  return parts.map((p) => parseInt(p, 16));
}

function isPrivateV6(ip: string): boolean {
  const h = expandV6(ip);
  if (!h || h.length !== 8) return true;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, last = 0] = h;
  const allZeroPrefix = a === 0 && b === 0 && c === 0 && d === 0 && e === 0;
  if (allZeroPrefix && f === 0 && g === 0 && (last === 0 || last === 1)) return true; // :: and ::1
  if (allZeroPrefix && f === 0xffff)
    return isPrivateV4(`${g >> 8}.${g & 255}.${last >> 8}.${last & 255}`); // v4-mapped
  if (a === 0x64 && b === 0xff9b)
    return isPrivateV4(`${g >> 8}.${g & 255}.${last >> 8}.${last & 255}`); // NAT64
  if ((a & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  return false;
}
