// BENCH_FACILITATOR_ACCOUNTS=<n>: the bench gateway settles from n facilitator accounts (the role's
// own key plus n − 1 fresh keys given ETH for gas on the local anvil), passed as
// FACILITATOR_PRIVATE_KEYS, so the paid rows can compare one account with several.
import { parseEther, toHex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

export async function extraFacilitatorKeys(
  publicClient: PublicClient,
): Promise<Record<string, string>> {
  const accounts = Number(process.env.BENCH_FACILITATOR_ACCOUNTS ?? 1);
  if (!(accounts > 1)) return {};
  const keys: string[] = [];
  for (let i = 1; i < accounts; i++) {
    const key = generatePrivateKey();
    await publicClient.request({
      method: "anvil_setBalance" as never,
      params: [privateKeyToAccount(key).address, toHex(parseEther("100"))] as never,
    });
    keys.push(key);
  }
  return { FACILITATOR_PRIVATE_KEYS: keys.join(",") };
}
