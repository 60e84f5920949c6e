import type { PaymentRequirements } from "@x402/core/types";
import { x402ExactPermit2ProxyAddress } from "@x402/evm";

import { paysThroughPermit2 } from "@/server/networks/config";

import type { DecodedPayment } from "./payment-header";
import {
  inOption,
  offeredOptions,
  priceOf,
  requirementsV1,
  requirementsV2,
  type PaymentOption,
  type PricedRoute,
} from "./requirements";
import { BATCH_SCHEME } from "./batch-settlement";
import { checkUptoPaymentForRoute, isMetered, UPTO_SCHEME } from "./upto";

// Pure: does a decoded payment pay for this route? The cheap checks run here, before anything is
// reserved or any RPC is made; the facilitator then checks the signature, balance and chain state.
// Reasons are the protocol's strings where one exists, ours in the same style otherwise.

/** Seconds of validity a payment must have left to be worth settling (block time + our work). */
export const VALID_BEFORE_MARGIN_SECONDS = 6;

export type PaymentCheck =
  | {
      ok: true;
      amount: bigint;
      requirements: PaymentRequirements;
      /** the route priced in the option the buyer chose: verify, settle and the ledger use it */
      route: PricedRoute;
    }
  | { ok: false; reason: string; message: string };

const EIP3009_REASONS = {
  recipient: "invalid_exact_evm_recipient_mismatch",
  amount: "invalid_exact_evm_payload_authorization_value_mismatch",
  expired: "invalid_exact_evm_payload_authorization_valid_before",
  notYetValid: "invalid_exact_evm_payload_authorization_valid_after",
};
const PERMIT2_REASONS = {
  recipient: "invalid_permit2_recipient_mismatch",
  amount: "permit2_amount_mismatch",
  expired: "permit2_deadline_expired",
  notYetValid: "permit2_not_yet_valid",
};

type Refusal = Extract<PaymentCheck, { ok: false }>;
const reject = (reason: string, message: string): Refusal => ({ ok: false, reason, message });

const describeOffer = (options: PaymentOption[]) =>
  options.map((o) => `${o.asset.symbol} on ${o.network.name} (${o.network.id})`).join(", ");

/**
 * The option the buyer chose: v2 names network and asset in `accepted`; v1 names the network only
 * (and the asset when a client adds it), so among a network's options the one at the authorized
 * value is taken, else the first (its price check then says what it costs).
 */
export function chooseOption(
  payment: DecodedPayment,
  route: PricedRoute,
): { ok: true; option: PaymentOption } | Refusal {
  const offered = offeredOptions(route);
  const onNetwork = offered.filter((o) =>
    payment.version === 1 ? o.network.v1Name === payment.network : o.network.id === payment.network,
  );
  if (onNetwork.length === 0)
    return reject(
      "invalid_exact_evm_network_mismatch",
      `This route is paid with ${describeOffer(offered)}; the payment is for ${payment.network}`,
    );
  const asset = (payment.accepted?.asset ?? payment.asset)?.toLowerCase();
  const candidates = asset ? onNetwork.filter((o) => o.asset.address === asset) : onNetwork;
  if (candidates.length === 0)
    return reject(
      "asset_mismatch",
      `On ${payment.network} this route is paid in ${describeOffer(onNetwork)}; the payment is for ${asset}`,
    );
  const value = payment.exact.authorization.value;
  const option = candidates.find((o) => o.amount.toString() === value) ?? candidates[0]!;
  return { ok: true, option };
}

export function checkPaymentForRoute(
  payment: DecodedPayment,
  offeredRoute: PricedRoute,
  nowSeconds: number,
): PaymentCheck {
  if (payment.scheme === BATCH_SCHEME)
    return reject(
      "unsupported_scheme",
      'This route does not take the "batch-settlement" scheme: pay with "exact"',
    );
  // a metered route takes only upto payments, an upto payment only a metered route
  if (isMetered(offeredRoute) || payment.scheme === UPTO_SCHEME) {
    if (!isMetered(offeredRoute))
      return reject(
        "unsupported_scheme",
        'This route has a fixed price: pay with the "exact" scheme',
      );
    return checkUptoPaymentForRoute(payment, offeredRoute, nowSeconds);
  }
  const chosen = chooseOption(payment, offeredRoute);
  if (!chosen.ok) return chosen;
  const route = inOption(offeredRoute, chosen.option);
  const payTo = route.payTo.toLowerCase();
  // the protocol's reasons: the EIP-3009 ones, or the Permit2 ones for a Permit2 transfer
  const reasons = payment.permit2 ? PERMIT2_REASONS : EIP3009_REASONS;
  if (payment.accepted) {
    if (payment.accepted.payTo.toLowerCase() !== payTo)
      return reject(reasons.recipient, `Payments for this route go to ${route.payTo}`);
    if (payment.accepted.amount !== priceOf(route).toString()) {
      return reject(
        reasons.amount,
        `The payment accepted an amount of ${payment.accepted.amount}; the price is ${priceOf(route)}`,
      );
    }
  }
  if (
    payment.resourceUrl !== undefined &&
    stripQuery(payment.resourceUrl) !== stripQuery(route.resourceUrl)
  ) {
    return reject(
      "resource_mismatch",
      `The payment is for ${payment.resourceUrl}, not ${route.resourceUrl}`,
    );
  }
  // a Permit2 token takes only a Permit2 transfer, an EIP-3009 token only an EIP-3009 authorization
  if (paysThroughPermit2(route.asset) !== Boolean(payment.permit2))
    return reject(
      "invalid_asset_transfer_method",
      paysThroughPermit2(route.asset)
        ? `${route.asset.symbol} is paid through Permit2 (extra.assetTransferMethod "permit2"): sign a Permit2 transfer`
        : `${route.asset.symbol} is paid with an EIP-3009 authorization, not through Permit2`,
    );
  if (payment.permit2) {
    const a = payment.permit2.permit2Authorization;
    if (a.permitted.token.toLowerCase() !== route.asset.address)
      return reject(
        "permit2_token_mismatch",
        `The Permit2 transfer is not for ${route.asset.symbol}`,
      );
    // the exact proxy moves exactly the permitted amount to the witness's recipient
    if (a.spender.toLowerCase() !== x402ExactPermit2ProxyAddress.toLowerCase())
      return reject(
        "invalid_permit2_spender",
        `The spender must be the x402 exact Permit2 proxy ${x402ExactPermit2ProxyAddress}`,
      );
  }
  const { authorization } = payment.exact;
  if (authorization.to.toLowerCase() !== payTo) {
    return reject(
      reasons.recipient,
      `The authorization pays ${authorization.to}; payments for this route go to ${route.payTo}`,
    );
  }
  const amount = BigInt(authorization.value);
  const price = priceOf(route);
  // exact means exact (the official exact EVM scheme refuses any other value): an overpayment is
  // refused like an underpayment, never settled for more than the price
  if (amount !== price) {
    return reject(
      reasons.amount,
      `The authorization is for ${amount} atomic units; the price is exactly ${price}`,
    );
  }
  if (BigInt(authorization.validBefore) < BigInt(nowSeconds + VALID_BEFORE_MARGIN_SECONDS)) {
    return reject(reasons.expired, "The authorization has expired (or expires too soon to settle)");
  }
  if (BigInt(authorization.validAfter) > BigInt(nowSeconds)) {
    return reject(reasons.notYetValid, "The authorization is not valid yet");
  }
  // the facilitator checks the authorization against these requirements, at the price
  const requirements =
    payment.version === 1 ? requirementsV1(route, amount) : requirementsV2(route, amount);
  if (!requirements)
    return reject(
      "invalid_exact_evm_network_mismatch",
      `${route.network.name} has no x402 v1 name; pay with x402 v2`,
    );
  return {
    ok: true,
    amount,
    requirements: requirements as unknown as PaymentRequirements,
    route,
  };
}

function stripQuery(url: string): string {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}
