// `npm run bench:paywall`: what issue #20's request-target stage costs per request, in process:
// canonicalising the path, matching the rules on it (with the second look at sub-delimiter
// escapes and the unpriced-method check) and the two-lane rate limiter (memory backend), next to
// what the same stage cost before (raw-path match + one merchant bucket). The difference is
// reported as a share of the free path's CPU per request, measured by `npm run bench` as "gateway
// CPU µs/request" (300–420 µs on the 2-core machine; override with BENCH_FREE_CPU_US).
import { Prisma, type PricingRule } from "@/server/db";
import { canonicalizePath } from "@/server/pricing/canonical-path";
import { compileRules, matchRequest, selectRule } from "@/server/pricing/rules";
import { createMemoryRateLimiter } from "@/server/rate-limit/limiter";
import { createTtlCache } from "@/server/cache/ttl-cache";
import { compileBlocklist, findBlock, type Blocklist } from "@/server/risk/block-values";

const FREE_PATH_CPU_US = Number(process.env.BENCH_FREE_CPU_US ?? 300);
const ITERATIONS = Number(process.env.BENCH_PAYWALL_ITERATIONS ?? 200_000);

let n = 0;
function rule(pathPattern: string, methods: PricingRule["methods"] = ["ANY"]): PricingRule {
  n += 1;
  return {
    id: `rule_${n}`,
    merchantId: "mer_bench",
    description: null,
    pathPattern,
    methods,
    priceAtomic: new Prisma.Decimal(10_000),
    network: "eip155:31337",
    asset: "0x0000000000000000000000000000000000000001",
    billingMode: "PER_REQUEST",
    bundleSize: null,
    passDurationSeconds: null,
    settlementPolicy: "AFTER_SUCCESS",
    upstreamPath: null,
    inputSchema: null,
    outputSchema: null,
    meteringHeader: null,
    meteringFallback: "CEILING",
    caseInsensitive: n % 2 === 0,
    priority: 0,
    active: true,
    createdAt: new Date(2026, 0, 1, 0, 0, n),
    updatedAt: new Date(2026, 0, 1),
  };
}

// a merchant with ten rules; the bench's free path asks for /api/free/… (no rule matches)
const rules = compileRules([
  rule("/api/signal/*", ["GET"]),
  rule("/api/echo", ["POST"]),
  rule("/api/v1/quotes/**"),
  rule("/api/v1/orders/*", ["GET", "POST"]),
  rule("/api/v2/*.json"),
  rule("/api/report/*/daily"),
  rule("/api/fail"),
  rule("/api/slow"),
  rule("/api/a!b"),
  rule("/api/caf%C3%A9/*"),
]);
const PLAIN = ["/api/free/btc", "/api/free/eth/1h", "/api/signal/btc", "/api/v1/orders/42"];
const ODD = ["/api/%73ignal/btc", "/api//free/x", "/api/caf%c3%a9/x", "/api/a%21b"];

function time(label: string, fn: (i: number) => unknown): number {
  for (let i = 0; i < 20_000; i++) fn(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - started) / ITERATIONS;
  console.log(`${label.padEnd(58)} ${(ns / 1000).toFixed(3).padStart(8)} µs/request`);
  return ns / 1000;
}

async function timeAsync(label: string, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20_000; i++) await fn(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) await fn(i);
  const ns = Number(process.hrtime.bigint() - started) / ITERATIONS;
  console.log(`${label.padEnd(58)} ${(ns / 1000).toFixed(3).padStart(8)} µs/request`);
  return ns / 1000;
}

async function main() {
  console.log(
    `${ITERATIONS} iterations each; free-path CPU baseline ${FREE_PATH_CPU_US} µs/request\n`,
  );
  const oldMatch = time("before: match on the raw path (free paths)", (i) =>
    selectRule(rules, "GET", PLAIN[i % PLAIN.length]!),
  );
  const newMatch = time("after: canonicalise + match (free paths)", (i) => {
    const c = canonicalizePath(PLAIN[i % PLAIN.length]!);
    return c.ok ? matchRequest(rules, "GET", c.path) : c;
  });
  time("after: canonicalise + match (encoded, //, unicode: slow path)", (i) => {
    const c = canonicalizePath(ODD[i % ODD.length]!);
    return c.ok ? matchRequest(rules, "GET", c.path) : c;
  });
  const oldLimiter = createMemoryRateLimiter();
  const newLimiter = createMemoryRateLimiter();
  // 1,000 distinct clients, as a busy free path would see
  const oldLimit = await timeAsync("before: one merchant bucket (memory)", () =>
    oldLimiter.take("merchant:mer_bench", 1e9),
  );
  const newLimit = await timeAsync(
    "after: merchant + client buckets, all-or-nothing (memory)",
    (i) =>
      newLimiter.takeAll([
        { key: "gw:unpaid:mer_bench", limit: 1e9 },
        { key: `gw:unpaid:mer_bench:ip:10.0.${(i >> 8) & 3}.${i & 255}`, limit: 1e9 },
      ]),
  );
  const added = newMatch + newLimit - (oldMatch + oldLimit);
  console.log(
    `\nadded per free request: ${added.toFixed(3)} µs = ${((added / FREE_PATH_CPU_US) * 100).toFixed(2)} % of the free path's CPU (aim < 2 %); ` +
      `the whole stage now: ${(newMatch + newLimit).toFixed(3)} µs = ${(((newMatch + newLimit) / FREE_PATH_CPU_US) * 100).toFixed(2)} %`,
  );
}

// issue 25's blocklist check on every paid request (server/risk/blocklist-cache.ts does exactly
// this: the compiled list from a one-entry TTL cache, then the pure lookup), with an empty list and
// with a large one (1,000 payers, 1,000 IPs, 20 CIDR ranges), against a client that is not blocked
async function blocklistStage() {
  const hex = (i: number) => i.toString(16).padStart(40, "0");
  const large = compileBlocklist([
    ...Array.from({ length: 1000 }, (_, i) => ({
      id: `blk_p${i}`,
      kind: "PAYER" as const,
      value: `0x${hex(i + 1)}`,
      expiresAt: null,
    })),
    ...Array.from({ length: 1000 }, (_, i) => ({
      id: `blk_i${i}`,
      kind: "CLIENT_IP" as const,
      value: `198.51.${i >> 8}.${i & 255}`,
      expiresAt: null,
    })),
    ...Array.from({ length: 20 }, (_, i) => ({
      id: `blk_r${i}`,
      kind: "CLIENT_IP" as const,
      value: `100.${64 + i}.0.0/16`,
      expiresAt: null,
    })),
  ]);
  const cached = (list: Blocklist) =>
    createTtlCache<Blocklist>({ ttlMs: 5_000, maxEntries: 1, load: () => Promise.resolve(list) });
  const empty = cached(compileBlocklist([]));
  const full = cached(large);
  const now = new Date();
  const request = (i: number) => ({
    clientIp: `10.0.${(i >> 8) & 3}.${i & 255}`,
    payer: `0x${hex(5000 + (i & 1023))}`,
    now,
  });
  console.log("");
  const emptyUs = await timeAsync("blocklist check, empty list (paid requests)", async (i) =>
    findBlock(await empty.get("blocklist"), request(i)),
  );
  const fullUs = await timeAsync(
    "blocklist check, 2,020 entries, not blocked (paid requests)",
    async (i) => findBlock(await full.get("blocklist"), request(i)),
  );
  console.log(
    `blocklist per paid request: ${emptyUs.toFixed(3)} µs empty, ${fullUs.toFixed(3)} µs with 2,020 entries = ` +
      `${((fullUs / FREE_PATH_CPU_US) * 100).toFixed(2)} % of the free path's CPU (before: no check, 0 µs)`,
  );
}

main()
  .then(blocklistStage)
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
