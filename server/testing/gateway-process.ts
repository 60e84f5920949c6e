// A gateway in a process of its own, for the crash-safety test: it serves the real gateway handler
// on a socket, and with KILL_AFTER_SETTLE=1 it SIGKILLs itself right after a settlement landed on
// chain and before the payment is recorded — the worst moment to die (in the request path, or in
// the deferred settlement queue, which it works every DEFERRED_EVERY_MS when that is set).
// `GET /_test/settled?payer=0x…` answers how many of that payer's payments are booked SETTLED.
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { parseServerEnv } from "@/server/env";
import http from "node:http";
import type { AddressInfo } from "node:net";

import { handleGatewayNode } from "@/server/gateway/handle-request";
import { buildGatewayRuntime } from "@/server/gateway/runtime";
import { createLogger } from "@/server/observability/logger";

async function main() {
  const env = parseServerEnv(process.env);
  const { db } = createPrismaClient(parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR));
  const runtime = buildGatewayRuntime(
    { db, env, log: createLogger({ level: env.LOG_LEVEL }), now: () => new Date() },
    {
      reconcileEveryMs: null,
      webhooksEveryMs: null,
      alertsEveryMs: null,
      deferredEveryMs: process.env.DEFERRED_EVERY_MS ? Number(process.env.DEFERRED_EVERY_MS) : null,
      deferredQueue: { leaseMs: Number(process.env.DEFERRED_LEASE_MS ?? 60_000) },
      // a killed predecessor's claim on the queue job lapses as fast as its claims on the rows
      jobLeaseMs: Number(process.env.DEFERRED_LEASE_MS ?? 15_000),
      settlementEveryMs: null,
    },
  );
  if (process.env.KILL_AFTER_SETTLE === "1") {
    runtime.afterSettleHook = async () => {
      process.kill(process.pid, "SIGKILL");
      await new Promise(() => undefined);
    };
  }
  const server = http.createServer((req, res) => {
    // the test's probe: how many of a payer's payments are booked SETTLED. It reads through this
    // process's database handle, since an embedded database opens in one process at a time
    if (req.url?.startsWith("/_test/settled?")) {
      const payer = new URL(req.url, "http://probe").searchParams.get("payer")?.toLowerCase() ?? "";
      void db.payment.count({ where: { payer, status: "SETTLED" } }).then((settled) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ settled }));
      });
      return;
    }
    const merchantId = (req.url ?? "").split("/")[1]?.split("?")[0] ?? "";
    void handleGatewayNode(runtime, req, res, { merchantId, origin: env.APP_URL });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
