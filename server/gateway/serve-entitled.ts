import type { GatewayPaymentFacts } from "@/sdk/src/verify";
import {
  consumeEntitlement,
  entitlementHeader,
  restoreEntitlementCall,
  type GrantedEntitlement,
} from "@/server/entitlements/entitlements";
import { verifySiwxProof } from "@/server/entitlements/siwx";
import { localFirstMessageVerifier } from "@/server/x402/local-signature";
import { describePurchase } from "@/server/x402/requirements";

import type { GatewayDeps } from "./gateway-deps";
import type { GatewayRequest } from "./gateway-request";
import type { MerchantSnapshot } from "./merchant-snapshot";
import { rejectPayment } from "./payment-challenge";
import type { PricedCall } from "./price-route";
import type { RequestContext } from "./request-context";
import { served, type Served } from "./served";
import type { ProxyOutcome } from "./proxy";
import { callUpstream, upstreamFailure } from "./upstream-call";

type Proved =
  | { ok: true; payer: string; entitlement: GrantedEntitlement }
  | { ok: false; reason: string; message: string; payer?: string }
  | { ok: false; blocked: "payer_blocked"; payer: string };

/** The wallet the SIGN-IN-WITH-X proof names, and the entitlement of it that covers this call (one use consumed). */
async function provedEntitlement(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  priced: PricedCall,
  proof: string,
): Promise<Proved> {
  const { route } = priced;
  const publicClient = deps.chains.forNetwork(route.network.id)?.publicClient;
  const check = await verifySiwxProof(deps, {
    header: proof,
    appUrl: deps.env.GATEWAY_URL,
    resourceUrl: route.resourceUrl,
    network: route.network.id,
    merchantId: merchant.id,
    now: deps.now(),
    verifier: localFirstMessageVerifier(
      publicClient ? (args) => publicClient.verifyMessage(args) : undefined,
    ),
  });
  if (!check.ok) return check;
  // a blocked payer's wallet is refused here too: what it bought before the block is not served
  const payer = check.address.toLowerCase();
  const block = await deps.blocklist.check({ clientIp: null, payer, now: deps.now() });
  if (block) return { ok: false, blocked: "payer_blocked", payer };
  const entitlement = await consumeEntitlement(deps.db, {
    merchantId: merchant.id,
    ruleId: priced.ruleId,
    payer: check.address,
    now: deps.now(),
  });
  if (!entitlement)
    return {
      ok: false,
      reason: "no_entitlement",
      message: `No bundle or time pass of ${check.address} covers this call; pay to buy ${describePurchase(route)}`,
      payer: check.address,
    };
  return { ok: true, payer: check.address, entitlement };
}

type EntitledUsage = { ruleId: string; entitlementId: string; payer: string };

/** The upstream failed or answered an error: recorded FAILED, and a bundle's call is given back. */
async function failedEntitledCall(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  entitlement: { id: string; billingMode: string },
  result: ProxyOutcome,
  usage: EntitledUsage,
): Promise<Served> {
  // a failed call does not use up a bundle's call
  if (entitlement.billingMode === "BUNDLE")
    await restoreEntitlementCall(deps.db, {
      merchantId: merchant.id,
      entitlementId: entitlement.id,
    });
  if (result.kind !== "response") {
    const failure = upstreamFailure(result, merchant, deps.maxBodyBytes);
    return served(failure.outcome, {
      ...usage,
      status: "FAILED",
      reason: failure.reason,
      upstreamLatencyMs: failure.upstreamLatencyMs,
    });
  }
  return served(
    { kind: "proxied", status: result.status, headers: result.headers, body: result.body },
    {
      ...usage,
      status: "FAILED",
      reason: "upstream_error",
      upstreamStatus: result.status,
      upstreamLatencyMs: result.upstreamLatencyMs,
    },
  );
}

/**
 * A call covered by a bundle or time pass the caller's wallet bought: the SIGN-IN-WITH-X proof
 * names the wallet, an entitlement covers the call, nothing is charged. Null means "go on to the
 * payment in this request" (a proof without an entitlement, sent together with a payment).
 */
export async function serveEntitled(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  priced: PricedCall,
  ctx: RequestContext,
  proof: string,
  hasPayment: boolean,
): Promise<Served | null> {
  const proved = await provedEntitlement(deps, merchant, priced, proof);
  if (!proved.ok && "blocked" in proved)
    return served(
      { kind: "blocked", code: proved.blocked },
      { ruleId: priced.ruleId, status: "REJECTED", reason: proved.blocked, payer: proved.payer },
    );
  if (!proved.ok)
    return hasPayment
      ? null
      : rejectPayment(
          deps,
          req,
          priced,
          ctx,
          { version: 2, reason: proved.reason, message: proved.message },
          proved.payer ? { payer: proved.payer } : {},
        );
  const { entitlement, payer } = proved;
  const facts: GatewayPaymentFacts = {
    kind: "entitled",
    entitlementId: entitlement.id,
    payer,
    billingMode: entitlement.billingMode,
  };
  const result = await callUpstream(deps, {
    req,
    ctx,
    merchant,
    target: priced.target,
    facts,
    extra: { "x-x402-payer": payer, "x-x402-entitlement-id": entitlement.id },
  });
  const usage = { ruleId: priced.ruleId, entitlementId: entitlement.id, payer };
  if (result.kind !== "response" || result.status >= 400)
    return failedEntitledCall(deps, merchant, entitlement, result, usage);
  return served(
    {
      kind: "proxied",
      status: result.status,
      headers: { ...result.headers, "x-x402-entitlement": entitlementHeader(entitlement) },
      body: result.body,
    },
    {
      ...usage,
      status: "ENTITLED",
      upstreamStatus: result.status,
      upstreamLatencyMs: result.upstreamLatencyMs,
    },
  );
}
