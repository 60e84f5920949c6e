import { Readable } from "node:stream";

// A paid call that carries a payment identifier keeps its response so a retry can get it again
// without paying twice. Bodies up to the limit are read into memory (and sent from there); a larger
// body is streamed on untouched and not kept.

export const KEPT_BODY_MAX_BYTES = 1024 * 1024;

export async function keepBody(
  body: Readable | null,
  maxBytes: number,
): Promise<{ kept: Buffer | null; body: Readable | null }> {
  if (!body) return { kept: Buffer.alloc(0), body: null };
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      const kept = Buffer.concat(chunks, size);
      return { kept, body: Readable.from([kept]) };
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    size += chunk.length;
    if (size > maxBytes) break;
  }
  async function* rest() {
    yield* chunks;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { kept: null, body: Readable.from(rest()) };
}
