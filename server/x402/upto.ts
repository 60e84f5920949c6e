import type { PaymentRequirements } from "@x402/core/types";
import { x402UptoPermit2ProxyAddress } from "@x402/evm";
import { numberToHex } from "viem";
import { z } from "zod";

import { VALID_BEFORE_MARGIN_SECONDS, type PaymentCheck } from "./check-payment";
import type { ExactEvmPayload } from "./payment-header";
import { MAX_TIMEOUT_SECONDS, priceOf, type PricedRoute } from "./requirements";

// Pure: metered pricing with the x402 `upto` scheme. The payer signs a Permit2 authorization for
// the rule's price as a ceiling, naming the proxy as spender, the route's payTo as recipient and
// one of our facilitator accounts as the only one allowed to settle it; after the upstream answered,
// the gateway settles what the answer's metering header reports, capped by the ceiling.

export const UPTO_SCHEME = "upto";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");
const uintString = z.string().regex(/^\d{1,78}$/, "must be a decimal integer string");

export const uptoPayloadSchema = z.object({
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be 0x hex"),
  permit2Authorization: z.object({
    from: address,
    permitted: z.object({ token: address, amount: uintString }),
    spender: address,
    nonce: uintString,
    deadline: uintString,
    witness: z.object({ to: address, facilitator: address, validAfter: uintString }),
  }),
});
export type UptoPayload = z.infer<typeof uptoPayloadSchema>;

/** What the upto and the exact scheme's Permit2 payloads share (exact's witness names no facilitator). */
type Permit2PayloadFacts = {
  signature: string;
  permit2Authorization: Omit<UptoPayload["permit2Authorization"], "witness"> & {
    witness: { to: string; validAfter: string };
  };
};

/**
 * The authorization facts the gateway keeps for every payment (payer, recipient, amount, window and
 * a 32-byte nonce for the replay key), read from a Permit2 authorization: the ceiling is its value,
 * the deadline its end, the Permit2 nonce its nonce.
 */
export function uptoAuthorizationFacts<P extends Permit2PayloadFacts>(upto: P): ExactEvmPayload {
  const a = upto.permit2Authorization;
  return {
    signature: upto.signature,
    authorization: {
      from: a.from,
      to: a.witness.to,
      value: a.permitted.amount,
      validAfter: a.witness.validAfter,
      validBefore: a.deadline,
      nonce: numberToHex(BigInt(a.nonce), { size: 32 }),
    },
  };
}

export type UptoRequirements = {
  scheme: "upto";
  network: string;
  asset: string;
  /** the ceiling: the most one call can cost */
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra: {
    name: string;
    version: string;
    assetTransferMethod: "permit2";
    facilitatorAddress?: string;
  };
};

export function isMetered(route: Pick<PricedRoute, "rule">): boolean {
  return Boolean(route.rule.meteringHeader);
}

/** What a metered route's 402 offers: the ceiling, and the facilitator account that will settle it. */
export function requirementsUpto(
  route: PricedRoute,
  amount: bigint = priceOf(route),
): UptoRequirements {
  return {
    scheme: UPTO_SCHEME,
    network: route.network.id,
    asset: route.asset.address,
    amount: amount.toString(),
    payTo: route.payTo,
    maxTimeoutSeconds: MAX_TIMEOUT_SECONDS,
    extra: {
      name: route.asset.eip712.name,
      version: route.asset.eip712.version,
      assetTransferMethod: "permit2",
      ...(route.uptoFacilitator ? { facilitatorAddress: route.uptoFacilitator } : {}),
    },
  };
}

const reject = (reason: string, message: string): PaymentCheck => ({ ok: false, reason, message });

/** The cheap checks of an upto payment against a metered route (the facilitator checks the signature and chain). */
export function checkUptoPaymentForRoute(
  payment: { version: 1 | 2; scheme: string; network: string; upto?: UptoPayload },
  route: PricedRoute,
  nowSeconds: number,
): PaymentCheck {
  if (payment.scheme !== UPTO_SCHEME || !payment.upto)
    return reject(
      "unsupported_scheme",
      `This route is metered: pay with the "upto" scheme up to ${priceOf(route)}`,
    );
  if (payment.network !== route.network.id)
    return reject(
      "invalid_upto_evm_network_mismatch",
      `This route is paid on ${route.network.name} (${route.network.id}); the payment is for ${payment.network}`,
    );
  const a = payment.upto.permit2Authorization;
  if (a.permitted.token.toLowerCase() !== route.asset.address)
    return reject("permit2_token_mismatch", `This route is paid in ${route.asset.symbol}`);
  if (a.witness.to.toLowerCase() !== route.payTo.toLowerCase())
    return reject(
      "invalid_permit2_recipient_mismatch",
      `Payments for this route go to ${route.payTo}`,
    );
  if (a.spender.toLowerCase() !== x402UptoPermit2ProxyAddress.toLowerCase())
    return reject("invalid_permit2_spender", "The spender must be the x402 upto Permit2 proxy");
  const ceiling = priceOf(route);
  if (BigInt(a.permitted.amount) !== ceiling)
    return reject(
      "permit2_amount_mismatch",
      `The authorization is for ${a.permitted.amount} atomic units; this route's ceiling is ${ceiling}`,
    );
  if (BigInt(a.deadline) < BigInt(nowSeconds + VALID_BEFORE_MARGIN_SECONDS))
    return reject(
      "permit2_deadline_expired",
      "The authorization has expired (or expires too soon)",
    );
  if (BigInt(a.witness.validAfter) > BigInt(nowSeconds))
    return reject("permit2_not_yet_valid", "The authorization is not valid yet");
  return {
    ok: true,
    amount: ceiling,
    requirements: requirementsUpto(route, ceiling) as unknown as PaymentRequirements,
    route,
  };
}

export type MeteredCharge =
  | {
      ok: true;
      amount: bigint;
      /** metered: the header's amount; capped: more than the ceiling; fallback: no valid header, the ceiling */
      basis: "metered" | "capped" | "fallback";
    }
  | { ok: false; reason: "metering_header_missing"; message: string };

/**
 * The charge for a metered call from the upstream's answer: the header's decimal amount of atomic
 * units, capped by the ceiling. A missing or malformed header charges the ceiling, or refuses when
 * the merchant chose so.
 */
export function meteredCharge(
  headerValue: string | null,
  ceiling: bigint,
  opts: { header: string; fallback: "CEILING" | "REFUSE" },
): MeteredCharge {
  const value = headerValue?.trim() ?? "";
  if (/^\d{1,78}$/.test(value)) {
    const used = BigInt(value);
    return used > ceiling
      ? { ok: true, amount: ceiling, basis: "capped" }
      : { ok: true, amount: used, basis: "metered" };
  }
  if (opts.fallback === "CEILING") return { ok: true, amount: ceiling, basis: "fallback" };
  return {
    ok: false,
    reason: "metering_header_missing",
    message: `The upstream's answer has no valid ${opts.header} header (atomic units); nothing was charged`,
  };
}
