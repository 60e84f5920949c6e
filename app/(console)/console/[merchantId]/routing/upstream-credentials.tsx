"use client";

import { useState } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { useHydrated } from "@/app/_lib/use-hydrated";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";
import { upstreamCredentialInput } from "@/server/merchants/schemas";

const ALL_RULES = "__all__";

/** Credentials the gateway adds to upstream requests: write-only, listed masked. */
export function UpstreamCredentials({ merchantId }: { merchantId: string }) {
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
      toast.success("Credential saved");
    },
    onError: (err) => setError(err.message),
  });
  const remove = api.upstream.deleteCredential.useMutation({ onSuccess: refresh, onError: (err) => toast.error(err.message) });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Injected credentials</CardTitle>
        <CardDescription>
          Headers and query parameters the gateway adds to every upstream request (e.g. your API's own key), for all paths or one rule. Stored encrypted, shown masked, never sent to
          buyers; a buyer's header or parameter of the same name is removed.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {list.data && list.data.length === 0 && <EmptyState title="No injected credentials" description="The upstream receives only the buyer's request and the gateway's headers." />}
        {list.data && list.data.length > 0 && (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Where</TableHead>
                <TableHead>Name</TableHead>
                <TableHead>Value</TableHead>
                <TableHead>Applies to</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.map((c) => (
                <TableRow key={c.id}>
                  <TableCell>{c.location === "HEADER" ? "Header" : "Query"}</TableCell>
                  <TableCell className="font-mono">{c.name}</TableCell>
                  <TableCell className="font-mono">{c.maskedValue}</TableCell>
                  <TableCell className="font-mono">{c.rulePattern ?? "every path"}</TableCell>
                  <TableCell className="text-right">
                    <Button type="button" variant="ghost" size="sm" onClick={() => remove.mutate({ merchantId, id: c.id })}>
                      Delete
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
            if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Invalid credential");
            save.mutate({ merchantId, ...input });
          }}
        >
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
            <div className="grid gap-1.5">
              <Label htmlFor="credential-location">Where</Label>
              <Select value={location} onValueChange={(v) => setLocation(v as "HEADER" | "QUERY")}>
                <SelectTrigger id="credential-location" className="w-32" aria-label="Credential location">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="HEADER">Header</SelectItem>
                  <SelectItem value="QUERY">Query</SelectItem>
                </SelectContent>
              </Select>
            </div>
            <div className="grid flex-1 gap-1.5">
              <Label htmlFor="credential-name">Name</Label>
              <Input id="credential-name" className="font-mono" value={name} onChange={(e) => setName(e.target.value)} placeholder={location === "HEADER" ? "X-Api-Key" : "api_key"} spellCheck={false} />
            </div>
            <div className="grid flex-1 gap-1.5">
              <Label htmlFor="credential-value">Value</Label>
              <Input id="credential-value" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="credential-rule">Applies to</Label>
              <Select value={ruleId} onValueChange={setRuleId}>
                <SelectTrigger id="credential-rule" className="w-48" aria-label="Credential rule">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value={ALL_RULES}>Every path</SelectItem>
                  {rules.data?.map((r) => (
                    <SelectItem key={r.id} value={r.id}>
                      {r.methods.join(", ")} {r.pathPattern}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
            <Button type="submit" disabled={!hydrated || save.isPending}>
              Save credential
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
