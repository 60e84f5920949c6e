import { parseAbi, parseEventLogs, type Hash, type Log } from "viem";

// After a settlement transaction is mined, the money must have actually moved: the receipt
// succeeded and one of its logs is the token's Transfer to payTo of at least the amount. Pure: the
// caller fetches the receipt.

export const ERC20_TRANSFER_EVENTS = parseAbi([
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)",
]);

export type ReceiptCheck =
  | { ok: true; transferred: bigint }
  | {
      ok: false;
      reason: "invalid_exact_evm_transaction_failed" | "invalid_exact_evm_transfer_event_mismatch";
      message: string;
    };

export function checkTransferReceipt(
  receipt: { status: "success" | "reverted"; logs: Log[]; transactionHash: Hash },
  expected: { asset: string; from: string; payTo: string; amount: bigint },
): ReceiptCheck {
  if (receipt.status !== "success") {
    return {
      ok: false,
      reason: "invalid_exact_evm_transaction_failed",
      message: `transaction ${receipt.transactionHash} reverted`,
    };
  }
  const asset = expected.asset.toLowerCase();
  const transfers = parseEventLogs({
    abi: ERC20_TRANSFER_EVENTS,
    eventName: "Transfer",
    logs: receipt.logs,
  }).filter(
    (log) =>
      log.address.toLowerCase() === asset &&
      log.args.from.toLowerCase() === expected.from.toLowerCase() &&
      log.args.to.toLowerCase() === expected.payTo.toLowerCase(),
  );
  const transferred = transfers.reduce((sum, log) => sum + log.args.value, 0n);
  if (transferred < expected.amount) {
    return {
      ok: false,
      reason: "invalid_exact_evm_transfer_event_mismatch",
      message: `transaction ${receipt.transactionHash} moved ${transferred} of ${expected.amount} to ${expected.payTo}`,
    };
  }
  return { ok: true, transferred };
}
