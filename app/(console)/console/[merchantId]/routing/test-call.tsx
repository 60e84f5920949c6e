"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { Badge } from "@/app/_components/ui/badge";
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
import { Textarea } from "@/app/_components/ui/textarea";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";

import { MethodSelect, type RequestMethod } from "../_components/method-select";

export function TestCall({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const [method, setMethod] = useState<RequestMethod>("GET");
  const [path, setPath] = useState("/api/free/hello");
  const [body, setBody] = useState("");
  const call = api.upstream.testCall.useMutation({ onError: (err) => toast.error(errorText(err)) });
  const result = call.data;

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("testCall.title")}</CardTitle>
        <CardDescription>{t("testCall.description")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form
          method="post"
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            call.mutate({ merchantId, method, path, body: body || undefined });
          }}
        >
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
            <MethodSelect
              id="test-call-method"
              value={method}
              onChange={setMethod}
              ariaLabel={t("testCall.methodLabel")}
            />
            <div className="grid flex-1 gap-1.5">
              <Label htmlFor="test-call-path">{t("testCall.path")}</Label>
              <Input
                id="test-call-path"
                className="font-mono"
                value={path}
                onChange={(e) => setPath(e.target.value)}
                spellCheck={false}
              />
            </div>
            <Button type="submit" disabled={call.isPending}>
              {call.isPending ? t("testCall.sending") : t("testCall.send")}
            </Button>
          </div>
          {method !== "GET" && method !== "HEAD" && (
            <div className="grid gap-1.5">
              <Label htmlFor="test-call-body">{t("testCall.body")}</Label>
              <Textarea
                id="test-call-body"
                className="font-mono"
                rows={3}
                value={body}
                onChange={(e) => setBody(e.target.value)}
              />
            </div>
          )}
        </form>
        {result && (
          <div className="grid gap-3 text-sm" data-testid="test-call-result">
            <div className="flex flex-wrap items-center gap-3">
              <Badge
                variant={
                  result.status < 300 ? "success" : result.status === 402 ? "warning" : "danger"
                }
              >
                {result.status}
              </Badge>
              <span className="tabular-nums text-muted-foreground">{result.latencyMs} ms</span>
              <span className="font-mono text-xs break-all text-muted-foreground">
                {result.url}
              </span>
            </div>
            <details>
              <summary className="cursor-pointer">
                {t("testCall.headers", { count: result.headers.length })}
              </summary>
              <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 font-mono text-xs">
                {result.headers.map(([name, value]) => (
                  <div key={name} className="contents">
                    <dt className="text-muted-foreground">{name}</dt>
                    <dd className="break-all">
                      {value.length > 200 ? `${value.slice(0, 200)}…` : value}
                    </dd>
                  </div>
                ))}
              </dl>
            </details>
            <pre className="max-h-72 overflow-auto rounded-md bg-muted p-3 font-mono text-xs">
              {result.body}
              {result.truncated ? "\n…" : ""}
            </pre>
            {result.upstreamRequest ? (
              <details open data-testid="test-call-upstream">
                <summary className="cursor-pointer">{t("testCall.upstreamReceived")}</summary>
                <p className="mt-2 font-mono text-xs break-all">
                  {method} {result.upstreamRequest.url}
                </p>
                <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 font-mono text-xs">
                  {result.upstreamRequest.headers.map(([name, value]) => (
                    <div key={name} className="contents">
                      <dt className="text-muted-foreground">{name}</dt>
                      <dd className="break-all">{value}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            ) : (
              <p className="text-muted-foreground">{t("testCall.gatewayAnswered")}</p>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
