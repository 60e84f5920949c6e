import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

import type { GatewayDeps } from "@/server/gateway/gateway-deps";
import { serveGatewayNode } from "@/server/gateway/node-entry";
import { applyForwarded, resolveForwarded, type TrustedProxies } from "@/server/http/forwarded";
import { writeNodeError } from "@/server/http/front-door";
import { notServedMessage, roleServes, type InstanceRole } from "@/server/http/instance-role";
import { serveInstanceRoute } from "@/server/http/instance-routes";

// `npm start`'s request listener (server/cli/start.ts), kept apart so tests can put it on a real
// socket: gateway calls (/<merchantId>/…) go to the gateway, the facilitator API and the probes to
// their handlers (server/http/instance-routes.ts), both straight from node:http; everything else
// to Next.js. A gateway instance (INSTANCE_ROLE=gateway) has no Next.js at all (`app` is null).

export type AppHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createNodeListener(opts: {
  gateway: GatewayDeps;
  role: InstanceRole;
  origin: string;
  trustedProxies: TrustedProxies;
  app: AppHandler | null;
}): RequestListener {
  const { gateway, role, origin, trustedProxies, app } = opts;
  const gatewayEnabled = role !== "console";
  return (req, res) => {
    const headers = req.headers;
    applyForwarded(
      headers,
      resolveForwarded(
        req.socket.remoteAddress,
        (name) => headers[name] as string | undefined,
        trustedProxies,
      ),
    );
    if (serveGatewayNode(gateway, req, res, { origin, gatewayEnabled })) return;
    if (role !== "all" && !roleServes(role, new URL(req.url ?? "/", origin).pathname)) {
      writeNodeError(res, "not_found", notServedMessage(role));
      return;
    }
    if (serveInstanceRoute(req, res, origin)) return;
    if (app) void app(req, res);
    else writeNodeError(res, "not_found", "No route matches this path.");
  };
}
