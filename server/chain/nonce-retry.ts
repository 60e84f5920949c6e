// Several gateway instances settle from the one facilitator key. Each keeps its own nonce count
// (viem's nonce manager, which reads the pending count and increments locally), so two instances
// sending at the same moment can pick the same nonce; the node rejects the second transaction
// before broadcasting it. viem resets the manager when a send fails, so sending again reads the
// chain's new count. Only rejections that prove the transaction was not accepted are retried:
// anything else (a timeout, say) may have broadcast it, and resending then could pay twice.

const NONCE_REJECTIONS = [/nonce too low/i, /nonce has already been used/i, /replacement transaction underpriced/i, /invalid nonce/i, /nonce.*(lower|less) than/i];

export function isNonceRejection(err: unknown): boolean {
  const texts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    if (e instanceof Error) {
      texts.push(e.message, (e as { details?: string }).details ?? "", (e as { shortMessage?: string }).shortMessage ?? "");
      e = (e as { cause?: unknown }).cause;
    } else {
      texts.push(String(e));
      break;
    }
  }
  return texts.some((t) => NONCE_REJECTIONS.some((re) => re.test(t)));
}

export async function withNonceRetry<T>(send: () => Promise<T>, opts: { attempts?: number; onRetry?: (err: unknown, attempt: number) => void } = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (attempt >= attempts || !isNonceRejection(err)) throw err;
      opts.onRetry?.(err, attempt);
    }
  }
}
