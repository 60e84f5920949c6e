import {
  createPublicClient,
  createWalletClient,
  http,
  parseSignature,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";

import { accountFor } from "./accounts";
import { TEST_USDC_ABI } from "./contracts.artifact";
import { localChainDefinition, MULTICALL3_ADDRESS } from "./local-chain";
import { signTransferAuthorization, TEST_USDC_EIP712, usdcBalance } from "./test-usdc";

const provided = inject("chain");
const chain = localChainDefinition(provided.chainId, provided.rpcUrl);
const publicClient = createPublicClient({
  chain,
  transport: http(provided.rpcUrl),
}) as PublicClient;
const token = provided.tokenAddress;
const payer = accountFor("payerC");
const relayer = createWalletClient({
  chain,
  account: accountFor("facilitator"),
  transport: http(provided.rpcUrl),
});

async function signAuthorization(
  to: Address,
  value: bigint,
  window: { validAfter: bigint; validBefore: bigint },
) {
  const nonce = toHex(randomBytes(32)) as Hex;
  const message = {
    from: payer.address,
    to,
    value,
    validAfter: window.validAfter,
    validBefore: window.validBefore,
    nonce,
  };
  const signature = await signTransferAuthorization(
    payer,
    { ...TEST_USDC_EIP712, chainId: provided.chainId, verifyingContract: token },
    message,
  );
  return { message, signature, nonce: nonce as Hex };
}

async function chainNow(): Promise<bigint> {
  return (await publicClient.getBlock()).timestamp;
}

describe("EIP-3009 on anvil with the committed TestUsdc artifact", () => {
  it("moves tokens with a signed authorization (bytes overload) and refuses the same authorization twice", async () => {
    // a payee of its own: other files pay the shared wallets while this one reads a balance
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const now = await chainNow();
    const { message, signature, nonce } = await signAuthorization(to, 250_000n, {
      validAfter: 0n,
      validBefore: now + 600n,
    });
    const before = await usdcBalance(publicClient, token, to);
    const args = [
      message.from,
      message.to,
      message.value,
      message.validAfter,
      message.validBefore,
      message.nonce,
      signature,
    ] as const;

    const hash = await relayer.writeContract({
      address: token,
      abi: TEST_USDC_ABI,
      functionName: "transferWithAuthorization",
      args,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(await usdcBalance(publicClient, token, to)).toBe(before + 250_000n);
    expect(
      await publicClient.readContract({
        address: token,
        abi: TEST_USDC_ABI,
        functionName: "authorizationState",
        args: [payer.address, nonce],
      }),
    ).toBe(true);

    await expect(
      publicClient.simulateContract({
        address: token,
        abi: TEST_USDC_ABI,
        functionName: "transferWithAuthorization",
        args,
        account: relayer.account,
      }),
    ).rejects.toThrow(/authorization is used or canceled/);
  });

  it("accepts the (v, r, s) overload", async () => {
    const to = accountFor("treasury").address;
    const { message, signature } = await signAuthorization(to, 1n, {
      validAfter: 0n,
      validBefore: (await chainNow()) + 600n,
    });
    const { v, r, s } = parseSignature(signature);
    const hash = await relayer.writeContract({
      address: token,
      abi: TEST_USDC_ABI,
      functionName: "transferWithAuthorization",
      args: [
        message.from,
        message.to,
        message.value,
        message.validAfter,
        message.validBefore,
        message.nonce,
        Number(v),
        r,
        s,
      ],
    });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
  });

  it("refuses an expired authorization, one not yet valid, and a tampered amount", async () => {
    const to = accountFor("treasury").address;
    const now = await chainNow();
    const expired = await signAuthorization(to, 1n, { validAfter: 0n, validBefore: now - 1n });
    const future = await signAuthorization(to, 1n, {
      validAfter: now + 3600n,
      validBefore: now + 7200n,
    });
    const honest = await signAuthorization(to, 1n, { validAfter: 0n, validBefore: now + 600n });
    const simulate = (m: typeof honest.message, signature: Hex) =>
      publicClient.simulateContract({
        address: token,
        abi: TEST_USDC_ABI,
        functionName: "transferWithAuthorization",
        args: [m.from, m.to, m.value, m.validAfter, m.validBefore, m.nonce, signature],
        account: relayer.account,
      });
    await expect(simulate(expired.message, expired.signature)).rejects.toThrow(
      /authorization is expired/,
    );
    await expect(simulate(future.message, future.signature)).rejects.toThrow(
      /authorization is not yet valid/,
    );
    await expect(
      simulate({ ...honest.message, value: 1_000_000n }, honest.signature),
    ).rejects.toThrow(/invalid signature/);
  });

  it("has Multicall3 at its canonical address, as real chains do", async () => {
    const code = await publicClient.getCode({ address: MULTICALL3_ADDRESS });
    expect(code && code.length > 2).toBe(true);
  });
});
