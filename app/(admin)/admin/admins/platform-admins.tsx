"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { ShieldCheck } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";

import { DateTime } from "@/app/_components/date-time";
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
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import {
  Form,
  FormControl,
  FormDescription,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
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
import { applyServerFieldErrors } from "@/app/_lib/form-errors";
import { api } from "@/app/_lib/trpc/react";
import { grantPlatformAdminInput } from "@/server/admin/schemas";

type Pending = { userId: string; label: string; disableAccount: boolean } | null;

function GrantForm() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const form = useForm<
    z.input<typeof grantPlatformAdminInput>,
    unknown,
    z.output<typeof grantPlatformAdminInput>
  >({
    resolver: zodResolver(grantPlatformAdminInput),
    defaultValues: { email: "" },
  });
  const grant = api.admin.admins.grant.useMutation({
    onSuccess: async (row) => {
      toast.success(t("admins.granted", { who: row.email ?? row.id }));
      form.reset();
      await utils.admin.admins.list.invalidate();
    },
    onError: (e) => {
      if (!applyServerFieldErrors(form, e)) toast.error(errorText(e));
    },
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("admins.grantTitle")}</CardTitle>
        <CardDescription>
          {t.rich("admins.grantDescription", {
            code: (chunks) => <code className="font-mono">{chunks}</code>,
          })}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Form {...form}>
          <form
            method="post"
            className="flex flex-wrap items-start gap-3"
            onSubmit={form.handleSubmit((values) => grant.mutate(values))}
          >
            <FormField
              control={form.control}
              name="email"
              render={({ field }) => (
                <FormItem className="min-w-72 flex-1">
                  <FormLabel>{t("admins.email")}</FormLabel>
                  <FormControl>
                    <Input
                      type="email"
                      autoComplete="off"
                      placeholder="ops@example.com"
                      {...field}
                    />
                  </FormControl>
                  <FormDescription>{t("admins.emailHint")}</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <Button type="submit" className="mt-6" disabled={grant.isPending}>
              {t("admins.grant")}
            </Button>
          </form>
        </Form>
      </CardContent>
    </Card>
  );
}

/** The admins with demote / remove, each confirmed; the server refuses to remove the last one. */
export function PlatformAdmins({ currentUserId }: { currentUserId: string }) {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const admins = api.admin.admins.list.useQuery();
  const [pending, setPending] = useState<Pending>(null);
  const revoke = api.admin.admins.revoke.useMutation({
    onSuccess: async (_r, input) => {
      toast.success(input.disableAccount ? t("admins.removed") : t("admins.demoted"));
      setPending(null);
      await utils.admin.admins.list.invalidate();
      // demoting yourself ends your session: the next navigation goes to the login page
      if (input.userId === currentUserId) window.location.assign("/login");
    },
    onError: (e) => {
      setPending(null);
      toast.error(errorText(e));
    },
  });
  const rows = admins.data ?? [];
  const isLast = rows.length <= 1;
  return (
    <div className="grid gap-6">
      <GrantForm />
      <Card>
        <CardHeader>
          <CardTitle>{t("admins.title")}</CardTitle>
        </CardHeader>
        <CardContent>
          {admins.isLoading ? (
            <Skeleton className="h-24 w-full" />
          ) : admins.error ? (
            <p className="text-sm text-destructive">{errorText(admins.error)}</p>
          ) : rows.length === 0 ? (
            <EmptyState
              icon={ShieldCheck}
              title={t("admins.emptyTitle")}
              description={t("admins.emptyDescription")}
            />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("shared.name")}</TableHead>
                  <TableHead>{t("admins.email2")}</TableHead>
                  <TableHead>{t("admins.accountCreated")}</TableHead>
                  <TableHead className="text-right">{t("admins.actions")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((a) => {
                  const label = a.email ?? a.name ?? a.id;
                  return (
                    <TableRow key={a.id} data-testid={`admin-row-${a.id}`}>
                      <TableCell>
                        {a.name ?? "—"}
                        {a.id === currentUserId && (
                          <span className="ml-2 text-xs text-muted-foreground">
                            {t("admins.you")}
                          </span>
                        )}
                      </TableCell>
                      <TableCell className="font-mono text-xs">{a.email ?? "—"}</TableCell>
                      <TableCell>
                        <DateTime value={a.createdAt} />
                      </TableCell>
                      <TableCell className="text-right">
                        <div className="flex justify-end gap-2">
                          <Button
                            size="sm"
                            variant="outline"
                            disabled={isLast}
                            title={isLast ? t("admins.lastCannotDemote") : undefined}
                            onClick={() =>
                              setPending({ userId: a.id, label, disableAccount: false })
                            }
                          >
                            {t("admins.demote")}
                          </Button>
                          <Button
                            size="sm"
                            variant="destructive"
                            disabled={isLast}
                            title={isLast ? t("admins.lastCannotRemove") : undefined}
                            onClick={() =>
                              setPending({ userId: a.id, label, disableAccount: true })
                            }
                          >
                            {t("admins.remove")}
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
            <AlertDialogTitle>
              {pending?.disableAccount
                ? t("admins.removeTitle", { who: pending.label })
                : t("admins.demoteTitle", { who: pending?.label ?? "" })}
            </AlertDialogTitle>
            <AlertDialogDescription>
              {pending?.disableAccount
                ? t("admins.removeDescription")
                : t("admins.demoteDescription")}
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>{t("shared.cancel")}</AlertDialogCancel>
            <Button
              variant={pending?.disableAccount ? "destructive" : "default"}
              disabled={revoke.isPending}
              onClick={() =>
                pending &&
                revoke.mutate({ userId: pending.userId, disableAccount: pending.disableAccount })
              }
            >
              {pending?.disableAccount ? t("admins.remove") : t("admins.demote")}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}
