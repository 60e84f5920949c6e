import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import { bytesToHex } from "viem";

// anvil's well-known development mnemonic: every local chain funds these accounts with ETH, and
// setupLocalChain mints test USDC to them. They are public keys for a throw-away chain, never secrets.
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

/** Each role a local account plays, by its HD index. */
export const LOCAL_ACCOUNT_ROLES = {
  deployer: 0,
  facilitator: 1,
  treasury: 2,
  demoPayer: 3,
  merchantWallet: 4,
  payerB: 5,
  payerC: 6,
  spare: 7,
} as const;

export type LocalAccountRole = keyof typeof LOCAL_ACCOUNT_ROLES;

export type LocalAccount = HDAccount & { privateKey: `0x${string}` };

const cache = new Map<LocalAccountRole, LocalAccount>();

export function accountFor(role: LocalAccountRole): LocalAccount {
  const cached = cache.get(role);
  if (cached) return cached;
  const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: LOCAL_ACCOUNT_ROLES[role] });
  const key = account.getHdKey().privateKey;
  if (!key) throw new Error(`no private key derived for ${role}`);
  const withKey = Object.assign(account, { privateKey: bytesToHex(key) });
  cache.set(role, withKey);
  return withKey;
}
