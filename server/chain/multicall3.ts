// Multicall3's canonical address (the same on every EVM chain; installed on anvil by
// setupLocalChain). Its own module so the production chain clients need not import the local-chain
// setup, which would pull the anvil binary into the standalone server's traced files.
export const MULTICALL3_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11" as const;
