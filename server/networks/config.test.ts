import { describe, expect, it } from "vitest";

import { buildNetworkRegistry } from "./config";

const base = {
  NETWORKS_JSON: undefined,
  LOCAL_CHAIN_ID: 31337,
  LOCAL_CHAIN_RPC_URL: undefined,
  LOCAL_TOKEN_ADDRESS: undefined,
};
const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("buildNetworkRegistry", () => {
  it("knows Base and Base Sepolia USDC with their EIP-712 domains", () => {
    const r = buildNetworkRegistry(base);
    expect(r.resolve("base")?.id).toBe("eip155:8453");
    expect(r.asset("eip155:8453", "0x833589FCD6EDB6E08F4C7C32D4F71B54BDA02913")?.eip712).toEqual({
      name: "USD Coin",
      version: "2",
    });
    expect(r.asset("eip155:84532", "0x036cbd53842c5426634e7929541ec2318f3dcf7e")?.eip712.name).toBe(
      "USDC",
    );
  });

  it("adds the local chain when its token is known, lower-casing the address", () => {
    const r = buildNetworkRegistry({
      ...base,
      LOCAL_TOKEN_ADDRESS: TOKEN,
      LOCAL_CHAIN_RPC_URL: "http://127.0.0.1:8545",
    });
    const local = r.get("eip155:31337");
    expect(local?.chainId).toBe(31337);
    expect(local?.v1Name).toBeUndefined();
    expect(local?.assets[0]?.address).toBe(TOKEN.toLowerCase());
  });

  it("marks the local plain token as paid through Permit2, and takes the method from NETWORKS_JSON", () => {
    const plain = "0x7e57000000000000000000000000000000000002";
    const r = buildNetworkRegistry({
      ...base,
      LOCAL_TOKEN_ADDRESS: TOKEN,
      LOCAL_PERMIT2_TOKEN_ADDRESS: plain,
      NETWORKS_JSON: JSON.stringify([
        {
          id: "eip155:8453",
          name: "Base",
          assets: [
            {
              address: "0x50c5725949A6F0c72E6C4a641F24049A917DB0Cb",
              symbol: "DAI",
              decimals: 18,
              eip712: { name: "Dai Stablecoin", version: "1" },
              transferMethod: "permit2",
            },
          ],
        },
      ]),
    });
    expect(r.asset("eip155:31337", TOKEN)?.transferMethod).toBe("eip3009");
    expect(r.asset("eip155:31337", plain)).toMatchObject({
      symbol: "TPUSD",
      transferMethod: "permit2",
    });
    expect(
      r.asset("eip155:8453", "0x50c5725949a6f0c72e6c4a641f24049a917db0cb")?.transferMethod,
    ).toBe("permit2");
  });

  it("lets a local chain with id 84532 stand in for Base Sepolia under its v1 name", () => {
    const r = buildNetworkRegistry({
      ...base,
      LOCAL_CHAIN_ID: 84532,
      LOCAL_TOKEN_ADDRESS: TOKEN,
      LOCAL_CHAIN_RPC_URL: "http://127.0.0.1:8545",
    });
    expect(r.resolve("base-sepolia")?.rpcUrl).toBe("http://127.0.0.1:8545");
    expect(r.asset("eip155:84532", TOKEN)?.eip712).toEqual({ name: "USD Coin", version: "2" });
  });

  it("rejects a malformed NETWORKS_JSON naming the field", () => {
    expect(() => buildNetworkRegistry({ ...base, NETWORKS_JSON: "{" })).toThrow(/not valid JSON/);
    expect(() =>
      buildNetworkRegistry({
        ...base,
        NETWORKS_JSON: JSON.stringify([{ id: "base", name: "x", assets: [] }]),
      }),
    ).toThrow(/0\.id/);
  });
});

describe("network order", () => {
  it("lists a configured local chain first, so new rules default to it in development", () => {
    const r = buildNetworkRegistry({
      NETWORKS_JSON: undefined,
      LOCAL_CHAIN_ID: 31337,
      LOCAL_CHAIN_RPC_URL: "http://127.0.0.1:8545",
      LOCAL_TOKEN_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    });
    expect(r.list().map((n) => n.id)).toEqual(["eip155:31337", "eip155:8453", "eip155:84532"]);
    expect(
      buildNetworkRegistry({
        NETWORKS_JSON: undefined,
        LOCAL_CHAIN_ID: 31337,
        LOCAL_CHAIN_RPC_URL: undefined,
        LOCAL_TOKEN_ADDRESS: undefined,
      }).list()[0]?.id,
    ).toBe("eip155:8453");
  });
});
