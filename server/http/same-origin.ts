// CSRF defence for cookie-authenticated mutations: a state-changing request must come from a page
// of our own origin. Browsers say so in Sec-Fetch-Site (every current browser sends it) or, failing
// that, in Origin (sent on every non-GET fetch and form post). A request carrying neither cannot be
// attributed to our pages and is refused: no browser we support omits both, and the app's own
// server-side calls go through the tRPC caller, not HTTP. Safe methods are never checked: they must
// not change anything (tRPC refuses mutations over GET).

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginVerdict =
  { ok: true } | { ok: false; reason: "cross_site" | "origin_mismatch" | "origin_missing" };

/** `allowedOrigin` is APP_URL's origin (scheme://host[:port]). */
export function checkSameOrigin(
  req: { method: string; headers: Pick<Headers, "get"> },
  allowedOrigin: string,
): OriginVerdict {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return { ok: true };
  const site = req.headers.get("sec-fetch-site");
  // "same-site" is refused too: a sibling subdomain shares our cookies but is not us
  if (site) return site === "same-origin" ? { ok: true } : { ok: false, reason: "cross_site" };
  const origin = req.headers.get("origin");
  if (!origin) return { ok: false, reason: "origin_missing" };
  return origin === allowedOrigin ? { ok: true } : { ok: false, reason: "origin_mismatch" };
}
