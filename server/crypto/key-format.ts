// The shape of ENCRYPTION_KEY / ENCRYPTION_KEYS_PREVIOUS, checked by the env schema. Kept free of
// node:crypto and Buffer: env.ts is also loaded by the middleware, which runs on the edge runtime.

export function isEncryptionKey(base64Key: string): boolean {
  try {
    return atob(base64Key.trim()).length === 32;
  } catch {
    return false;
  }
}

export function previousKeysOf(list: string | undefined): string[] {
  return (list ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
}
