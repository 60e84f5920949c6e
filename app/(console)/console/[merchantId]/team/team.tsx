"use client";

import { useState } from "react";
import { toast } from "sonner";

import { CopyButton } from "@/app/_components/copy-button";
import { Alert, AlertDescription, AlertTitle } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";

export function Team({ merchantId }: { merchantId: string }) {
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
      const field = (err.data as { zodError?: Record<string, string[]> } | undefined)?.zodError?.email?.[0];
      if (field) setEmailError(field);
      else toast.error(err.message);
    },
  });
  const changeRole = api.team.changeRole.useMutation({ onSuccess: refresh, onError: (err) => toast.error(err.message) });
  const remove = api.team.remove.useMutation({ onSuccess: refresh, onError: (err) => toast.error(err.message) });
  const revoke = api.team.revokeInvitation.useMutation({ onSuccess: refresh, onError: (err) => toast.error(err.message) });

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Members</CardTitle>
        </CardHeader>
        <CardContent>
          {team.isLoading ? (
            <Skeleton className="h-8" />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Member</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead>Since</TableHead>
                  <TableHead className="sr-only">Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {team.data?.members.map((m) => (
                  <TableRow key={m.id} data-testid="team-member-row">
                    <TableCell>{m.user.email ?? m.user.walletAddress ?? m.user.name}</TableCell>
                    <TableCell>
                      <Select value={m.role} onValueChange={(value) => changeRole.mutate({ merchantId, membershipId: m.id, role: value as "OWNER" | "ADMIN" | "DEVELOPER" })}>
                        <SelectTrigger className="w-36" aria-label={`Role of ${m.user.email ?? m.user.name}`}>
                          <SelectValue />
                        </SelectTrigger>
                        <SelectContent>
                          <SelectItem value="OWNER">Owner</SelectItem>
                          <SelectItem value="ADMIN">Admin</SelectItem>
                          <SelectItem value="DEVELOPER">Developer</SelectItem>
                        </SelectContent>
                      </Select>
                    </TableCell>
                    <TableCell>{formatDateTime(m.createdAt)}</TableCell>
                    <TableCell className="text-right">
                      <Button variant="ghost" size="sm" onClick={() => remove.mutate({ merchantId, membershipId: m.id })}>
                        Remove
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
          <CardTitle>Invite</CardTitle>
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
              <Label htmlFor="invite-email">Email</Label>
              <Input id="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} aria-invalid={emailError !== null} />
              {emailError && <p className="text-sm text-destructive">{emailError}</p>}
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="invite-role">Role</Label>
              <Select value={role} onValueChange={(v) => setRole(v as "ADMIN" | "DEVELOPER")}>
                <SelectTrigger id="invite-role" className="w-36" aria-label="Invite role">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="ADMIN">Admin</SelectItem>
                  <SelectItem value="DEVELOPER">Developer</SelectItem>
                </SelectContent>
              </Select>
            </div>
            <Button type="submit" disabled={invite.isPending}>
              Create invitation
            </Button>
          </form>
          {inviteUrl && (
            <Alert>
              <AlertTitle>Send this link to them</AlertTitle>
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
                    {i.email} <Badge variant="outline">{i.role.toLowerCase()}</Badge> <span className="text-muted-foreground">until {formatDateTime(i.expiresAt)}</span>
                  </span>
                  <Button variant="ghost" size="sm" onClick={() => revoke.mutate({ merchantId, invitationId: i.id })}>
                    Revoke
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
