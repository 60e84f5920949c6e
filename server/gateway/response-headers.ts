// What a gateway response may carry towards the browser. Merchant content is served from the
// gateway's origin, which is the console's own unless GATEWAY_URL moves it (the embedded demo
// runs both on APP_URL). So every gateway answer is a sandboxed document (CSP `sandbox`: an opaque
// origin, no script, forms or plugins, no access to the origin's cookies or storage) and is never
// MIME-sniffed, and the upstream may not speak for the origin: no cookies, no origin-wide policy
// (HSTS, Clear-Site-Data, NEL / reporting, Alt-Svc, service-worker scope), no credentialed CORS.

/** Upstream response headers that act on the whole origin or its cookies, not on this response. */
const ORIGIN_WIDE_RESPONSE_HEADERS = new Set([
  "set-cookie",
  "set-cookie2",
  "clear-site-data",
  "strict-transport-security",
  "nel",
  "report-to",
  "reporting-endpoints",
  "alt-svc",
  "service-worker-allowed",
  "access-control-allow-credentials",
  "origin-agent-cluster",
]);

/** Whether an upstream response header may reach the client (hop-by-hop ones are dropped elsewhere). */
export function isOriginWideHeader(name: string): boolean {
  return ORIGIN_WIDE_RESPONSE_HEADERS.has(name.toLowerCase());
}

export const GATEWAY_CSP = "sandbox";

/**
 * The headers every gateway response leaves with: origin-wide ones removed (again, for stored
 * responses a payment-identifier retry replays), `sandbox` added to any CSP the upstream sent
 * (browsers enforce every policy, so the upstream's can only restrict further), and nosniff.
 */
export function isolateResponseHeaders(
  headers: Record<string, string | string[]>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const policies: string[] = [];
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (isOriginWideHeader(name)) continue;
    if (name === "content-security-policy")
      policies.push(...(Array.isArray(value) ? value : [value]));
    else out[name] = value;
  }
  out["content-security-policy"] = policies.length > 0 ? [...policies, GATEWAY_CSP] : GATEWAY_CSP;
  out["x-content-type-options"] = "nosniff";
  return out;
}
