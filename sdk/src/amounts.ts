// Decimal ↔ atomic conversions for limits ("0.50" USDC → 500000n). Pure, no floats.

export function toAtomic(decimal: string, decimals: number): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) throw new RangeError(`"${decimal}" is not a decimal amount`);
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > decimals)
    throw new RangeError(`"${decimal}" has more than ${decimals} decimal places`);
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

export function fromAtomic(atomic: bigint, decimals: number): string {
  const digits = atomic.toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Tokens the client knows by default: USDC on Base and Base Sepolia. Others are declared in `assets`. */
export type AssetInfo = { network: string; address: string; symbol: string; decimals: number };

export const KNOWN_ASSETS: AssetInfo[] = [
  {
    network: "eip155:8453",
    address: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
    symbol: "USDC",
    decimals: 6,
  },
  {
    network: "eip155:84532",
    address: "0x036cbd53842c5426634e7929541ec2318f3dcf7e",
    symbol: "USDC",
    decimals: 6,
  },
];
