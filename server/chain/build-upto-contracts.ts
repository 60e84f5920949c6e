// Part of `npm run chain:build`: compiles Permit2 and the x402 upto and exact Permit2 proxies (sources in
// server/chain/contracts/, see its README) with the npm `solc` builds each source pins, offline, and
// writes the committed artifact server/chain/upto-contracts.artifact.ts. The runtime bytecode keeps
// its immutables as zeros; the artifact lists their byte offsets so server/chain/permit2.ts can fill
// them for the canonical addresses before `anvil_setCode` (a normal deployment would bake the
// deployer's address into Permit2's cached EIP-712 domain separator).
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const contractsDir = path.join(here, "contracts");

function solFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return solFiles(full);
      return name.endsWith(".sol") ? [path.relative(contractsDir, full)] : [];
    });
}

export function uptoSourcesHash(): string {
  const hash = createHash("sha256");
  for (const file of solFiles(contractsDir))
    hash.update(file).update(readFileSync(path.join(contractsDir, file)));
  return hash.digest("hex");
}

type Solc = {
  compile: (input: string, callbacks: { import: (p: string) => unknown }) => string;
  version: () => string;
};
type AstNode = { nodeType?: string; id?: number; name?: string; mutability?: string };
type CompiledContract = {
  abi: unknown[];
  evm: {
    deployedBytecode: {
      object: string;
      immutableReferences?: Record<string, { start: number; length: number }[]>;
    };
  };
};
type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[];
  sources: Record<string, { ast: unknown }>;
  contracts: Record<string, Record<string, CompiledContract>>;
};

function immutableNames(output: SolcOutput): Map<string, string> {
  const names = new Map<string, string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as AstNode;
    if (n.nodeType === "VariableDeclaration" && n.mutability === "immutable" && n.name)
      names.set(String(n.id), n.name);
    Object.values(node).forEach(walk);
  };
  Object.values(output.sources).forEach((s) => walk(s.ast));
  return names;
}

function compile(solcPackage: string, entry: string, settings: Record<string, unknown>) {
  const solc = createRequire(import.meta.url)(solcPackage) as Solc;
  const input = {
    language: "Solidity",
    sources: { [entry]: { content: readFileSync(path.join(contractsDir, entry), "utf8") } },
    settings: {
      ...settings,
      remappings: [
        "solmate/src/tokens/=permit2/solmate-compat/",
        "solmate/src/utils/=permit2/solmate-compat/",
        "@openzeppelin/contracts/=x402/openzeppelin/",
      ],
      metadata: { bytecodeHash: "none" },
      outputSelection: {
        "*": { "*": ["abi", "evm.deployedBytecode"], "": ["ast"] },
      },
    },
  };
  const findImports = (p: string) => ({
    contents: readFileSync(path.join(contractsDir, p), "utf8"),
  });
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), { import: findImports }),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return { output, version: solc.version() };
}

function runtime(
  solcPackage: string,
  entry: string,
  name: string,
  settings: Record<string, unknown>,
) {
  const { output, version } = compile(solcPackage, entry, settings);
  const contract = output.contracts[entry]?.[name];
  if (!contract) throw new Error(`solc output is missing ${name}`);
  const names = immutableNames(output);
  const immutables: Record<string, number[]> = {};
  for (const [id, refs] of Object.entries(contract.evm.deployedBytecode.immutableReferences ?? {}))
    immutables[names.get(id) ?? id] = refs.map((r) => r.start);
  return {
    abi: contract.abi,
    code: `0x${contract.evm.deployedBytecode.object}`,
    immutables,
    version,
  };
}

function main() {
  // Permit2 pins solc 0.8.17 and builds via-IR with 1 000 000 runs (its foundry.toml).
  const permit2 = runtime("solc-0.8.17", "permit2/src/Permit2.sol", "Permit2", {
    optimizer: { enabled: true, runs: 1_000_000 },
    viaIR: true,
  });
  const proxy = runtime("solc", "x402/x402UptoPermit2Proxy.sol", "x402UptoPermit2Proxy", {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
  });
  const exactProxy = runtime("solc", "x402/x402ExactPermit2Proxy.sol", "x402ExactPermit2Proxy", {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
  });
  const text = [
    "// Generated by `npm run chain:build` from server/chain/contracts/**/*.sol. Do not edit.",
    `export const UPTO_CONTRACTS_SOURCES_HASH = ${JSON.stringify(uptoSourcesHash())};`,
    `export const PERMIT2_SOLC_VERSION = ${JSON.stringify(permit2.version)};`,
    `export const UPTO_PROXY_SOLC_VERSION = ${JSON.stringify(proxy.version)};`,
    `/** Byte offsets of each immutable in the runtime code (32 bytes each, zero until filled). */`,
    `export const PERMIT2_IMMUTABLES = ${JSON.stringify(permit2.immutables)} as const;`,
    `export const PERMIT2_RUNTIME_BYTECODE = "${permit2.code}" as const;`,
    `export const UPTO_PROXY_IMMUTABLES = ${JSON.stringify(proxy.immutables)} as const;`,
    `export const UPTO_PROXY_RUNTIME_BYTECODE = "${proxy.code}" as const;`,
    `export const UPTO_PROXY_ABI = ${JSON.stringify(proxy.abi, null, 2)} as const;`,
    `export const EXACT_PROXY_IMMUTABLES = ${JSON.stringify(exactProxy.immutables)} as const;`,
    `export const EXACT_PROXY_RUNTIME_BYTECODE = "${exactProxy.code}" as const;`,
    "",
  ].join("\n");
  writeFileSync(path.join(here, "upto-contracts.artifact.ts"), text);
  console.log(
    `wrote server/chain/upto-contracts.artifact.ts (solc ${permit2.version}, ${proxy.version})`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
