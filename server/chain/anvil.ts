import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";

import { ANVIL_MNEMONIC } from "./accounts";

export type AnvilNode = {
  rpcUrl: string;
  port: number;
  chainId: number;
  stop: () => Promise<void>;
};

export type StartAnvilOptions = {
  port?: number;
  chainId?: number;
  /** Load state from and dump it to this file, so a dev chain survives restarts. */
  statePath?: string;
  /** Mine a block every N seconds instead of on every transaction (default: automine). */
  blockTime?: number;
  /**
   * With blockTime: mine on every transaction *and* every blockTime seconds. Anvil's automine can
   * leave a transaction that arrived before its predecessor (same sender, concurrent sends) in its
   * pool, ready but never mined (foundry-rs/foundry#10122); the interval block picks it up.
   */
  mixedMining?: boolean;
};

/**
 * The anvil binary shipped by `@foundry-rs/anvil-linux-amd64`. npm 11 skips its postinstall, so the
 * run bit may be missing: set it here rather than asking anyone to chmod by hand.
 */
export function anvilBinaryPath(): string {
  const require = createRequire(import.meta.url);
  // a developer tooling override read before any app configuration exists (tests, first run)
  // eslint-disable-next-line no-restricted-properties
  const override = process.env.ANVIL_BINARY;
  const candidates = override ? [override] : [];
  for (const pkg of [
    "@foundry-rs/anvil-linux-amd64",
    "@foundry-rs/anvil-linux-arm64",
    "@foundry-rs/anvil-darwin-arm64",
    "@foundry-rs/anvil-darwin-amd64",
  ]) {
    try {
      candidates.push(
        path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", "anvil"),
      );
    } catch {
      // that platform's package is not installed
    }
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error("anvil binary not found: run `npm install` (it comes with @foundry-rs/anvil)");
  if ((statSync(found).mode & 0o111) === 0) chmodSync(found, 0o755);
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function rpcChainId(rpcUrl: string): Promise<number | null> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number.parseInt(body.result, 16) : null;
  } catch {
    return null;
  }
}

export async function startAnvil(opts: StartAnvilOptions = {}): Promise<AnvilNode> {
  const port = opts.port ?? (await freePort());
  const chainId = opts.chainId ?? 31337;
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--chain-id",
    String(chainId),
    "--mnemonic",
    ANVIL_MNEMONIC,
    "--accounts",
    "10",
    "--silent",
  ];
  if (opts.statePath) args.push("--state", opts.statePath);
  if (opts.blockTime) args.push("--block-time", String(opts.blockTime));
  if (opts.blockTime && opts.mixedMining) args.push("--mixed-mining");
  const child: ChildProcess = spawn(anvilBinaryPath(), args, {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );

  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`anvil exited with ${child.exitCode} on port ${port}: ${stderr.trim()}`);
    const id = await rpcChainId(rpcUrl);
    if (id === chainId) break;
    if (id !== null) {
      child.kill("SIGKILL");
      throw new Error(
        `port ${port} answers with chain id ${id}, expected ${chainId}: another node is running there`,
      );
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not answer on ${rpcUrl} within 15 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const onParentExit = () => child.kill("SIGKILL");
  process.once("exit", onParentExit);
  return {
    rpcUrl,
    port,
    chainId,
    // SIGTERM lets anvil write --state before it exits
    stop: async () => {
      process.off("exit", onParentExit);
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
