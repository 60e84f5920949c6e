// Several gateway instances settle from the same facilitator keys. Each keeps its own nonce count
// (settlement-sender.ts), so two instances sending at the same moment can pick the same nonce; the
// node rejects the second transaction before broadcasting it, and the sender sends it again with a
// new nonce after a short jittered wait. Only rejections that prove the transaction was not
// accepted are retried that way: anything else (a timeout, say) may have broadcast it, and
// re-signing then could pay twice.

const NONCE_REJECTIONS = [
  /nonce too low/i,
  /nonce has already been used/i,
  /replacement transaction underpriced/i,
  /invalid nonce/i,
  /nonce.*(lower|less) than/i,
];

export function isNonceRejection(err: unknown): boolean {
  const texts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    if (e instanceof Error) {
      texts.push(
        e.message,
        (e as { details?: string }).details ?? "",
        (e as { shortMessage?: string }).shortMessage ?? "",
      );
      e = (e as { cause?: unknown }).cause;
    } else {
      texts.push(String(e));
      break;
    }
  }
  return texts.some((t) => NONCE_REJECTIONS.some((re) => re.test(t)));
}

/**
 * How long to wait before sending again after the `attempt`-th collision: "full jitter" (a random
 * point in a window doubling from 20 ms up to 400 ms), so instances that collided once pick
 * different moments next time instead of colliding again in lockstep. `random` is in [0, 1).
 */
export function nonceRetryDelayMs(attempt: number, random: number): number {
  return Math.floor(random * Math.min(400, 20 * 2 ** (attempt - 1)));
}

/** A short description of a send error for the logs (viem's errors carry the whole ABI and calldata). */
export function describeSendError(err: unknown): string {
  const e = err as { shortMessage?: string; details?: string; message?: string };
  return [e?.shortMessage ?? e?.message ?? String(err), e?.details]
    .filter(Boolean)
    .join(": ")
    .slice(0, 300);
}
