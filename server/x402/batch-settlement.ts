import type { PaymentRequirements } from "@x402/core/types";
import { z } from "zod";

import type { ExactEvmPayload } from "./payment-header";
import { priceOf, type PricedRoute } from "./requirements";

/**
 * How long a verified voucher holds its channel before the upstream answers: the official server
 * part keeps a channel busy for this long (5 s at least) when a request is cut off mid-way.
 */
export const BATCH_TIMEOUT_SECONDS = 30;

// Pure: the x402 `batch-settlement` scheme at the gateway's edge. The payer deposits once into a
// channel of the x402BatchSettlement contract and signs, per call, a voucher for the cumulative
// amount it has been charged so far plus this call's price. The gateway verifies and charges each
// voucher against its channel record (server/payments/batch-channels.ts) and claims many vouchers in
// one transaction later (server/payments/batch-settlement.ts). The official server part
// (`@x402/evm/batch-settlement/server`) does the scheme's checks; this module only validates the
// payload's shape before it gets there and builds the 402's requirements.

export const BATCH_SCHEME = "batch-settlement";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x hex");
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "must be 0x hex");
const uintString = z.string().regex(/^\d{1,39}$/, "must be a decimal integer string");

const channelConfigSchema = z.object({
  payer: address,
  payerAuthorizer: address,
  receiver: address,
  receiverAuthorizer: address,
  token: address,
  withdrawDelay: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40 - 1),
  salt: bytes32,
});

const voucherSchema = z.object({
  channelId: bytes32,
  maxClaimableAmount: uintString,
  signature: hex,
});

const erc3009DepositSchema = z.object({
  validAfter: uintString,
  validBefore: uintString,
  salt: bytes32,
  signature: hex,
});

const permit2DepositSchema = z.object({
  from: address,
  permitted: z.object({ token: address, amount: uintString }),
  spender: address,
  nonce: z.string().regex(/^\d{1,78}$/),
  deadline: uintString,
  witness: z.object({ channelId: bytes32 }),
  signature: hex,
});

export const batchPayloadSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("deposit"),
    channelConfig: channelConfigSchema,
    voucher: voucherSchema,
    deposit: z.object({
      amount: uintString,
      authorization: z.union([
        z.object({ erc3009Authorization: erc3009DepositSchema }),
        z.object({ permit2Authorization: permit2DepositSchema }),
      ]),
    }),
  }),
  z.object({
    type: z.literal("voucher"),
    channelConfig: channelConfigSchema,
    voucher: voucherSchema,
  }),
]);
export type BatchPayload = z.infer<typeof batchPayloadSchema>;

/**
 * The facts the gateway keeps for every payment, read from a voucher: the payer, the receiver, the
 * cumulative amount signed and the channel id (the replay key is the channel and its cumulative
 * amount, see server/payments/batch-channels.ts).
 */
export function batchAuthorizationFacts(batch: BatchPayload): ExactEvmPayload {
  return {
    signature: batch.voucher.signature,
    authorization: {
      from: batch.channelConfig.payer,
      to: batch.channelConfig.receiver,
      value: batch.voucher.maxClaimableAmount,
      validAfter: "0",
      validBefore: "0",
      nonce: batch.voucher.channelId,
    },
  };
}

export type BatchRequirements = {
  scheme: "batch-settlement";
  network: string;
  asset: string;
  /** the price of one call */
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  /** name/version of the asset, and what the official server part adds (receiverAuthorizer, withdrawDelay, minDeposit) */
  extra: Record<string, unknown>;
};

export function isBatch(route: Pick<PricedRoute, "rule">): boolean {
  return route.rule.settlementPolicy === "BATCH";
}

/** The requirements before the official server part adds its fields (server/gateway/batch-call.ts). */
export function baseRequirementsBatch(route: PricedRoute): BatchRequirements {
  return {
    scheme: BATCH_SCHEME,
    network: route.network.id,
    asset: route.asset.address,
    amount: priceOf(route).toString(),
    payTo: route.payTo,
    maxTimeoutSeconds: BATCH_TIMEOUT_SECONDS,
    extra: {
      name: route.asset.eip712.name,
      version: route.asset.eip712.version,
      assetTransferMethod: "eip3009",
    },
  };
}

/** What a batch route's 402 offers: the base requirements with the official server part's fields. */
export function requirementsBatch(route: PricedRoute): BatchRequirements {
  const base = baseRequirementsBatch(route);
  return { ...base, extra: { ...base.extra, ...route.batchExtra } };
}

const reject = (reason: string, message: string) => ({ ok: false as const, reason, message });

/** The cheap checks of a batch payment against its route (the official server part checks the rest). */
export function checkBatchPaymentForRoute(
  payment: { scheme: string; network: string; batch?: BatchPayload },
  route: PricedRoute,
):
  { ok: true; requirements: PaymentRequirements } | { ok: false; reason: string; message: string } {
  if (payment.scheme !== BATCH_SCHEME || !payment.batch)
    return reject(
      "unsupported_scheme",
      `This route is paid with the "batch-settlement" scheme at ${priceOf(route)} per call`,
    );
  if (payment.network !== route.network.id)
    return reject(
      "invalid_batch_settlement_evm_network_mismatch",
      `This route is paid on ${route.network.name} (${route.network.id}); the payment is for ${payment.network}`,
    );
  const config = payment.batch.channelConfig;
  if (config.token.toLowerCase() !== route.asset.address.toLowerCase())
    return reject(
      "invalid_batch_settlement_evm_token_mismatch",
      `This route is paid in ${route.asset.symbol}`,
    );
  if (config.receiver.toLowerCase() !== route.payTo.toLowerCase())
    return reject(
      "invalid_batch_settlement_evm_receiver_mismatch",
      `Payments for this route go to ${route.payTo}`,
    );
  return { ok: true, requirements: requirementsBatch(route) as unknown as PaymentRequirements };
}
