// `.next/standalone/server.js`, what the Docker image runs: Next's standalone server with our front
// door (server/http/front-door.ts) in front. Next's own server.js hands every request to Next, which
// answers TRACE, `OPTIONS *` and a malformed percent-escape with a plain-text 500 before middleware
// could step in, and has no answer but node's bare 400 or a dropped connection for what node's
// parser refuses (TRACK, over-long headers, malformed HTTP) and for CONNECT; this one answers them
// all with the one JSON error body, as `npm start` does. It does not carry the gateway's node:http fast path:
// that would bundle the whole server here; the route handler serves the gateway, as on Vercel.
//
// `npm run build:standalone` (server/cli/prepare-standalone.ts) bundles this file with esbuild into
// one ES module that imports only Node and `next`, which Next's file tracing already put in the
// standalone node_modules. It replaces the server.js Next writes and reads the same things:
// the build's config from .next/required-server-files.json, PORT, HOSTNAME, KEEP_ALIVE_TIMEOUT.
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

import next from "next";

import {
  answerClientError,
  answerConnect,
  refuseMalformedEscapes,
  refuseUnservableTarget,
  writeNodeError,
} from "@/server/http/front-door";
import { limitHeapGrowth } from "@/server/observability/heap-growth";

const SHUTDOWN_GRACE_MS = 10_000;

/** Parses Next's standalone variables the way its own server.js does. */
function listenOptions(vars: Record<string, string | undefined>): {
  port: number;
  hostname: string;
  keepAliveTimeout: number | undefined;
} {
  const keepAlive = Number.parseInt(vars.KEEP_ALIVE_TIMEOUT ?? "", 10);
  return {
    port: Number.parseInt(vars.PORT ?? "", 10) || 3000,
    hostname: vars.HOSTNAME || "0.0.0.0",
    keepAliveTimeout: Number.isFinite(keepAlive) && keepAlive >= 0 ? keepAlive : undefined,
  };
}

async function main(): Promise<void> {
  limitHeapGrowth();
  const dir = path.dirname(fileURLToPath(import.meta.url));
  // the same preamble as Next's generated server.js (this process has no next.config.ts to load)
  const vars: Record<string, string | undefined> = process.env;
  vars.NODE_ENV = "production";
  process.chdir(dir);
  const { config } = JSON.parse(
    readFileSync(path.join(dir, ".next", "required-server-files.json"), "utf8"),
  ) as { config: Record<string, unknown> };
  vars.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  const { port, hostname, keepAliveTimeout } = listenOptions(vars);

  // prepare() runs instrumentation.ts, whose boot checks exit before the port opens
  const app = next({ dir, dev: false, hostname, port, conf: config });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  const server = http.createServer((req, res) => {
    if (refuseUnservableTarget(req, res) || refuseMalformedEscapes(req, res)) return;
    handleNext(req, res).catch((err: unknown) => {
      console.error(err);
      writeNodeError(res, "internal", "Internal error");
    });
  });
  server.on("clientError", answerClientError);
  server.on("connect", answerConnect);
  if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;

  // a rolling deploy's SIGTERM: finish the requests in flight, then exit (the buffered log is
  // written on exit); connections that stay open are cut after the grace period
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  server.listen(port, hostname, () =>
    console.log(`  ready on http://${hostname}:${port} (standalone)`),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
