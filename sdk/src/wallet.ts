import { WalletError } from "./errors";

// The three wallet kinds X402Client accepts, behind one signer: a viem LocalAccount (a private key
// or mnemonic in Node), a viem WalletClient, or any EIP-1193 provider (window.ethereum, a
// RainbowKit/wagmi connector's provider).

export type TypedDataToSign = {
  /** `version` absent: a domain without one (Permit2's) */
  domain: { name: string; version?: string; chainId: number; verifyingContract: `0x${string}` };
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
};

export type LocalAccountLike = {
  type: "local";
  address: `0x${string}`;
  signTypedData: (args: TypedDataToSign) => Promise<`0x${string}`>;
  signMessage: (args: { message: string }) => Promise<`0x${string}`>;
};
export type WalletClientLike = {
  account?: { address: `0x${string}` } | undefined;
  getAddresses: () => Promise<readonly `0x${string}`[]>;
  getChainId: () => Promise<number>;
  signTypedData: (
    args: TypedDataToSign & { account: `0x${string}` | { address: `0x${string}` } },
  ) => Promise<`0x${string}`>;
  signMessage: (args: {
    account: `0x${string}` | { address: `0x${string}` };
    message: string;
  }) => Promise<`0x${string}`>;
};
export type Eip1193Provider = {
  request: (args: {
    method: string;
    params?: unknown[] | Record<string, unknown>;
  }) => Promise<unknown>;
};

export type Wallet = LocalAccountLike | WalletClientLike | Eip1193Provider;

export type PaymentSigner = {
  address(): Promise<`0x${string}`>;
  /** the chain the wallet signs for, or null when it signs for any (a local key) */
  chainId(): Promise<number | null>;
  signTypedData(data: TypedDataToSign): Promise<`0x${string}`>;
  /** EIP-191 personal message (sign-in proofs) */
  signMessage(message: string): Promise<`0x${string}`>;
};

function isUserRejection(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown }; name?: unknown } | null;
  return e?.code === 4001 || e?.cause?.code === 4001 || e?.name === "UserRejectedRequestError";
}

function wrapSigning(err: unknown): WalletError {
  if (isUserRejection(err))
    return new WalletError("The wallet's owner refused to sign the payment", "user_rejected", {
      cause: err,
    });
  return new WalletError(
    `The wallet could not sign the payment: ${err instanceof Error ? err.message : String(err)}`,
    "signing_failed",
    { cause: err },
  );
}

const EIP712_DOMAIN = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
];

export function toPaymentSigner(wallet: Wallet): PaymentSigner {
  if ("type" in wallet && wallet.type === "local") {
    return {
      address: async () => wallet.address,
      chainId: async () => null,
      signTypedData: async (data) => {
        try {
          return await wallet.signTypedData(data);
        } catch (err) {
          throw wrapSigning(err);
        }
      },
      signMessage: async (message) => {
        try {
          return await wallet.signMessage({ message });
        } catch (err) {
          throw wrapSigning(err);
        }
      },
    };
  }
  if ("getChainId" in wallet && typeof wallet.getChainId === "function") {
    const address = async () => {
      const account = wallet.account?.address ?? (await wallet.getAddresses())[0];
      if (!account) throw new WalletError("The wallet client has no account", "no_account");
      return account;
    };
    return {
      address,
      chainId: () => wallet.getChainId(),
      signTypedData: async (data) => {
        const account = wallet.account ?? (await address());
        try {
          return await wallet.signTypedData({ ...data, account });
        } catch (err) {
          throw wrapSigning(err);
        }
      },
      signMessage: async (message) => {
        const account = wallet.account ?? (await address());
        try {
          return await wallet.signMessage({ account, message });
        } catch (err) {
          throw wrapSigning(err);
        }
      },
    };
  }
  if ("request" in wallet && typeof wallet.request === "function") {
    const provider = wallet as Eip1193Provider;
    const address = async () => {
      let accounts = (await provider.request({ method: "eth_accounts" })) as string[] | undefined;
      if (!accounts?.length) {
        try {
          accounts = (await provider.request({ method: "eth_requestAccounts" })) as
            string[] | undefined;
        } catch (err) {
          if (isUserRejection(err))
            throw new WalletError("The wallet's owner refused to connect", "user_rejected", {
              cause: err,
            });
          throw new WalletError("The wallet did not share an account", "no_account", {
            cause: err,
          });
        }
      }
      const first = accounts?.[0];
      if (!first) throw new WalletError("The wallet has no account", "no_account");
      return first.toLowerCase() as `0x${string}`;
    };
    return {
      address,
      chainId: async () =>
        Number.parseInt(String(await provider.request({ method: "eth_chainId" })), 16),
      signTypedData: async (data) => {
        const from = await address();
        const domainFields = EIP712_DOMAIN.filter((f) => f.name in data.domain);
        const typed = JSON.stringify(
          { ...data, types: { EIP712Domain: domainFields, ...data.types } },
          (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
        );
        try {
          return (await provider.request({
            method: "eth_signTypedData_v4",
            params: [from, typed],
          })) as `0x${string}`;
        } catch (err) {
          throw wrapSigning(err);
        }
      },
      signMessage: async (message) => {
        const from = await address();
        const hex = `0x${Array.from(new TextEncoder().encode(message), (b) => b.toString(16).padStart(2, "0")).join("")}`;
        try {
          return (await provider.request({
            method: "personal_sign",
            params: [hex, from],
          })) as `0x${string}`;
        } catch (err) {
          throw wrapSigning(err);
        }
      },
    };
  }
  throw new WalletError(
    "Unsupported wallet: pass a viem LocalAccount, a viem WalletClient or an EIP-1193 provider",
    "no_account",
  );
}
