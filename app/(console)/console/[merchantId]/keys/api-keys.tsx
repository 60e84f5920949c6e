"use client";

import { KeyRound, Plus } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
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
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/app/_components/ui/dialog";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { useErrorText } from "@/app/_lib/error-text";
import { serverFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { useValidationText } from "@/app/_lib/validation-text";
import { formatDateTime } from "@/app/_lib/utils";
import { API_KEY_SCOPES, DEFAULT_API_KEY_SCOPES, type ApiKeyScope } from "@/server/api-keys/scopes";

// message keys cannot hold ":", the scope names do
const SCOPE_MESSAGE_KEYS = {
  read: "read",
  write: "write",
  "keys:manage": "keysManage",
  "gateway:owner": "gatewayOwner",
} as const satisfies Record<ApiKeyScope, string>;

export function ApiKeys({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const text = useValidationText();
  const locale = useLocale();
  const errorText = useErrorText();
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
      const fields = serverFieldErrors(err, text);
      if (fields.name) setNameError(fields.name);
      if (fields.scopes) setScopesError(fields.scopes);
      if (!fields.name && !fields.scopes) toast.error(errorText(err));
    },
  });
  const revoke = api.apiKeys.revoke.useMutation({
    onSuccess: async () => {
      await utils.apiKeys.list.invalidate({ merchantId });
      toast.success(t("keys.revoked"));
    },
    onError: (err) => toast.error(errorText(err)),
  });

  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between gap-4">
        <CardTitle>{t("keys.listTitle")}</CardTitle>
        <Button
          onClick={() => {
            setCreated(null);
            setNameError(null);
            setScopesError(null);
            setCreating(true);
          }}
        >
          <Plus aria-hidden /> {t("keys.create")}
        </Button>
      </CardHeader>
      <CardContent>
        {keys.isLoading ? (
          <Skeleton className="h-8" />
        ) : keys.error ? (
          <p role="alert" className="text-sm text-destructive">
            {t("keys.loadFailed", { message: errorText(keys.error) })}
          </p>
        ) : !keys.data?.length ? (
          <EmptyState
            icon={KeyRound}
            title={t("keys.emptyTitle")}
            description={t("keys.emptyDescription")}
          />
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("keys.name")}</TableHead>
                <TableHead>{t("keys.key")}</TableHead>
                <TableHead>{t("keys.scopesLabel")}</TableHead>
                <TableHead>{t("keys.createdAt")}</TableHead>
                <TableHead>{t("keys.lastUsed")}</TableHead>
                <TableHead>{t("keys.status")}</TableHead>
                <TableHead className="sr-only">{t("keys.actions")}</TableHead>
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
                  <TableCell>{formatDateTime(k.createdAt, { locale })}</TableCell>
                  <TableCell>
                    {k.lastUsedAt ? formatDateTime(k.lastUsedAt, { locale }) : t("keys.never")}
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={k.revokedAt ? "REVOKED" : "ACTIVE"} />
                  </TableCell>
                  <TableCell className="text-right">
                    {!k.revokedAt && (
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => revoke.mutate({ merchantId, id: k.id })}
                        disabled={revoke.isPending}
                      >
                        {t("keys.revoke")}
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
            <DialogTitle>{created ? t("keys.newKeyTitle") : t("keys.createTitle")}</DialogTitle>
            <DialogDescription>
              {created ? t("keys.newKeyDescription") : t("keys.createDescription")}
            </DialogDescription>
          </DialogHeader>
          {created ? (
            <Alert>
              <AlertTitle>{t("keys.secretKey")}</AlertTitle>
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
              <Label htmlFor="api-key-name">{t("keys.name")}</Label>
              <Input
                id="api-key-name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                aria-invalid={nameError !== null}
                aria-describedby="api-key-name-error"
                placeholder={t("keys.namePlaceholder")}
              />
              {nameError && (
                <p id="api-key-name-error" className="text-sm text-destructive">
                  {nameError}
                </p>
              )}
              <fieldset className="mt-2 grid gap-2">
                <legend className="mb-1 text-sm font-medium">{t("keys.scopesLabel")}</legend>
                {API_KEY_SCOPES.map((scope) => (
                  <label key={scope} className="flex items-start gap-2 text-sm">
                    <Checkbox
                      className="mt-0.5"
                      checked={scopes.includes(scope)}
                      onCheckedChange={(checked) =>
                        setScopes(checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                      }
                      aria-label={scope}
                    />
                    <span>
                      <span className="font-mono">{scope}</span>{" "}
                      <span className="text-muted-foreground">
                        {t(`keys.scopes.${SCOPE_MESSAGE_KEYS[scope]}`)}
                      </span>
                    </span>
                  </label>
                ))}
                {scopesError && <p className="text-sm text-destructive">{scopesError}</p>}
              </fieldset>
              <DialogFooter>
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending ? t("keys.creating") : t("keys.create")}
                </Button>
              </DialogFooter>
            </form>
          )}
        </DialogContent>
      </Dialog>
    </Card>
  );
}
