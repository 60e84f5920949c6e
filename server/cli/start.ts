// `npm start` (and `npm run dev` through server/cli/dev.ts): the self-hosted server. Gateway
// requests (/<merchantId>/…), the facilitator API and the probes are served straight from
// node:http by the same functions the Next.js route handlers call — skipping the framework's
// request pipeline and the web-stream conversions, which the benchmark measured as most of the
// gateway's overhead (node-listener.ts). Every other path goes to Next.js, which a gateway
// instance does not load. On Vercel there is no custom server and the route handlers serve all.
import "dotenv/config";

import http from "node:http";

import next from "next";

import { checkAtBoot } from "@/server/boot";
import { useNativeKeccak } from "@/server/chain/native-keccak";
import { useNativeSecp256k1 } from "@/server/chain/native-secp256k1";
import { flagValue, portFrom } from "@/server/cli/args";
import { closeDb } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { createNodeListener } from "@/server/cli/node-listener";
import { parseTrustedProxies } from "@/server/http/forwarded";
import { answerClientError, answerConnect } from "@/server/gateway/node-entry";
import { getRuntime, type Runtime } from "@/server/runtime";
import { limitHeapGrowth } from "@/server/observability/heap-growth";

const args = process.argv.slice(2);
const dev = args.includes("--dev");
const port = portFrom(args, process.env.PORT);
const hostname = flagValue(args, "-H", "--hostname") ?? "0.0.0.0";
const SHUTDOWN_GRACE_MS = 10_000;

// A rolling deploy's SIGTERM (and Ctrl-C, and dev.ts passing either on): finish the requests in
// flight, write the buffered access log, let the job runs in progress finish and release their
// claims, then close the database (the embedded one shuts down cleanly and releases its directory's
// lock) and exit. Connections that stay open (streams, dev's HMR socket) are cut after
// SHUTDOWN_GRACE_MS. Handled from the start: the database is open before Next has prepared.
let server: http.Server | undefined;
let runtime: Runtime | undefined;
let stopping = false;

function stop() {
  if (stopping) return; // Ctrl-C under dev.ts sends SIGINT and dev.ts adds a SIGTERM: one shutdown
  stopping = true;
  const closeRest = () => {
    void (runtime?.close() ?? Promise.resolve())
      .catch((err: unknown) => console.error(err))
      .then(() => closeDb())
      .catch((err: unknown) => console.error(err))
      .finally(() => process.exit(0));
  };
  if (!server?.listening) {
    closeRest();
    return;
  }
  server.close(closeRest);
  server.closeIdleConnections();
  setTimeout(() => server?.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
}

async function main() {
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  if (!dev) limitHeapGrowth();
  const env = getEnv();
  const trustedProxies = parseTrustedProxies(env.TRUSTED_PROXIES);
  if (env.APP_URL.startsWith("https://") && trustedProxies.isEmpty) {
    // this server speaks plain HTTP, so an https APP_URL means a TLS proxy in front; unless it is
    // trusted, every page request looks like plain HTTP and is redirected to HTTPS, forever
    const message =
      "TRUSTED_PROXIES: APP_URL is https, so name the TLS-terminating proxy in front of this server (its IPs or CIDR ranges, or `loopback` / `private`)";
    if (!dev) throw new Error(message);
    console.warn(`  warning: ${message}`);
  }
  // before Next prepares: its instrumentation hook runs the same checks, but only once it is serving
  await checkAtBoot();
  // every paid call recovers its signer at least twice (verify, settle) and the facilitator signs
  // its settlement transaction: natively, ~25× faster than in JavaScript
  const recovery = await useNativeSecp256k1();
  if (recovery === "unavailable")
    console.warn(
      "  warning: signature recovery and signing run in JavaScript (the secp256k1 binding did not load)",
    );
  // and hashes a few dozen times (EIP-712 digests, the transaction): natively, ~5× faster
  if ((await useNativeKeccak()) === "unavailable")
    console.warn("  warning: Keccak-256 runs in JavaScript (the keccak binding did not load)");
  // built now rather than on the first gateway call: its scheduler runs the background jobs
  // (claimed once across instances), which a console-only instance must run too
  runtime = getRuntime();
  const role = env.INSTANCE_ROLE;
  // a gateway instance serves nothing Next.js renders: it never loads it (node-listener.ts)
  const app =
    role === "gateway" ? null : next({ dev, hostname, port, ...(dev ? { turbopack: true } : {}) });
  await app?.prepare();
  const handleApp = app?.getRequestHandler() ?? null;
  server = http.createServer(
    createNodeListener({
      gateway: runtime.gateway,
      role,
      origin: new URL(env.APP_URL).origin,
      trustedProxies,
      app: handleApp,
    }),
  );
  server.on("clientError", answerClientError);
  server.on("connect", answerConnect);
  if (stopping) return;
  server.keepAliveTimeout = 65_000;
  server.listen(port, hostname, () => {
    void (dev ? warmDevRoutes(hostname, port) : Promise.resolve()).then(() =>
      console.log(
        `  ready on http://${hostname}:${port} (${dev ? "development" : "production"}, role ${role}, background jobs ${env.BACKGROUND_JOBS})`,
      ),
    );
  });
}

/**
 * `next dev` compiles a route on its first request, which on a busy 2-core machine took longer than
 * the gateway's upstream timeout: the first paid call of a fresh clone (its upstream is the demo API
 * on this same server) answered 504. The demo upstream is compiled before "ready" is printed.
 */
async function warmDevRoutes(hostname: string, port: number): Promise<void> {
  const host = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
  // unsigned, so the demo API refuses it; compiling the route is the point
  await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${port}/api/demo/warm-up`, {
    signal: AbortSignal.timeout(180_000),
  })
    .then((res) => res.body?.cancel())
    .catch(() => undefined);
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await closeDb().catch(() => undefined);
  process.exit(1);
});
