import { createHash } from "node:crypto";

import type { Deps } from "@/server/deps";
import { loadSigningSecrets } from "@/server/merchants/signing-secrets";
import {
  withGatewayVerification,
  type GatewayRequestLike,
  type VerifiedGatewayCall,
} from "@/sdk/src/verify";

// A tiny "market signals" API that the seeded demo merchant sells through the gateway. It is
// deterministic per symbol and hour so docs, tests and the playground show stable output. It is
// also the reference merchant API: it accepts only requests the gateway signed (the SDK's Next.js
// middleware), and reads the payer and payment id from the verified payment facts.

const SYMBOLS = new Set(["btc", "eth", "sol", "usdc"]);

function signalFor(symbol: string, hourBucket: number) {
  const digest = createHash("sha256").update(`${symbol}:${hourBucket}`).digest();
  const score = (digest[0] ?? 0) / 255;
  return {
    symbol: symbol.toUpperCase(),
    signal: score > 0.6 ? "buy" : score < 0.4 ? "sell" : "hold",
    confidence: Math.round(score * 100) / 100,
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The path below the demo upstream's mount point, as segments: /api/demo/api/signal/btc → [api, signal, btc]. */
function demoPath(req: Request): string[] {
  const pathname = new URL(req.url).pathname;
  const below = pathname.startsWith(DEMO_UPSTREAM_MOUNT)
    ? pathname.slice(DEMO_UPSTREAM_MOUNT.length)
    : pathname;
  return below
    .split("/")
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
}

export const DEMO_UPSTREAM_MOUNT = "/api/demo";

async function serveDemo(req: Request, gateway: VerifiedGatewayCall): Promise<Response> {
  const path = demoPath(req);
  const [area, resource, name] = path;
  if (area !== "api") return json({ error: "not_found" }, 404);
  if (resource === "signal" && name && path.length === 3) {
    if (!SYMBOLS.has(name)) return json({ error: "unknown_symbol", symbols: [...SYMBOLS] }, 404);
    const hourBucket = Math.floor(Date.now() / 3_600_000);
    const facts = gateway.facts;
    const paid =
      facts.kind === "paid"
        ? { paidBy: facts.payer, paymentId: facts.paymentId, txHash: facts.txHash }
        : { paidBy: facts.kind === "entitled" ? facts.payer : null, paymentId: null };
    return json({
      ...signalFor(name, hourBucket),
      ...paid,
      asOf: new Date(hourBucket * 3_600_000).toISOString(),
    });
  }
  if (resource === "free")
    return json({ ok: true, message: "This path is free.", path: `/${path.join("/")}` });
  if (resource === "echo") {
    const body = req.method === "GET" || req.method === "HEAD" ? null : await req.text();
    return json({
      method: req.method,
      path: `/${path.join("/")}`,
      query: Object.fromEntries(new URL(req.url).searchParams),
      headers: Object.fromEntries(req.headers),
      body,
      gateway: gateway.facts,
    });
  }
  return json({ error: "not_found" }, 404);
}

type DemoDeps = Pick<Deps, "db" | "env" | "now">;

/**
 * The demo upstream as a fetch handler, refusing calls that did not come through the gateway
 * (401). `deps` is a function so the route module builds nothing at import time.
 */
export function createDemoUpstream(
  deps: () => DemoDeps,
): (req: Request, context?: unknown) => Promise<Response> {
  return withGatewayVerification((req, _ctx: unknown, gateway) => serveDemo(req, gateway), {
    secrets: (req) => demoUpstreamSecrets(deps(), req),
  });
}

function hostOf(req: GatewayRequestLike): string | null {
  const headers = req.headers;
  const raw =
    typeof headers.get === "function"
      ? (headers as { get(n: string): string | null }).get("host")
      : (headers as Record<string, string | string[] | undefined>).host;
  const host = Array.isArray(raw) ? raw[0] : raw;
  if (host) return host;
  return /^https?:\/\//.test(req.url) ? new URL(req.url).host : null;
}

/**
 * The secrets of every merchant whose upstream is this demo API at the host it was called on. The
 * demo lives inside the gateway's own app, and every merchant created in the console may point at
 * it, so it reads their secrets from the database where a real API would hold its own one in its
 * configuration.
 */
export async function demoUpstreamSecrets(
  deps: DemoDeps,
  req: GatewayRequestLike,
): Promise<string[]> {
  const host = hostOf(req);
  if (!host) return [];
  const bases = ["http", "https"].flatMap((scheme) => [
    `${scheme}://${host}${DEMO_UPSTREAM_MOUNT}`,
    `${scheme}://${host}${DEMO_UPSTREAM_MOUNT}/`,
  ]);
  const merchants = await deps.db.merchant.findMany({
    where: { upstreamBaseUrl: { in: bases } },
    select: { id: true },
  });
  const secrets = await Promise.all(
    merchants.map((m) => loadSigningSecrets(deps, { merchantId: m.id })),
  );
  return secrets.flat().map((s) => s.secret);
}
