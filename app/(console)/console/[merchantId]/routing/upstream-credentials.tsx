"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { useHydrated } from "@/app/_lib/use-hydrated";
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { useValidationText } from "@/app/_lib/validation-text";
import { upstreamCredentialInput } from "@/server/merchants/schemas";

const ALL_RULES = "__all__";
// example names, the same in every language (header and parameter names are code)
const NAME_PLACEHOLDERS = { HEADER: "X-Api-Key", QUERY: "api_key" } as const;

/** Credentials the gateway adds to upstream requests: write-only, listed masked. */
export function UpstreamCredentials({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const text = useValidationText();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const list = api.upstream.credentials.useQuery({ merchantId });
  const rules = api.pricingRules.list.useQuery({ merchantId });
  const [location, setLocation] = useState<"HEADER" | "QUERY">("HEADER");
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [ruleId, setRuleId] = useState(ALL_RULES);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => utils.upstream.credentials.invalidate({ merchantId });
  const hydrated = useHydrated();
  const save = api.upstream.setCredential.useMutation({
    onSuccess: async () => {
      setName("");
      setValue("");
      setError(null);
      await refresh();
      toast.success(t("credentials.saved"));
    },
    onError: (err) => setError(errorText(err)),
  });
  const remove = api.upstream.deleteCredential.useMutation({
    onSuccess: refresh,
    onError: (err) => toast.error(errorText(err)),
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("credentials.title")}</CardTitle>
        <CardDescription>{t("credentials.description")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {list.data && list.data.length === 0 && (
          <EmptyState
            title={t("credentials.emptyTitle")}
            description={t("credentials.emptyDescription")}
          />
        )}
        {list.data && list.data.length > 0 && (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("credentials.where")}</TableHead>
                <TableHead>{t("credentials.name")}</TableHead>
                <TableHead>{t("credentials.value")}</TableHead>
                <TableHead>{t("credentials.appliesTo")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.map((c) => (
                <TableRow key={c.id}>
                  <TableCell>
                    {c.location === "HEADER" ? t("credentials.header") : t("credentials.query")}
                  </TableCell>
                  <TableCell className="font-mono">{c.name}</TableCell>
                  <TableCell className="font-mono">{c.maskedValue}</TableCell>
                  <TableCell className="font-mono">
                    {c.rulePattern ?? t("credentials.everyPathLower")}
                  </TableCell>
                  <TableCell className="text-right">
                    <Button
                      type="button"
                      variant="ghost"
                      size="sm"
                      onClick={() => remove.mutate({ merchantId, id: c.id })}
                    >
                      {t("credentials.delete")}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        <form
          method="post"
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const input = { location, name, value, ruleId: ruleId === ALL_RULES ? null : ruleId };
            const parsed = upstreamCredentialInput.safeParse(input);
            if (!parsed.success)
              return setError(
                parsed.error.issues[0]
                  ? text(parsed.error.issues[0].message)
                  : t("credentials.invalid"),
              );
            save.mutate({ merchantId, ...input });
          }}
        >
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
            <div className="grid gap-1.5">
              <Label htmlFor="credential-location">{t("credentials.where")}</Label>
              <Select value={location} onValueChange={(v) => setLocation(v as "HEADER" | "QUERY")}>
                <SelectTrigger
                  id="credential-location"
                  className="w-32"
                  aria-label={t("credentials.locationLabel")}
                >
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="HEADER">{t("credentials.header")}</SelectItem>
                  <SelectItem value="QUERY">{t("credentials.query")}</SelectItem>
                </SelectContent>
              </Select>
            </div>
            <div className="grid flex-1 gap-1.5">
              <Label htmlFor="credential-name">{t("credentials.name")}</Label>
              <Input
                id="credential-name"
                className="font-mono"
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder={NAME_PLACEHOLDERS[location]}
                spellCheck={false}
              />
            </div>
            <div className="grid flex-1 gap-1.5">
              <Label htmlFor="credential-value">{t("credentials.value")}</Label>
              <Input
                id="credential-value"
                type="password"
                autoComplete="off"
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="credential-rule">{t("credentials.appliesTo")}</Label>
              <Select value={ruleId} onValueChange={setRuleId}>
                <SelectTrigger
                  id="credential-rule"
                  className="w-48"
                  aria-label={t("credentials.ruleLabel")}
                >
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value={ALL_RULES}>{t("credentials.everyPath")}</SelectItem>
                  {rules.data?.map((r) => (
                    <SelectItem key={r.id} value={r.id}>
                      {r.methods.join(", ")} {r.pathPattern}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
            <Button type="submit" disabled={!hydrated || save.isPending}>
              {t("credentials.save")}
            </Button>
          </div>
          {error && (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          )}
        </form>
      </CardContent>
    </Card>
  );
}
