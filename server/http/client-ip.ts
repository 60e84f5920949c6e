/**
 * The client IP. X-Forwarded-For is only trusted as far as the deployment says (Vercel and most
 * proxies append the real client as the last hop they saw); without a trusted proxy the header is
 * client-controlled, so we take the right-most entry, which our own proxy wrote.
 */
export function clientIpFrom(headers: Pick<Headers, "get">): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded) {
    const parts = forwarded.split(",").map((p) => p.trim()).filter(Boolean);
    return parts.at(-1) ?? null;
  }
  return headers.get("x-real-ip");
}
