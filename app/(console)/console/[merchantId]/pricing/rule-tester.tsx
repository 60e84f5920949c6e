"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";

import { MethodSelect, type RequestMethod } from "../_components/method-select";

export function RuleTester({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const [method, setMethod] = useState<RequestMethod>("GET");
  const [path, setPath] = useState("/api/signal/btc");
  const [asked, setAsked] = useState<{ method: RequestMethod; path: string } | null>(null);
  const explain = api.pricingRules.explain.useQuery(
    { merchantId, method: asked?.method ?? "GET", path: asked?.path ?? "/" },
    { enabled: asked !== null },
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("tester.title")}</CardTitle>
        <CardDescription>{t("tester.description")}</CardDescription>
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
          <MethodSelect
            id="tester-method"
            value={method}
            onChange={setMethod}
            ariaLabel={t("tester.methodLabel")}
          />
          <div className="grid flex-1 gap-1.5">
            <Label htmlFor="tester-path">{t("tester.path")}</Label>
            <Input
              id="tester-path"
              className="font-mono"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              spellCheck={false}
            />
          </div>
          <Button type="submit">{t("tester.submit")}</Button>
        </form>
        {explain.error && (
          <p role="alert" className="text-sm text-destructive">
            {errorText(explain.error)}
          </p>
        )}
        {explain.data && (
          <div className="grid gap-3 text-sm" data-testid="rule-tester-result">
            <p>
              {explain.data.rule
                ? t.rich("tester.matched", {
                    rule: `${explain.data.rule.methods.join(", ")} ${explain.data.rule.pathPattern}`,
                    price: `${explain.data.rule.price} ${explain.data.rule.assetSymbol}`,
                    mono: (chunks) => <span className="font-mono">{chunks}</span>,
                    strong: (chunks) => <strong>{chunks}</strong>,
                  })
                : t.rich("tester.noMatch", { strong: (chunks) => <strong>{chunks}</strong> })}
            </p>
            {explain.data.upstreamUrl ? (
              <p className="text-muted-foreground">
                {t("tester.upstream")}{" "}
                <span className="font-mono break-all" data-testid="rule-tester-upstream-url">
                  {explain.data.upstreamUrl}
                </span>
              </p>
            ) : (
              <p role="alert" className="text-destructive">
                {t("tester.refused", { reason: explain.data.upstreamRefusal ?? "" })}
              </p>
            )}
            {explain.data.injectedHeaders.length > 0 && (
              <p className="text-muted-foreground">
                {t("tester.injectedHeaders")}{" "}
                {explain.data.injectedHeaders.map((h) => (
                  <span key={h.name} className="mr-3 font-mono">
                    {h.name}: {h.maskedValue}
                  </span>
                ))}
              </p>
            )}
            {explain.data.paymentRequired && (
              <pre className="max-h-72 overflow-auto rounded-md bg-muted p-3 font-mono text-xs">
                {JSON.stringify(explain.data.paymentRequired.v1Body, null, 2)}
              </pre>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
