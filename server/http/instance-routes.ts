import type { IncomingMessage, ServerResponse } from "node:http";

import { handleDiscoveryResources } from "@/server/discovery/http";
import { getEnv } from "@/server/env";
import {
  handleFacilitatorSettle,
  handleFacilitatorSupported,
  handleFacilitatorVerify,
} from "@/server/facilitator/http-api";
import { serveCronJobs } from "@/server/jobs/cron-endpoint";
import { serveMetrics } from "@/server/observability/metrics-endpoint";
import { readinessNetworks, serveReadiness } from "@/server/observability/readiness";
import { handleDidDocument } from "@/server/receipts/http";
import { getRuntime } from "@/server/runtime";

import { toWebRequest, writeWebResponse } from "./node-adapter";
import { json } from "./respond";
import { writeNodeError } from "./front-door";

// The routes a gateway instance answers besides the gateway itself (instance-role.ts: the
// facilitator API and the probes every role answers), in one table that both servers use: the
// app/ route files export these handlers for Next.js (Vercel, `next start`, the standalone image),
// and `npm start`'s node:http server calls them directly. A gateway instance therefore never loads
// Next.js: the bench measured Next's process-wide hooks (AsyncLocalStorage on every promise, its
// wrapped process.nextTick and Date) at ~50 µs of CPU per free-path request and ~100 MB of RSS.

export type RouteHandler = (req: Request) => Response | Promise<Response>;
type RouteMethods = { GET?: RouteHandler; POST?: RouteHandler };

export const INSTANCE_ROUTES = {
  // liveness: the process answers
  "/api/health": { GET: () => json({ status: "ok" }) },
  // readiness: database, chain RPC per configured network, Redis when configured
  "/api/ready": {
    GET: (req) => {
      const { db, env, log } = getRuntime().deps;
      return serveReadiness({ db, env, log, networks: readinessNetworks(env) }, req);
    },
  },
  // the Prometheus scrape (bearer METRICS_TOKEN)
  "/api/metrics": {
    GET: (req) => serveMetrics({ env: getEnv(), metrics: getRuntime().metrics }, req),
  },
  // runs the due background jobs (bearer CRON_SECRET; Vercel Cron, vercel.json)
  "/api/cron/jobs": {
    GET: (req) => serveCronJobs({ env: getEnv(), jobs: getRuntime().jobs }, req),
  },
  // the did:web document with the `offer-receipt` keys (current and retired)
  "/.well-known/did.json": { GET: () => handleDidDocument(getRuntime().deps) },
  // the standard x402 facilitator API, served by our self-hosted facilitator
  "/api/facilitator/supported": {
    GET: (req) => handleFacilitatorSupported(getRuntime().facilitatorApi, req),
  },
  "/api/facilitator/verify": {
    POST: (req) => handleFacilitatorVerify(getRuntime().facilitatorApi, req),
  },
  "/api/facilitator/settle": {
    POST: (req) => handleFacilitatorSettle(getRuntime().facilitatorApi, req),
  },
  // the bazaar discovery list where the ecosystem's clients look for it:
  // `${facilitatorUrl}/discovery/resources` (withBazaar(HTTPFacilitatorClient).listResources)
  "/api/facilitator/discovery/resources": {
    GET: (req) => handleDiscoveryResources(getRuntime().deps, req),
  },
} satisfies Record<string, RouteMethods>;

const byPath: ReadonlyMap<string, RouteMethods> = new Map(Object.entries(INSTANCE_ROUTES));

/** The methods a table route answers, for a 405's Allow (HEAD wherever GET is). */
export function allowedMethods(methods: RouteMethods): string {
  return [...(methods.GET ? ["GET", "HEAD"] : []), ...(methods.POST ? ["POST"] : [])].join(", ");
}

/**
 * Serves a request for one of the table's routes from node:http (HEAD as GET, without the body:
 * node's response drops it); false when the path is not in the table. A method the route does not
 * answer gets a 405 with Allow, as Next.js answers it.
 */
export function serveInstanceRoute(
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
): boolean {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const methods = byPath.get(query === -1 ? url : url.slice(0, query));
  if (!methods) return false;
  const method = req.method === "HEAD" ? "GET" : req.method;
  const handler = method === "GET" ? methods.GET : method === "POST" ? methods.POST : undefined;
  if (!handler) {
    writeNodeError(res, "method_not_allowed", `${req.method ?? "?"} is not served here`, {
      allow: allowedMethods(methods),
    });
    return true;
  }
  Promise.resolve()
    .then(() => handler(toWebRequest(req, origin)))
    .then((response) => writeWebResponse(res, response))
    .catch(() => writeNodeError(res, "internal", "Internal error"));
  return true;
}
