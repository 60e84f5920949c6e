import type { PaymentRequirements } from "@x402/core/types";

import type { DecodedPayment } from "./payment-header";
import { priceOf, requirementsV1, requirementsV2, type PricedRoute } from "./requirements";
import { checkUptoPaymentForRoute, isMetered, UPTO_SCHEME } from "./upto";

// Pure: does a decoded payment pay for this route? The cheap checks run here, before anything is
// reserved or any RPC is made; the facilitator then checks the signature, balance and chain state.
// Reasons are the protocol's strings where one exists, ours in the same style otherwise.

/** Seconds of validity a payment must have left to be worth settling (block time + our work). */
export const VALID_BEFORE_MARGIN_SECONDS = 6;

export type PaymentCheck =
  | { ok: true; amount: bigint; requirements: PaymentRequirements }
  | { ok: false; reason: string; message: string };

const reject = (reason: string, message: string): PaymentCheck => ({ ok: false, reason, message });

export function checkPaymentForRoute(
  payment: DecodedPayment,
  route: PricedRoute,
  nowSeconds: number,
): PaymentCheck {
  // a metered route takes only upto payments, an upto payment only a metered route
  if (isMetered(route) || payment.scheme === UPTO_SCHEME) {
    if (!isMetered(route))
      return reject(
        "unsupported_scheme",
        'This route has a fixed price: pay with the "exact" scheme',
      );
    return checkUptoPaymentForRoute(payment, route, nowSeconds);
  }
  const expectedNetwork = payment.version === 1 ? route.network.v1Name : route.network.id;
  if (!expectedNetwork || payment.network !== expectedNetwork) {
    return reject(
      "invalid_exact_evm_network_mismatch",
      `This route is paid on ${route.network.name} (${route.network.id}); the payment is for ${payment.network}`,
    );
  }
  const payTo = route.payTo.toLowerCase();
  if (payment.accepted) {
    if (payment.accepted.asset.toLowerCase() !== route.asset.address) {
      return reject(
        "asset_mismatch",
        `This route is paid in ${route.asset.symbol} at ${route.asset.address}; the payment is for ${payment.accepted.asset}`,
      );
    }
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
  return { ok: true, amount, requirements: requirements as unknown as PaymentRequirements };
}

function stripQuery(url: string): string {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}
