"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { ShieldCheck } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { EmptyState } from "@/app/_components/empty-state";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/app/_components/ui/alert-dialog";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";
import { grantPlatformAdminInput } from "@/server/admin/schemas";

type Pending = { userId: string; label: string; disableAccount: boolean } | null;

function GrantForm() {
  const utils = api.useUtils();
  const form = useForm<z.input<typeof grantPlatformAdminInput>, unknown, z.output<typeof grantPlatformAdminInput>>({
    resolver: zodResolver(grantPlatformAdminInput),
    defaultValues: { email: "" },
  });
  const grant = api.admin.admins.grant.useMutation({
    onSuccess: async (row) => {
      toast.success(`${row.email ?? row.id} is now a platform admin`);
      form.reset();
      await utils.admin.admins.list.invalidate();
    },
    onError: (e) => {
      if (!applyServerFieldErrors(form, e)) toast.error(e.message);
    },
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Grant the admin role</CardTitle>
        <CardDescription>
          The person signs up first with their own password; no password is ever made or shown here. For the very first admin of an
          install, run <code className="font-mono">npm run admin:create -- --email …</code> on the server.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Form {...form}>
          <form method="post" className="flex flex-wrap items-start gap-3" onSubmit={form.handleSubmit((values) => grant.mutate(values))}>
            <FormField
              control={form.control}
              name="email"
              render={({ field }) => (
                <FormItem className="min-w-72 flex-1">
                  <FormLabel>Email of an existing account</FormLabel>
                  <FormControl>
                    <Input type="email" autoComplete="off" placeholder="ops@example.com" {...field} />
                  </FormControl>
                  <FormDescription>They get the admin console at their next page load.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <Button type="submit" className="mt-6" disabled={grant.isPending}>
              Grant admin
            </Button>
          </form>
        </Form>
      </CardContent>
    </Card>
  );
}

/** The admins with demote / remove, each confirmed; the server refuses to remove the last one. */
export function PlatformAdmins({ currentUserId }: { currentUserId: string }) {
  const utils = api.useUtils();
  const admins = api.admin.admins.list.useQuery();
  const [pending, setPending] = useState<Pending>(null);
  const revoke = api.admin.admins.revoke.useMutation({
    onSuccess: async (_r, input) => {
      toast.success(input.disableAccount ? "Admin removed and account disabled" : "Admin demoted to a regular user");
      setPending(null);
      await utils.admin.admins.list.invalidate();
      // demoting yourself ends your session: the next navigation goes to the login page
      if (input.userId === currentUserId) window.location.assign("/login");
    },
    onError: (e) => {
      setPending(null);
      toast.error(e.message);
    },
  });
  const rows = admins.data ?? [];
  const isLast = rows.length <= 1;
  return (
    <div className="grid gap-6">
      <GrantForm />
      <Card>
        <CardHeader>
          <CardTitle>Admins</CardTitle>
        </CardHeader>
        <CardContent>
          {admins.isLoading ? (
            <Skeleton className="h-24 w-full" />
          ) : admins.error ? (
            <p className="text-sm text-destructive">{admins.error.message}</p>
          ) : rows.length === 0 ? (
            <EmptyState icon={ShieldCheck} title="No platform admins" description="Run npm run admin:create on the server." />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Email</TableHead>
                  <TableHead>Account created</TableHead>
                  <TableHead className="text-right">Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((a) => {
                  const label = a.email ?? a.name ?? a.id;
                  return (
                    <TableRow key={a.id} data-testid={`admin-row-${a.id}`}>
                      <TableCell>
                        {a.name ?? "—"}
                        {a.id === currentUserId && <span className="ml-2 text-xs text-muted-foreground">(you)</span>}
                      </TableCell>
                      <TableCell className="font-mono text-xs">{a.email ?? "—"}</TableCell>
                      <TableCell>{formatDateTime(a.createdAt)}</TableCell>
                      <TableCell className="text-right">
                        <div className="flex justify-end gap-2">
                          <Button
                            size="sm"
                            variant="outline"
                            disabled={isLast}
                            title={isLast ? "The last admin cannot be demoted" : undefined}
                            onClick={() => setPending({ userId: a.id, label, disableAccount: false })}
                          >
                            Demote
                          </Button>
                          <Button
                            size="sm"
                            variant="destructive"
                            disabled={isLast}
                            title={isLast ? "The last admin cannot be removed" : undefined}
                            onClick={() => setPending({ userId: a.id, label, disableAccount: true })}
                          >
                            Remove
                          </Button>
                        </div>
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <AlertDialog open={pending !== null} onOpenChange={(o) => !o && setPending(null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>{pending?.disableAccount ? `Remove ${pending.label}?` : `Demote ${pending?.label ?? ""}?`}</AlertDialogTitle>
            <AlertDialogDescription>
              {pending?.disableAccount
                ? "The account loses the admin role and is disabled: it can no longer sign in, and its sessions end now."
                : "The account becomes a regular user (its merchant memberships stay); its sessions end now."}
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button
              variant={pending?.disableAccount ? "destructive" : "default"}
              disabled={revoke.isPending}
              onClick={() => pending && revoke.mutate({ userId: pending.userId, disableAccount: pending.disableAccount })}
            >
              {pending?.disableAccount ? "Remove" : "Demote"}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}
