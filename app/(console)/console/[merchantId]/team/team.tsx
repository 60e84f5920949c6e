"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { CopyButton } from "@/app/_components/copy-button";
import { Alert, AlertDescription, AlertTitle } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
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

export function Team({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const text = useValidationText();
  const locale = useLocale();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const team = api.team.list.useQuery({ merchantId });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"ADMIN" | "DEVELOPER">("DEVELOPER");
  const [inviteUrl, setInviteUrl] = useState<string | null>(null);
  const [emailError, setEmailError] = useState<string | null>(null);
  const refresh = () => utils.team.list.invalidate({ merchantId });
  const invite = api.team.invite.useMutation({
    onSuccess: async (result) => {
      setInviteUrl(result.inviteUrl);
      setEmail("");
      await refresh();
    },
    onError: (err) => {
      const field = serverFieldErrors(err, text).email;
      if (field) setEmailError(field);
      else toast.error(errorText(err));
    },
  });
  const changeRole = api.team.changeRole.useMutation({
    onSuccess: refresh,
    onError: (err) => toast.error(errorText(err)),
  });
  const remove = api.team.remove.useMutation({
    onSuccess: refresh,
    onError: (err) => toast.error(errorText(err)),
  });
  const revoke = api.team.revokeInvitation.useMutation({
    onSuccess: refresh,
    onError: (err) => toast.error(errorText(err)),
  });

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>{t("teamPage.members")}</CardTitle>
        </CardHeader>
        <CardContent>
          {team.isLoading ? (
            <Skeleton className="h-8" />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("teamPage.member")}</TableHead>
                  <TableHead>{t("teamPage.role")}</TableHead>
                  <TableHead>{t("teamPage.since")}</TableHead>
                  <TableHead className="sr-only">{t("teamPage.actions")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {team.data?.members.map((m) => (
                  <TableRow key={m.id} data-testid="team-member-row">
                    <TableCell>{m.user.email ?? m.user.walletAddress ?? m.user.name}</TableCell>
                    <TableCell>
                      <Select
                        value={m.role}
                        onValueChange={(value) =>
                          changeRole.mutate({
                            merchantId,
                            membershipId: m.id,
                            role: value as "OWNER" | "ADMIN" | "DEVELOPER",
                          })
                        }
                      >
                        <SelectTrigger
                          className="w-36"
                          aria-label={t("teamPage.roleOf", {
                            member: m.user.email ?? m.user.name ?? "",
                          })}
                        >
                          <SelectValue />
                        </SelectTrigger>
                        <SelectContent>
                          <SelectItem value="OWNER">{t("teamPage.roles.OWNER")}</SelectItem>
                          <SelectItem value="ADMIN">{t("teamPage.roles.ADMIN")}</SelectItem>
                          <SelectItem value="DEVELOPER">{t("teamPage.roles.DEVELOPER")}</SelectItem>
                        </SelectContent>
                      </Select>
                    </TableCell>
                    <TableCell>{formatDateTime(m.createdAt, { locale })}</TableCell>
                    <TableCell className="text-right">
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => remove.mutate({ merchantId, membershipId: m.id })}
                      >
                        {t("teamPage.remove")}
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("teamPage.invite")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4">
          <form
            method="post"
            className="flex flex-col gap-3 sm:flex-row sm:items-end"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              setEmailError(null);
              setInviteUrl(null);
              invite.mutate({ merchantId, email, role });
            }}
          >
            <div className="grid flex-1 gap-1.5">
              <Label htmlFor="invite-email">{t("teamPage.email")}</Label>
              <Input
                id="invite-email"
                type="email"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                aria-invalid={emailError !== null}
              />
              {emailError && <p className="text-sm text-destructive">{emailError}</p>}
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="invite-role">{t("teamPage.role")}</Label>
              <Select value={role} onValueChange={(v) => setRole(v as "ADMIN" | "DEVELOPER")}>
                <SelectTrigger
                  id="invite-role"
                  className="w-36"
                  aria-label={t("teamPage.inviteRole")}
                >
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="ADMIN">{t("teamPage.roles.ADMIN")}</SelectItem>
                  <SelectItem value="DEVELOPER">{t("teamPage.roles.DEVELOPER")}</SelectItem>
                </SelectContent>
              </Select>
            </div>
            <Button type="submit" disabled={invite.isPending}>
              {t("teamPage.createInvitation")}
            </Button>
          </form>
          {inviteUrl && (
            <Alert>
              <AlertTitle>{t("teamPage.sendLink")}</AlertTitle>
              <AlertDescription className="flex items-center gap-2">
                <code className="break-all font-mono text-xs" data-testid="invite-url">
                  {inviteUrl}
                </code>
                <CopyButton value={inviteUrl} />
              </AlertDescription>
            </Alert>
          )}
          {team.data?.invitations.length ? (
            <ul className="grid gap-2 text-sm">
              {team.data.invitations.map((i) => (
                <li key={i.id} className="flex items-center justify-between gap-2">
                  <span>
                    {i.email} <Badge variant="outline">{t(`teamPage.roles.${i.role}`)}</Badge>{" "}
                    <span className="text-muted-foreground">
                      {t("teamPage.until", { date: formatDateTime(i.expiresAt, { locale }) })}
                    </span>
                  </span>
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => revoke.mutate({ merchantId, invitationId: i.id })}
                  >
                    {t("teamPage.revoke")}
                  </Button>
                </li>
              ))}
            </ul>
          ) : null}
        </CardContent>
      </Card>
    </div>
  );
}
