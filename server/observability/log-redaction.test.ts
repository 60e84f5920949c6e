import { BaseError, ContractFunctionExecutionError, encodeFunctionData, type Hex } from "viem";
import { describe, expect, it } from "vitest";

import { createLogger } from "./logger";
import { redactChainText } from "./redact";

// viem's errors for a failed contract write quote the call: its arguments (the EIP-3009
// authorization, signature included) and often the encoded calldata. The settle path logs such
// errors ("local facilitator settle threw"); the signed authorization must not reach the log.

// EIP-3009's transferWithAuthorization with a packed signature, as the exact EVM scheme calls it
const ABI = [
  {
    type: "function",
    name: "transferWithAuthorization",
    stateMutability: "nonpayable",
    inputs: [
      { name: "from", type: "address" },
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
      { name: "validAfter", type: "uint256" },
      { name: "validBefore", type: "uint256" },
      { name: "nonce", type: "bytes32" },
      { name: "signature", type: "bytes" },
    ],
    outputs: [],
  },
] as const;

const SIGNATURE = `0x${"ab".repeat(65)}` as Hex;
const NONCE = `0x${"5e".repeat(32)}` as Hex;
const FROM = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TO = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const TX_HASH = `0x${"7c".repeat(32)}`;

function settleError(): ContractFunctionExecutionError {
  const args = [FROM, TO, 10_000n, 0n, 4_000_000_000n, NONCE, SIGNATURE] as const;
  const data = encodeFunctionData({ abi: ABI, functionName: "transferWithAuthorization", args });
  const cause = new BaseError("Execution reverted for an unknown reason.", {
    details: `data: ${data}`,
    metaMessages: [`calldata: ${data}`],
  });
  return new ContractFunctionExecutionError(cause, {
    abi: ABI,
    functionName: "transferWithAuthorization",
    args,
    contractAddress: "0x5FbDB2315678afecb367f032d93f642f64180aa3",
    sender: FROM,
  });
}

function capture() {
  const lines: string[] = [];
  return {
    log: createLogger({
      level: "info",
      destination: { write: (line: string) => void lines.push(line) },
    }),
    text: () => lines.join("\n"),
  };
}

describe("logged errors", () => {
  it("never carry a signed authorization or calldata from viem's settle errors", () => {
    const err = settleError();
    const data = encodeFunctionData({
      abi: ABI,
      functionName: "transferWithAuthorization",
      args: [FROM, TO, 10_000n, 0n, 4_000_000_000n, NONCE, SIGNATURE],
    });
    // the error itself does quote them (what made this a leak)
    expect(`${err.message}${JSON.stringify(err.cause)}`).toContain(SIGNATURE.slice(2));
    const { log, text } = capture();
    log.warn({ err }, "local facilitator settle threw");
    const out = text();
    expect(out).toContain("local facilitator settle threw");
    expect(out).toContain("ContractFunctionExecutionError");
    expect(out).not.toContain(SIGNATURE.slice(2));
    expect(out).not.toContain(data.slice(2, 200));
  });

  it("keep short hex values such as transaction hashes and addresses", () => {
    const { log, text } = capture();
    log.error(
      { err: new Error(`receipt for ${TX_HASH} from ${FROM} not found`) },
      "settle check failed",
    );
    expect(text()).toContain(TX_HASH);
    expect(text()).toContain(FROM);
  });
});

describe("redactChainText", () => {
  it("drops a call's argument list, where a split signature's r and s are only 32 bytes each", () => {
    const r = `0x${"1f".repeat(32)}`;
    const s = `0x${"2e".repeat(32)}`;
    const text = `Contract Call:\n  function: transferWithAuthorization(…, uint8 v, bytes32 r, bytes32 s)\n  args: (${FROM}, ${TO}, 1, 0, 9, ${NONCE}, 27, ${r}, ${s})\n`;
    const out = redactChainText(text);
    expect(out).not.toContain(r.slice(2));
    expect(out).not.toContain(s.slice(2));
    expect(out).toContain("args: [redacted]");
    expect(redactChainText(`signed ${SIGNATURE}`)).toBe("signed 0x[redacted 65 bytes]");
  });
});
