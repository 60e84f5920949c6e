// The README's first command, as a new user runs it: `npm run dev` on a clean checkout. .ci/run calls
// this before the test suites, so a first command that breaks (a missing generated client, a seed
// that throws, a chain that does not start) fails CI. It waits for the demo paid URL to answer 402,
// pays it once with the SDK, checks the 200 and the settlement header, then stops the command the
// way a person does (Ctrl-C to its process group) and requires it to exit by itself.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

import { X402Client } from "../sdk/src";
import { accountFor } from "../server/chain/accounts";

const port = Number(process.env.FIRST_RUN_PORT ?? 3470);
const anvilPort = Number(process.env.FIRST_RUN_ANVIL_PORT ?? 8570);
const startTimeoutMs = 300_000;
const stopTimeoutMs = 30_000;

type Check = { name: string; ok: boolean; detail?: string };
const checks: Check[] = [];
const check = (name: string, ok: boolean, detail?: string) => {
  checks.push({ name, ok, detail });
  console.log(`first run: ${ok ? "ok  " : "FAIL"} ${name}${detail ? ` (${detail})` : ""}`);
  return ok;
};

const output: string[] = [];
const dev = spawn("npm", ["run", "dev"], {
  detached: true,
  env: { ...process.env, PORT: String(port), ANVIL_PORT: String(anvilPort), FORCE_COLOR: "0" },
  stdio: ["ignore", "pipe", "pipe"],
});
let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
const exitPromise = new Promise<void>((resolve) =>
  dev.on("exit", (code, signal) => ((exited = { code, signal }), resolve())),
);
for (const stream of [dev.stdout, dev.stderr]) {
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    output.push(chunk);
    for (const line of chunk.split("\n")) if (line.trim()) console.log(`  [npm run dev] ${line}`);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the match once the command has printed it; null when it exits or times out first. */
async function printed(pattern: RegExp, deadline: number): Promise<RegExpMatchArray | null> {
  while (Date.now() < deadline && !exited) {
    const match = output.join("").match(pattern);
    if (match) return match;
    await sleep(250);
  }
  return output.join("").match(pattern);
}

async function firstAnswer(url: string, deadline: number): Promise<Response | null> {
  while (Date.now() < deadline && !exited) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch {
      await sleep(500);
    }
  }
  return null;
}

async function stop(): Promise<boolean> {
  if (exited) return false;
  process.kill(-dev.pid!, "SIGINT");
  const stopped = await Promise.race([
    exitPromise.then(() => true),
    sleep(stopTimeoutMs).then(() => false),
  ]);
  if (!stopped) process.kill(-dev.pid!, "SIGKILL");
  return stopped;
}

async function main(): Promise<boolean> {
  const deadline = Date.now() + startTimeoutMs;
  const endpoint = await printed(/demo endpoint →\s+(\S+)/, deadline);
  const chain = await printed(/chain id (\d+)\), test USDC (0x[0-9a-fA-F]{40})/, deadline);
  // "ready" is what a person waits for before trying the URL (dev compiles the demo API first)
  const ready = await printed(/ready on http/, deadline);
  if (
    !check(
      "npm run dev prints the demo endpoint, the local chain and ready",
      Boolean(endpoint && chain && ready),
      exited ? `exited ${JSON.stringify(exited)}` : undefined,
    )
  ) {
    return false;
  }
  const paidUrl = new URL(endpoint![1]!);
  const [chainId, tokenAddress] = [Number(chain![1]), chain![2] as `0x${string}`];
  const unpaid = await firstAnswer(paidUrl.toString(), deadline);
  const body = unpaid
    ? ((await unpaid.json().catch(() => null)) as { accepts?: unknown[] } | null)
    : null;
  if (
    !check(
      "the demo paid URL answers 402 with payment requirements",
      unpaid?.status === 402 && Array.isArray(body?.accepts),
      `status ${unpaid?.status}`,
    )
  ) {
    return false;
  }

  const [, merchantId, ...rest] = paidUrl.pathname.split("/");
  const network = `eip155:${chainId}`;
  const buyer = new X402Client({
    endpoint: paidUrl.origin,
    merchantId,
    wallet: accountFor("demoPayer"),
    maxAmount: { USDC: "0.05" },
    networks: [network],
    assets: [{ network, address: tokenAddress, symbol: "USDC", decimals: 6 }],
  });
  try {
    const paid = await buyer.request<{ symbol?: string }>({ path: `/${rest.join("/")}` });
    const settlementHeader =
      paid.headers.get("payment-response") ?? paid.headers.get("x-payment-response");
    check(
      "the SDK pays it once: 200, a settlement header and a transaction",
      paid.status === 200 &&
        Boolean(settlementHeader) &&
        paid.payment?.success === true &&
        /^0x[0-9a-f]{64}$/i.test(paid.payment?.transaction ?? ""),
      `status ${paid.status}, tx ${paid.payment?.transaction}`,
    );
  } catch (error) {
    check(
      "the SDK pays it once: 200, a settlement header and a transaction",
      false,
      error instanceof Error ? error.message : String(error),
    );
  }
  return true;
}

let reached = false;
try {
  reached = await main();
} catch (error) {
  check("first run completed", false, error instanceof Error ? error.message : String(error));
}
const stopped = await stop();
if (reached || stopped)
  check(
    "Ctrl-C stops npm run dev by itself",
    stopped,
    exited ? `exit ${JSON.stringify(exited)}` : "killed after 30 s",
  );

const passed = checks.filter((c) => c.ok).length;
const failed = checks.length - passed;
const summaryFile = process.env.TEST_SUMMARY_FILE;
if (summaryFile) {
  const previous = existsSync(summaryFile)
    ? (JSON.parse(readFileSync(summaryFile, "utf8")) as {
        passed: number;
        failed: number;
        skipped: number;
      })
    : { passed: 0, failed: 0, skipped: 0 };
  writeFileSync(
    summaryFile,
    JSON.stringify({
      ...previous,
      passed: previous.passed + passed,
      failed: previous.failed + failed,
    }),
  );
}
console.log(`first run: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
