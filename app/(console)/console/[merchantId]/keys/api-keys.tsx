"use client";

import { KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { CopyButton } from "@/app/_components/copy-button";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Alert, AlertDescription, AlertTitle } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Checkbox } from "@/app/_components/ui/checkbox";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/app/_components/ui/dialog";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";
import { API_KEY_SCOPES, DEFAULT_API_KEY_SCOPES, SCOPE_DESCRIPTIONS, type ApiKeyScope } from "@/server/api-keys/scopes";

export function ApiKeys({ merchantId }: { merchantId: string }) {
  const utils = api.useUtils();
  const keys = api.apiKeys.list.useQuery({ merchantId });
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const [scopes, setScopes] = useState<ApiKeyScope[]>([...DEFAULT_API_KEY_SCOPES]);
  const [scopesError, setScopesError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const create = api.apiKeys.create.useMutation({
    onSuccess: async (result) => {
      await utils.apiKeys.list.invalidate({ merchantId });
      setCreated(result.key);
      setName("");
      setScopes([...DEFAULT_API_KEY_SCOPES]);
    },
    onError: (err) => {
      const fields = (err.data as { zodError?: Record<string, string[]> } | undefined)?.zodError;
      if (fields?.name?.[0]) setNameError(fields.name[0]);
      if (fields?.scopes?.[0]) setScopesError(fields.scopes[0]);
      if (!fields?.name && !fields?.scopes) toast.error(err.message);
    },
  });
  const revoke = api.apiKeys.revoke.useMutation({
    onSuccess: async () => {
      await utils.apiKeys.list.invalidate({ merchantId });
      toast.success("Key revoked");
    },
    onError: (err) => toast.error(err.message),
  });

  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between gap-4">
        <CardTitle>Keys</CardTitle>
        <Button
          onClick={() => {
            setCreated(null);
            setNameError(null);
            setScopesError(null);
            setCreating(true);
          }}
        >
          <Plus aria-hidden /> Create key
        </Button>
      </CardHeader>
      <CardContent>
        {keys.isLoading ? (
          <Skeleton className="h-8" />
        ) : keys.error ? (
          <p role="alert" className="text-sm text-destructive">
            Could not load the keys: {keys.error.message}
          </p>
        ) : !keys.data?.length ? (
          <EmptyState icon={KeyRound} title="No API keys" description="Create one to call your own gateway URL without paying (e.g. from your tests), or to automate this console through the merchant API." />
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Key</TableHead>
                <TableHead>Scopes</TableHead>
                <TableHead>Created</TableHead>
                <TableHead>Last used</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="sr-only">Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {keys.data.map((k) => (
                <TableRow key={k.id} data-testid="api-key-row">
                  <TableCell>{k.name}</TableCell>
                  <TableCell className="font-mono text-xs">
                    {k.prefix}_…{k.partialKey}
                  </TableCell>
                  <TableCell>
                    <span className="flex flex-wrap gap-1">
                      {k.scopes.map((scope) => (
                        <Badge key={scope} variant="outline" className="font-mono text-xs">
                          {scope}
                        </Badge>
                      ))}
                    </span>
                  </TableCell>
                  <TableCell>{formatDateTime(k.createdAt)}</TableCell>
                  <TableCell>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"}</TableCell>
                  <TableCell>
                    <StatusBadge status={k.revokedAt ? "REVOKED" : "ACTIVE"} />
                  </TableCell>
                  <TableCell className="text-right">
                    {!k.revokedAt && (
                      <Button variant="ghost" size="sm" onClick={() => revoke.mutate({ merchantId, id: k.id })} disabled={revoke.isPending}>
                        Revoke
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>

      <Dialog open={creating} onOpenChange={setCreating}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>{created ? "Your new key" : "Create an API key"}</DialogTitle>
            <DialogDescription>{created ? "Copy it now: it is shown this once and stored only as a hash." : "Name it after where it will be used."}</DialogDescription>
          </DialogHeader>
          {created ? (
            <Alert>
              <AlertTitle>Secret key</AlertTitle>
              <AlertDescription className="flex items-center gap-2">
                <code className="break-all font-mono text-xs" data-testid="new-api-key">
                  {created}
                </code>
                <CopyButton value={created} />
              </AlertDescription>
            </Alert>
          ) : (
            <form
              method="post"
              className="grid gap-2"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                setNameError(null);
                setScopesError(null);
                create.mutate({ merchantId, name, scopes });
              }}
            >
              <Label htmlFor="api-key-name">Name</Label>
              <Input id="api-key-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={nameError !== null} aria-describedby="api-key-name-error" placeholder="CI smoke tests" />
              {nameError && (
                <p id="api-key-name-error" className="text-sm text-destructive">
                  {nameError}
                </p>
              )}
              <fieldset className="mt-2 grid gap-2">
                <legend className="mb-1 text-sm font-medium">Scopes</legend>
                {API_KEY_SCOPES.map((scope) => (
                  <label key={scope} className="flex items-start gap-2 text-sm">
                    <Checkbox className="mt-0.5" checked={scopes.includes(scope)} onCheckedChange={(checked) => setScopes(checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))} aria-label={scope} />
                    <span>
                      <span className="font-mono">{scope}</span> <span className="text-muted-foreground">{SCOPE_DESCRIPTIONS[scope]}</span>
                    </span>
                  </label>
                ))}
                {scopesError && <p className="text-sm text-destructive">{scopesError}</p>}
              </fieldset>
              <DialogFooter>
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending ? "Creating…" : "Create key"}
                </Button>
              </DialogFooter>
            </form>
          )}
        </DialogContent>
      </Dialog>
    </Card>
  );
}
