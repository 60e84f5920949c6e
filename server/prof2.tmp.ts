import autocannon from "autocannon";
import { randomBytes } from "node:crypto";
import { toHex, type Hex } from "viem";
import http from "node:http";
import { accountFor } from "@/server/chain/accounts";
import { setupLocalChain } from "@/server/chain/local-chain";
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { applyMigrations } from "@/server/db/schema-engine";
import { parseServerEnv } from "@/server/env";
import { createMerchant } from "@/server/merchants/merchants";
import { createPricingRule } from "@/server/pricing/rules";
import { signUpWithPassword } from "@/server/users/users";
import { buildGatewayRuntime } from "@/server/gateway/runtime";
import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { serveFetchHandler } from "@/server/http/node-adapter";
import { createLogger } from "@/server/observability/logger";

const N = Number(process.argv[2] ?? 600);
const chain = await setupLocalChain({ chainId: 84532 });
const dbUrl = process.env.DATABASE_URL ?? "pglite:/tmp/profdb2";
const cfg = parseDatabaseUrl(dbUrl, "/tmp");
await applyMigrations(cfg);
const env = parseServerEnv({ NODE_ENV: "test", DATABASE_URL: dbUrl, ALLOW_PRIVATE_UPSTREAMS: "true", AUTO_APPROVE_MERCHANTS: "true", LOG_LEVEL: "warn", LOCAL_CHAIN_ID: "84532", LOCAL_CHAIN_RPC_URL: chain.rpcUrl, LOCAL_TOKEN_ADDRESS: chain.tokenAddress, FACILITATOR_PRIVATE_KEY: accountFor("facilitator").privateKey });
const { db } = createPrismaClient(cfg);
const upSrv = http.createServer((req, res) => { req.resume(); res.writeHead(200, {"content-type":"application/json"}); res.end('{"ok":true}'); });
await new Promise<void>(r => upSrv.listen(0, "127.0.0.1", r));
const upstream = `http://127.0.0.1:${(upSrv.address() as any).port}`;
const owner = await signUpWithPassword({ db }, { name: "P", email: `p${Date.now()}@x.io`, password: "a long enough password" });
const actor = { userId: owner.id, role: "OWNER" };
const m = await createMerchant({ db, env }, { userId: owner.id, actor, input: { name: "P", upstreamBaseUrl: upstream, payoutAddress: "0x90f79bf6eb2c4f870365e785982e1f101e93b906", settlementMode: "DIRECT" } });
await db.merchant.update({ where: { id: m.id }, data: { rateLimitPerMinute: 100000000 } });
await createPricingRule({ db, env }, { merchantId: m.id, actor, input: { pathPattern: "/paid/*", method: "GET", price: "0.001", network: "eip155:84532", asset: chain.tokenAddress } });
const rt = buildGatewayRuntime({ db, env, log: createLogger({ level: "warn" }), now: () => new Date() }, { reconcileEveryMs: null });
const fac = rt.facilitators.local!;
const ov = fac.verify.bind(fac), os = fac.settle.bind(fac);
(fac as any).verify = async (a: any, b: any) => { const t = performance.now(); const r = await ov(a, b); if (process.env.TRACE) console.log("verify", (performance.now()-t).toFixed(1)); return r; };
(fac as any).settle = async (a: any, b: any) => { const t = performance.now(); const r = await os(a, b); if (process.env.TRACE) console.log("settle", (performance.now()-t).toFixed(1)); return r; };
const ofetch = globalThis.fetch;
(globalThis as any).fetch = async (input: any, init: any) => {
  const t = performance.now();
  const r = await ofetch(input, init);
  if (process.env.TRACE && typeof input === "string" && input.includes("127.0.0.1") && init?.body && String(init.body).includes("jsonrpc")) {
    const b = JSON.parse(String(init.body)); const ms = Array.isArray(b) ? b.map((x: any) => x.method).join(",") : b.method;
    console.log("  rpc", ms, (performance.now() - t).toFixed(1));
  }
  return r;
};
const pc = rt.chains.all()[0]!.publicClient as any;
const oreq = pc.request.bind(pc);
pc.request = async (args: any, o: any) => { const t = performance.now(); const r = await oreq(args, o); if (process.env.TRACE) console.log("  rpc", args.method, (performance.now()-t).toFixed(1)); return r; };
const srv = await serveFetchHandler((req) => handleGatewayRequest(rt, req, { merchantId: m.id }));
const url = `${srv.url}/${m.id}/paid/x`;
const unpaid = await fetch(url);
const req = JSON.parse(Buffer.from(unpaid.headers.get("payment-required")!, "base64").toString()).accepts[0];
const payer = accountFor("demoPayer");
const now = BigInt(Math.floor(Date.now() / 1000));
const payments: string[] = [];
for (let i = 0; i < N; i++) {
  const authorization = { from: payer.address, to: req.payTo as Hex, value: req.amount, validAfter: "0", validBefore: String(now + 3600n), nonce: toHex(randomBytes(32)) };
  const signature = await payer.signTypedData({ domain: { name: req.extra.name, version: req.extra.version, chainId: 84532, verifyingContract: req.asset }, types: { TransferWithAuthorization: [{ name: "from", type: "address" },{ name: "to", type: "address" },{ name: "value", type: "uint256" },{ name: "validAfter", type: "uint256" },{ name: "validBefore", type: "uint256" },{ name: "nonce", type: "bytes32" }] }, primaryType: "TransferWithAuthorization", message: { ...authorization, value: BigInt(authorization.value), validAfter: 0n, validBefore: BigInt(authorization.validBefore), nonce: authorization.nonce } });
  payments.push(Buffer.from(JSON.stringify({ x402Version: 2, accepted: req, payload: { signature, authorization } })).toString("base64"));
}
let i = 0;
for (let k = 0; k < Number(process.env.SEQ ?? 1); k++) {
  const t0 = performance.now();
  const single = await fetch(url, { headers: { "payment-signature": payments[i++]! } });
  await single.text();
  console.log("single paid", single.status, (performance.now() - t0).toFixed(1), "ms");
}
const r = await autocannon({ url, connections: Number(process.env.C ?? 50), amount: N - 1, requests: [{ setupRequest: (q: any) => ({ ...q, headers: { ...q.headers, "payment-signature": payments[i++ % N] } }) }] });
console.log("paid req/s", r.requests.average, "p50", r.latency.p50, "p99", r.latency.p99, "non2xx", r.non2xx);
await chain.stop();
process.exit(0);
