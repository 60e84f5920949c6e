import type { Metadata } from "next";

import { ApiReference } from "./api-reference";

export const metadata: Metadata = { title: "Merchant API reference" };

export default function ApiReferencePage() {
  return (
    <article className="grid gap-4">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Merchant API reference</h1>
        <p className="text-sm text-muted-foreground">
          Every operation of <a className="underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a>, with curl and TypeScript samples. Paste an API key under Authentication to try calls
          against this gateway. The <a className="underline" href="/docs/merchant-api">Merchant API guide</a> explains keys, scopes and conventions.
        </p>
      </div>
      <ApiReference />
    </article>
  );
}
