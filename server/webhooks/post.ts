import http from "node:http";
import https from "node:https";

import { isPrivateAddressRefusal, safeLookup } from "@/server/security/safe-lookup";
import { isPrivateAddress } from "@/server/security/ssrf";

// One webhook POST on node:http(s), so the address actually connected to passes the SSRF rules
// (server/security/safe-lookup.ts), as the gateway's upstream leg does: a URL validated when saved
// can resolve elsewhere later. Redirects are not followed; the body of the answer is not read.

export type WebhookPostResult =
  { kind: "answered"; status: number } | { kind: "refused" } | { kind: "failed"; message: string };

export const WEBHOOK_REFUSED_MESSAGE = "refused: the endpoint resolves to a private address";

const agents = {
  strict: {
    http: new http.Agent({ lookup: safeLookup(false) }),
    https: new https.Agent({ lookup: safeLookup(false) }),
  },
  open: { http: new http.Agent(), https: new https.Agent() },
};

export function postWebhook(
  rawUrl: string,
  opts: { headers: Record<string, string>; body: string; timeoutMs: number; allowPrivate: boolean },
): Promise<WebhookPostResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return Promise.resolve({ kind: "failed", message: "invalid URL" });
  }
  const isHttps = url.protocol === "https:";
  if (!isHttps && url.protocol !== "http:")
    return Promise.resolve({ kind: "failed", message: "unsupported protocol" });
  if (!opts.allowPrivate && isPrivateAddress(url.hostname))
    return Promise.resolve({ kind: "refused" });
  const agent = (opts.allowPrivate ? agents.open : agents.strict)[isHttps ? "https" : "http"];
  return new Promise((resolve) => {
    const req = (isHttps ? https : http).request(url, {
      method: "POST",
      headers: { ...opts.headers, "content-length": String(Buffer.byteLength(opts.body)) },
      agent,
      timeout: opts.timeoutMs,
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    req.on("response", (res) => {
      clearTimeout(timer);
      res.resume();
      resolve({ kind: "answered", status: res.statusCode ?? 0 });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on("error", (err) => {
      clearTimeout(timer);
      resolve(
        isPrivateAddressRefusal(err)
          ? { kind: "refused" }
          : { kind: "failed", message: (err as NodeJS.ErrnoException).code ?? err.message },
      );
    });
    req.end(opts.body);
  });
}
