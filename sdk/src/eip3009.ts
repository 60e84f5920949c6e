// EIP-3009's TransferWithAuthorization as EIP-712 typed data: the one definition the SDK signs
// with and the gateway (server/x402/local-signature.ts, server/chain/test-usdc.ts) checks and signs
// with. It lives in the SDK because the SDK may depend on nothing in server/.

export const TRANSFER_WITH_AUTHORIZATION_TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;
