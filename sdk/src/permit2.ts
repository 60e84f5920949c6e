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
  // loaded when a Permit2 payment is signed: EIP-3009 payers never load the EVM package
  const { ExactEvmScheme } = await import("@x402/evm/exact/client");
  const scheme = new ExactEvmScheme({
    address,
    // the official client signs Permit2's domain (name, chainId, verifyingContract: no version)
    signTypedData: (data) =>
      signer.signTypedData(data as unknown as Parameters<PaymentSigner["signTypedData"]>[0]),
  });
  const result = await scheme.createPaymentPayload(2, requirement.raw as never);
  return result.payload as Record<string, unknown>;
}

/** Permit2's canonical address (the same on every EVM chain). */
export const PERMIT2_ADDRESS = "0x000000000022D473030F116dDEE9F6B43aC78BA3";

/**
 * The payer's one-time approval for a token: `approve(Permit2, max)`, as `{ to, data }` for the
 * wallet to send (the same call the official client's `createPermit2ApprovalTx` builds).
 */
export function permit2ApprovalTransaction(token: `0x${string}`): {
  to: `0x${string}`;
  data: `0x${string}`;
} {
  if (!/^0x[0-9a-fA-F]{40}$/.test(token)) throw new TypeError(`not a token address: ${token}`);
  const spender = PERMIT2_ADDRESS.slice(2).toLowerCase().padStart(64, "0");
  return { to: token, data: `0x095ea7b3${spender}${"f".repeat(64)}` };
}
