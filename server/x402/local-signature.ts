import { recoverTypedDataAddress, verifyMessage, type Hex } from "viem";

import { paysThroughPermit2 } from "@/server/networks/config";
import { TRANSFER_WITH_AUTHORIZATION_TYPES } from "@/sdk/src/eip3009";

import type { ExactEvmPayload } from "./payment-header";
import type { PricedRoute } from "./requirements";

// Signature checks that need no chain round trip, for the paths where one would cost more than the
// call itself: a DEFERRED payment's EIP-3009 authorization and a Sign-In-With-X proof. Both recover
// the signer locally (an EOA); anything else (a smart-contract wallet's ERC-1271 / ERC-6492
// signature) falls back to the chain.

/** Whether `authorization.from` itself signed the authorization for this route's token (EOA only). */
export async function signedByPayer(
  exact: ExactEvmPayload,
  route: Pick<PricedRoute, "network" | "asset">,
): Promise<boolean> {
  // a Permit2 token's transfer is signed under Permit2's domain: the facilitator checks it
  if (paysThroughPermit2(route.asset)) return false;
  const { authorization } = exact;
  try {
    const signer = await recoverTypedDataAddress({
      domain: {
        name: route.asset.eip712.name,
        version: route.asset.eip712.version,
        chainId: route.network.chainId,
        verifyingContract: route.asset.address as Hex,
      },
      types: TRANSFER_WITH_AUTHORIZATION_TYPES,
      primaryType: "TransferWithAuthorization",
      message: {
        from: authorization.from as Hex,
        to: authorization.to as Hex,
        value: BigInt(authorization.value),
        validAfter: BigInt(authorization.validAfter),
        validBefore: BigInt(authorization.validBefore),
        nonce: authorization.nonce as Hex,
      },
      signature: exact.signature as Hex,
    });
    return signer.toLowerCase() === authorization.from.toLowerCase();
  } catch {
    return false;
  }
}

type MessageCheck = { address: Hex; message: string; signature: Hex };

/** A Sign-In-With-X verifier: local recovery first, the chain (contract wallets) only if that fails. */
export function localFirstMessageVerifier(
  onChain?: (args: MessageCheck) => Promise<boolean>,
): (args: MessageCheck) => Promise<boolean> {
  return async (args) => {
    const local = await verifyMessage(args).catch(() => false);
    if (local || !onChain) return local;
    return onChain(args);
  };
}
