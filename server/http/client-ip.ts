// Readers of the forwarding headers, for route handlers, the gateway and the middleware (edge-safe:
// no node imports). Behind the self-hosted server the headers were already rewritten from the TCP
// peer and TRUSTED_PROXIES (server/http/forwarded.ts), so they carry one verified value. Without it
// (Vercel, `next start`) they are what the platform or its proxy wrote; such a proxy appends the
// client it saw last, so the right-most entry is the one it vouches for.

/** The client IP, or null when no header names one. */
export function clientIpFrom(headers: Pick<Headers, "get">): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded) {
    const parts = forwarded
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    return parts.at(-1) ?? null;
  }
  return headers.get("x-real-ip");
}

/** Whether the client reached us over HTTPS (the scheme the nearest trusted hop reported). */
export function isHttpsRequest(headers: Pick<Headers, "get">): boolean {
  const proto = headers.get("x-forwarded-proto");
  if (!proto) return false;
  return proto.split(",").at(-1)?.trim().toLowerCase() === "https";
}
