import type { GatewayDeps } from "./gateway-deps";
import type { GatewayRequest } from "./gateway-request";
import type { MerchantSnapshot } from "./merchant-snapshot";
import type { RequestContext } from "./request-context";
import { served, type Served } from "./served";
import { callUpstream, upstreamFailure, type UpstreamTarget } from "./upstream-call";

/** A path no rule prices: proxied as it is, logged FREE (or FAILED when the upstream could not answer). */
export async function serveFree(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  ctx: RequestContext,
  target: UpstreamTarget,
): Promise<Served> {
  const result = await callUpstream(deps, {
    req,
    ctx,
    merchant,
    target,
    facts: { kind: "free" },
    extra: {},
  });
  if (result.kind !== "response") {
    const failure = upstreamFailure(result, merchant, deps.maxBodyBytes);
    return served(failure.outcome, {
      status: "FAILED",
      reason: failure.reason,
      upstreamLatencyMs: failure.upstreamLatencyMs,
    });
  }
  return served(
    { kind: "proxied", status: result.status, headers: result.headers, body: result.body },
    { status: "FREE", upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs },
  );
}
