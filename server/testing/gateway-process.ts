// A gateway in a process of its own, for the crash-safety test: it serves the real gateway handler
// on a socket, and with KILL_AFTER_SETTLE=1 it SIGKILLs itself right after a settlement landed on
// chain and before the payment is recorded — the worst moment to die.
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { parseServerEnv } from "@/server/env";
import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { buildGatewayRuntime } from "@/server/gateway/runtime";
import { serveFetchHandler } from "@/server/http/node-adapter";
import { createLogger } from "@/server/observability/logger";

async function main() {
  const env = parseServerEnv(process.env);
  const { db } = createPrismaClient(parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR));
  const runtime = buildGatewayRuntime({ db, env, log: createLogger({ level: env.LOG_LEVEL }), now: () => new Date() }, { reconcileEveryMs: null });
  if (process.env.KILL_AFTER_SETTLE === "1") {
    runtime.afterSettleHook = async () => {
      process.kill(process.pid, "SIGKILL");
      await new Promise(() => undefined);
    };
  }
  const server = await serveFetchHandler((req) => {
    const merchantId = new URL(req.url).pathname.split("/")[1] ?? "";
    return handleGatewayRequest(runtime, req, { merchantId });
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
