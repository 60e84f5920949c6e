"use client";

import "@rainbow-me/rainbowkit/styles.css";

import { connectorsForWallets, RainbowKitProvider, type Wallet } from "@rainbow-me/rainbowkit";
import { injectedWallet } from "@rainbow-me/rainbowkit/wallets";
import { useLocale } from "next-intl";
import { useState } from "react";
import { defineChain, getAddress, http } from "viem";
import { createConfig, createConnector, WagmiProvider } from "wagmi";
import { mock } from "wagmi/connectors";

// Wallets for the playground only (the rest of the app never loads wagmi or RainbowKit): any
// injected wallet (MetaMask, Rabby, …) and, where a local anvil chain is configured, a demo wallet —
// one of anvil's unlocked accounts, which the chain itself signs for, so a fresh clone needs no
// extension and no key in the browser.

export type ChainInfo = { id: number; name: string; rpcUrl: string | null; testnet: boolean };

const DEMO_ICON =
  "data:image/svg+xml;utf8," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 28"><rect width="28" height="28" rx="6" fill="#5b3df5"/><text x="14" y="19" font-size="13" text-anchor="middle" fill="white" font-family="sans-serif">402</text></svg>',
  );

function demoWallet(address: `0x${string}`, name: string): () => Wallet {
  return () => ({
    id: "x402-demo",
    name,
    iconUrl: DEMO_ICON,
    iconBackground: "#5b3df5",
    installed: true,
    createConnector: (details) =>
      createConnector((config) => {
        const base = mock({ accounts: [address], features: { reconnect: true } })(config);
        // the mock connector asks the chain for eth_accounts, and anvil answers with all its
        // accounts: the demo wallet is this one account only
        return { ...base, ...details, getAccounts: async () => [getAddress(address)] };
      }),
  });
}

export function WalletProviders({
  chains,
  demoAddress,
  demoName,
  children,
}: {
  chains: ChainInfo[];
  demoAddress: `0x${string}` | null;
  demoName: string;
  children: React.ReactNode;
}) {
  // RainbowKit ships its own strings (connect button, wallet list): it follows the page's language
  const walletLocale = useLocale() === "zh-CN" ? "zh-CN" : "en-US";
  const [config] = useState(() => {
    const viemChains = chains
      .filter((c) => c.rpcUrl)
      .map((c) =>
        defineChain({
          id: c.id,
          name: c.name,
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [c.rpcUrl as string] } },
          testnet: c.testnet,
        }),
      );
    const connectors = connectorsForWallets(
      [
        {
          groupName: "Wallets",
          wallets: demoAddress
            ? [demoWallet(demoAddress, demoName), injectedWallet]
            : [injectedWallet],
        },
      ],
      // WalletConnect-based wallets are not offered, so no project id is contacted
      { appName: "x402 Gateway playground", projectId: "x402-gateway-playground" },
    );
    return createConfig({
      chains: viemChains as unknown as [
        ReturnType<typeof defineChain>,
        ...ReturnType<typeof defineChain>[],
      ],
      connectors,
      transports: Object.fromEntries(
        viemChains.map((c) => [c.id, http(c.rpcUrls.default.http[0])]),
      ),
      ssr: true,
    });
  });
  return (
    <WagmiProvider config={config}>
      <RainbowKitProvider initialChain={chains[0]?.id} locale={walletLocale}>
        {children}
      </RainbowKitProvider>
    </WagmiProvider>
  );
}
