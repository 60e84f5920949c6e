"use client";

import { Plus, Webhook } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { CopyButton } from "@/app/_components/copy-button";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Alert, AlertDescription, AlertTitle } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Checkbox } from "@/app/_components/ui/checkbox";
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
import { WEBHOOK_EVENT_TYPES, type SubscribableWebhookEvent } from "@/server/webhooks/event-types";

const EVENTS = WEBHOOK_EVENT_TYPES;
type EventType = SubscribableWebhookEvent;

// message keys cannot hold ".", the event names do
const EVENT_MESSAGE_KEYS = {
  "payment.settled": "paymentSettled",
  "payment.failed": "paymentFailed",
  "payment.refundable": "paymentRefundable",
  "payment.refunded": "paymentRefunded",
  "payment.unpaid": "paymentUnpaid",
  "usage.charged": "usageCharged",
  "alert.opened": "alertOpened",
  "alert.resolved": "alertResolved",
} as const satisfies Record<EventType, string>;

export function Webhooks({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const text = useValidationText();
  const locale = useLocale();
  const errorText = useErrorText();
  const utils = api.useUtils();
  const endpoints = api.webhooks.list.useQuery({ merchantId });
  const deliveries = api.webhooks.deliveries.useQuery({ merchantId }, { refetchInterval: 5000 });
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<EventType[]>(["payment.settled"]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string | null>(null);
  const create = api.webhooks.create.useMutation({
    onSuccess: async (result) => {
      await utils.webhooks.list.invalidate({ merchantId });
      setSecret(result.secret);
    },
    onError: (err) => {
      const fields = serverFieldErrors(err, text);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else toast.error(errorText(err));
    },
  });
  const remove = api.webhooks.delete.useMutation({
    onSuccess: () => utils.webhooks.list.invalidate({ merchantId }),
    onError: (err) => toast.error(errorText(err)),
  });
  const sendTest = api.webhooks.sendTest.useMutation({
    onSuccess: async (run) => {
      await utils.webhooks.deliveries.invalidate({ merchantId });
      if (run.result === "delivered") toast.success(t("webhooks.testDelivered"));
      else toast.warning(t("webhooks.testNotAccepted"));
    },
    onError: (err) => toast.error(errorText(err)),
  });

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader className="flex flex-row items-center justify-between gap-4">
          <CardTitle>{t("webhooks.endpoints")}</CardTitle>
          <Button
            onClick={() => {
              setSecret(null);
              setErrors({});
              setOpen(true);
            }}
          >
            <Plus aria-hidden /> {t("webhooks.addEndpoint")}
          </Button>
        </CardHeader>
        <CardContent>
          {endpoints.isLoading ? (
            <Skeleton className="h-8" />
          ) : !endpoints.data?.length ? (
            <EmptyState
              icon={Webhook}
              title={t("webhooks.emptyTitle")}
              description={t("webhooks.emptyDescription")}
            />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>URL</TableHead>
                  <TableHead>{t("webhooks.events")}</TableHead>
                  <TableHead className="sr-only">{t("webhooks.actions")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {endpoints.data.map((e) => (
                  <TableRow key={e.id} data-testid="webhook-endpoint-row">
                    <TableCell className="max-w-80 truncate font-mono text-xs">{e.url}</TableCell>
                    <TableCell className="text-xs">{e.events.join(", ")}</TableCell>
                    <TableCell className="text-right">
                      <div className="flex justify-end gap-2">
                        <Button
                          variant="outline"
                          size="sm"
                          onClick={() => sendTest.mutate({ merchantId, id: e.id })}
                          disabled={sendTest.isPending}
                        >
                          {t("webhooks.sendTest")}
                        </Button>
                        <Button
                          variant="ghost"
                          size="sm"
                          onClick={() => remove.mutate({ merchantId, id: e.id })}
                        >
                          {t("webhooks.delete")}
                        </Button>
                      </div>
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
          <CardTitle>{t("webhooks.deliveries")}</CardTitle>
        </CardHeader>
        <CardContent>
          {!deliveries.data?.length ? (
            <p className="text-sm text-muted-foreground">{t("webhooks.noDeliveries")}</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("webhooks.time")}</TableHead>
                  <TableHead>{t("webhooks.event")}</TableHead>
                  <TableHead>{t("webhooks.status")}</TableHead>
                  <TableHead>{t("webhooks.attempts")}</TableHead>
                  <TableHead>{t("webhooks.lastAnswer")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {deliveries.data.map((d) => (
                  <TableRow key={d.id} data-testid="webhook-delivery-row">
                    <TableCell className="whitespace-nowrap">
                      {formatDateTime(d.createdAt, { locale })}
                    </TableCell>
                    <TableCell className="font-mono text-xs">{d.eventType}</TableCell>
                    <TableCell>
                      <StatusBadge status={d.status} />
                    </TableCell>
                    <TableCell
                      className="tabular-nums"
                      title={d.attemptsLog
                        .map((a) => `${a.statusCode ?? a.error} (${a.durationMs} ms)`)
                        .join("\n")}
                    >
                      {d.attempts}
                    </TableCell>
                    <TableCell className="text-xs">
                      {d.lastStatusCode ?? d.lastError ?? "—"}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>

      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>{secret ? t("webhooks.secretTitle") : t("webhooks.addTitle")}</DialogTitle>
            <DialogDescription>
              {secret ? t("webhooks.secretDescription") : t("webhooks.addDescription")}
            </DialogDescription>
          </DialogHeader>
          {secret ? (
            <Alert>
              <AlertTitle>{t("webhooks.secret")}</AlertTitle>
              <AlertDescription className="flex items-center gap-2">
                <code className="break-all font-mono text-xs" data-testid="webhook-secret">
                  {secret}
                </code>
                <CopyButton value={secret} />
              </AlertDescription>
            </Alert>
          ) : (
            <form
              method="post"
              className="grid gap-4"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                setErrors({});
                create.mutate({ merchantId, url, events });
              }}
            >
              <div className="grid gap-1.5">
                <Label htmlFor="webhook-url">{t("webhooks.url")}</Label>
                <Input
                  id="webhook-url"
                  inputMode="url"
                  className="font-mono"
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                  aria-invalid={Boolean(errors.url)}
                />
                {errors.url && <p className="text-sm text-destructive">{errors.url}</p>}
              </div>
              <fieldset className="grid gap-2">
                <legend className="mb-1 text-sm font-medium">{t("webhooks.events")}</legend>
                {EVENTS.map((event) => (
                  <label key={event} className="flex items-center gap-2 text-sm">
                    <Checkbox
                      checked={events.includes(event)}
                      onCheckedChange={(checked) =>
                        setEvents(checked ? [...events, event] : events.filter((x) => x !== event))
                      }
                    />
                    <span className="font-mono">{event}</span>
                    <span className="text-muted-foreground">
                      {t(`webhooks.eventDescriptions.${EVENT_MESSAGE_KEYS[event]}`)}
                    </span>
                  </label>
                ))}
                {errors.events && <p className="text-sm text-destructive">{errors.events}</p>}
              </fieldset>
              <DialogFooter>
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending ? t("webhooks.adding") : t("webhooks.addEndpoint")}
                </Button>
              </DialogFooter>
            </form>
          )}
        </DialogContent>
      </Dialog>
    </div>
  );
}
