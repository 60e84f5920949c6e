"use client";

import { useState } from "react";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { api } from "@/app/_lib/trpc/react";

import { MethodSelect, type RequestMethod } from "../_components/method-select";


export function RuleTester({ merchantId }: { merchantId: string }) {
  const [method, setMethod] = useState<RequestMethod>("GET");
  const [path, setPath] = useState("/api/signal/btc");
  const [asked, setAsked] = useState<{ method: RequestMethod; path: string } | null>(null);
  const explain = api.pricingRules.explain.useQuery({ merchantId, method: asked?.method ?? "GET", path: asked?.path ?? "/" }, { enabled: asked !== null });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Which rule matches?</CardTitle>
        <CardDescription>Try a method and path: see the rule that prices it, the upstream URL, and the 402 a client would get.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form
          method="post"
          className="flex flex-col gap-3 sm:flex-row sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setAsked({ method, path });
          }}
        >
          <MethodSelect id="tester-method" value={method} onChange={setMethod} ariaLabel="Test method" />
          <div className="grid flex-1 gap-1.5">
            <Label htmlFor="tester-path">Path</Label>
            <Input id="tester-path" className="font-mono" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
          </div>
          <Button type="submit">Test</Button>
        </form>
        {explain.error && (
          <p role="alert" className="text-sm text-destructive">
            {explain.error.message}
          </p>
        )}
        {explain.data && (
          <div className="grid gap-3 text-sm" data-testid="rule-tester-result">
            <p>
              {explain.data.rule ? (
                <>
                  Matched <span className="font-mono">{explain.data.rule.methods.join(", ")} {explain.data.rule.pathPattern}</span> —{" "}
                  <strong>
                    {explain.data.rule.price} {explain.data.rule.assetSymbol}
                  </strong>
                  . An unpaid call gets <strong>402 Payment Required</strong>.
                </>
              ) : (
                <>No rule matches: the call is <strong>free</strong> and goes straight to the upstream.</>
              )}
            </p>
            {explain.data.upstreamUrl ? (
              <p className="text-muted-foreground">
                Upstream: <span className="font-mono break-all" data-testid="rule-tester-upstream-url">{explain.data.upstreamUrl}</span>
              </p>
            ) : (
              <p role="alert" className="text-destructive">
                Refused: {explain.data.upstreamRefusal}
              </p>
            )}
            {explain.data.injectedHeaders.length > 0 && (
              <p className="text-muted-foreground">
                Injected headers:{" "}
                {explain.data.injectedHeaders.map((h) => (
                  <span key={h.name} className="mr-3 font-mono">
                    {h.name}: {h.maskedValue}
                  </span>
                ))}
              </p>
            )}
            {explain.data.paymentRequired && (
              <pre className="max-h-72 overflow-auto rounded-md bg-muted p-3 font-mono text-xs">{JSON.stringify(explain.data.paymentRequired.v1Body, null, 2)}</pre>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
