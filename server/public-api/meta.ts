import type { OpenApiMeta } from "trpc-to-openapi";

// The REST shape of a console procedure: one helper so every public operation is declared the same
// way (merchant-scoped path, bearer key, a tag) next to the procedure it exposes.

type Method = NonNullable<OpenApiMeta["openapi"]>["method"];

export const PUBLIC_API_TAGS = [
  "Merchant",
  "Pricing rules",
  "API keys",
  "Payments",
  "Calls",
  "Webhooks",
  "Entitlements",
  "Billing",
] as const;

export function rest(
  method: Method,
  path: `/${string}`,
  tag: (typeof PUBLIC_API_TAGS)[number],
  summary: string,
  scope: "read" | "write" | "keys:manage",
): OpenApiMeta {
  return {
    openapi: {
      method,
      path: `/merchants/{merchantId}${path === "/" ? "" : path}` as `/${string}`,
      tags: [tag],
      summary,
      description: `Requires an API key with scope \`${scope}\`${scope === "read" ? " (or `write` / `keys:manage`)" : ""}.`,
      protect: true,
    },
  };
}
