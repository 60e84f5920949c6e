import type { ServerEnv } from "@/server/env";
import { buildNetworkRegistry } from "@/server/networks/config";

// What every page response carries (set by middleware.ts; edge-safe, pure). API responses and the
// gateway's own responses are not pages and get none of this.
//
// The CSP is nonce-based: Next.js puts the per-request nonce on its bootstrap and chunk scripts,
// next-themes on its theme script, and 'strict-dynamic' lets those scripts load the rest (wagmi,
// RainbowKit and Scalar chunks), so an injected <script> or inline handler never runs. The price:
// every page renders per request (the root layout reads the nonce), which the consoles and the
// playground did already; the docs and the landing page now do too. Styles keep 'unsafe-inline':
// RainbowKit, Scalar and sonner inject <style> elements and React writes style attributes, neither of
// which can carry a nonce, and a nonce in style-src would switch 'unsafe-inline' off.

export type PageSecurityConfig = {
  appOrigin: string;
  /** APP_URL is https: plain-HTTP page requests are redirected there, HTTPS ones get HSTS */
  requireHttps: boolean;
  isDev: boolean;
  /** origins the browser may fetch besides our own: the chains' RPC endpoints the playground uses */
  connectSources: string[];
};

/** One year, the minimum the HSTS preload list accepts. */
export const HSTS_VALUE = "max-age=31536000; includeSubDomains";

export function pageSecurityConfig(
  env: Pick<
    ServerEnv,
    | "APP_URL"
    | "NODE_ENV"
    | "NETWORKS_JSON"
    | "LOCAL_CHAIN_ID"
    | "LOCAL_CHAIN_RPC_URL"
    | "LOCAL_TOKEN_ADDRESS"
  > &
    Partial<Pick<ServerEnv, "GATEWAY_URL">>,
): PageSecurityConfig {
  const appUrl = new URL(env.APP_URL);
  const rpcOrigins = buildNetworkRegistry(env)
    .list()
    .flatMap((n) => (n.rpcUrl ? [new URL(n.rpcUrl).origin] : []));
  return {
    appOrigin: appUrl.origin,
    requireHttps: appUrl.protocol === "https:",
    isDev: env.NODE_ENV === "development",
    // the playground calls the gateway, which may live on its own origin (GATEWAY_URL)
    connectSources: [
      ...new Set([...rpcOrigins, new URL(env.GATEWAY_URL ?? env.APP_URL).origin]),
    ].filter((o) => o !== appUrl.origin),
  };
}

export function buildContentSecurityPolicy(config: PageSecurityConfig, nonce: string): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    // React needs eval only in development (server error stacks); never in production
    [
      "script-src",
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      ...(config.isDev ? ["'unsafe-eval'"] : []),
    ],
    ["style-src", "'self'", "'unsafe-inline'"],
    // wallet icons are data: URIs, QR codes and avatars blobs
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'", "data:"],
    // dev: the HMR websocket
    ["connect-src", "'self'", ...config.connectSources, ...(config.isDev ? ["ws:", "wss:"] : [])],
    ["worker-src", "'self'", "blob:"],
    ["frame-src", "'none'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    // on a plain-HTTP deployment (local, the e2e suite) upgrading would break every request
    ...(config.requireHttps ? [["upgrade-insecure-requests"] as [string]] : []),
  ];
  return directives.map((d) => d.join(" ")).join("; ");
}

/** The headers of a page response; HSTS only on a response that travelled over HTTPS. */
export function pageSecurityHeaders(
  config: PageSecurityConfig,
  opts: { csp: string; https: boolean },
): [string, string][] {
  return [
    ["Content-Security-Policy", opts.csp],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"],
    ...(config.requireHttps && opts.https
      ? [["Strict-Transport-Security", HSTS_VALUE] as [string, string]]
      : []),
  ];
}

/** Where a plain-HTTP page request goes when the deployment is HTTPS (always APP_URL's host, never the request's). */
export function httpsRedirectTarget(
  config: PageSecurityConfig,
  url: { pathname: string; search: string },
  https: boolean,
): string | null {
  if (!config.requireHttps || https) return null;
  return `${config.appOrigin}${url.pathname}${url.search}`;
}

/** A random nonce per response (Web Crypto: this runs in the edge runtime). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
