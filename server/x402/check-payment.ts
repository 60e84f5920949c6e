import type { PaymentRequirements } from "@x402/core/types";

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
  if (payment.accepted) {
    if (payment.accepted.payTo.toLowerCase() !== payTo)
      return reject(
        "invalid_exact_evm_recipient_mismatch",
        `Payments for this route go to ${route.payTo}`,
      );
    if (payment.accepted.amount !== priceOf(route).toString()) {
      return reject(
        "invalid_exact_evm_payload_authorization_value_mismatch",
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
  const { authorization } = payment.exact;
  if (authorization.to.toLowerCase() !== payTo) {
    return reject(
      "invalid_exact_evm_recipient_mismatch",
      `The authorization pays ${authorization.to}; payments for this route go to ${route.payTo}`,
    );
  }
  const amount = BigInt(authorization.value);
  const price = priceOf(route);
  // exact means exact (the official exact EVM scheme refuses any other value): an overpayment is
  // refused like an underpayment, never settled for more than the price
  if (amount !== price) {
    return reject(
      "invalid_exact_evm_payload_authorization_value_mismatch",
      `The authorization is for ${amount} atomic units; the price is exactly ${price}`,
    );
  }
  if (BigInt(authorization.validBefore) < BigInt(nowSeconds + VALID_BEFORE_MARGIN_SECONDS)) {
    return reject(
      "invalid_exact_evm_payload_authorization_valid_before",
      "The authorization has expired (or expires too soon to settle)",
    );
  }
  if (BigInt(authorization.validAfter) > BigInt(nowSeconds)) {
    return reject(
      "invalid_exact_evm_payload_authorization_valid_after",
      "The authorization is not valid yet",
    );
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
