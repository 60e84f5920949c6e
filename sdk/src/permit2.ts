import { ExactEvmScheme } from "@x402/evm/exact/client";

import type { PaymentRequirement } from "./protocol";
import type { PaymentSigner } from "./wallet";

// The exact scheme for a token without EIP-3009: the payer signs a Permit2 transfer to the x402
// exact Permit2 proxy, which pays `payTo` exactly the price. The payload comes from the official
// @x402/evm exact client, so it is what every x402 facilitator checks. The payer approves Permit2
// for the token once, beforehand (`permit2ApprovalTransaction`).

/** Whether a requirement asks for a Permit2 transfer (`extra.assetTransferMethod: "permit2"`). */
export function paysThroughPermit2(requirement: Pick<PaymentRequirement, "extra">): boolean {
  return requirement.extra.assetTransferMethod === "permit2";
}

/** The Permit2 payload (`{ permit2Authorization, signature }`) for a v2 requirement. */
export async function signPermit2Payment(
  signer: PaymentSigner,
  requirement: PaymentRequirement,
): Promise<Record<string, unknown>> {
  const address = await signer.address();
  const scheme = new ExactEvmScheme({
    address,
    // the official client signs Permit2's domain (name, chainId, verifyingContract: no version)
    signTypedData: (data) =>
      signer.signTypedData(data as unknown as Parameters<PaymentSigner["signTypedData"]>[0]),
  });
  const result = await scheme.createPaymentPayload(2, requirement.raw as never);
  return result.payload as Record<string, unknown>;
}

export { createPermit2ApprovalTx as permit2ApprovalTransaction } from "@x402/evm/exact/client";
