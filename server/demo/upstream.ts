import { createHash } from "node:crypto";

// A tiny "market signals" API that the seeded demo merchant sells through the gateway. It is
// deterministic per symbol and hour so docs, tests and the playground show stable output.

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
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** Serves the demo upstream: /api/signal/:symbol (paid in the seed), /api/free/* (free), /api/echo. */
export async function handleDemoUpstream(req: Request, path: string[]): Promise<Response> {
  const [area, resource, name] = path;
  if (area !== "api") return json({ error: "not_found" }, 404);
  if (resource === "signal" && name && path.length === 3) {
    if (!SYMBOLS.has(name)) return json({ error: "unknown_symbol", symbols: [...SYMBOLS] }, 404);
    const hourBucket = Math.floor(Date.now() / 3_600_000);
    return json({ ...signalFor(name, hourBucket), paidBy: req.headers.get("x-x402-payer"), asOf: new Date(hourBucket * 3_600_000).toISOString() });
  }
  if (resource === "free") return json({ ok: true, message: "This path is free.", path: `/${path.join("/")}` });
  if (resource === "echo") {
    const body = req.method === "GET" || req.method === "HEAD" ? null : await req.text();
    return json({ method: req.method, path: `/${path.join("/")}`, query: Object.fromEntries(new URL(req.url).searchParams), headers: Object.fromEntries(req.headers), body });
  }
  return json({ error: "not_found" }, 404);
}
