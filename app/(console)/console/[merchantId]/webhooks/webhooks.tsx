"use client";

import { Plus, Webhook } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { CopyButton } from "@/app/_components/copy-button";
import { EmptyState } from "@/app/_components/empty-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Alert, AlertDescription, AlertTitle } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Checkbox } from "@/app/_components/ui/checkbox";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/app/_components/ui/dialog";
import { Input } from "@/app/_components/ui/input";
import { Label } from "@/app/_components/ui/label";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/app/_components/ui/table";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES, type SubscribableWebhookEvent } from "@/server/webhooks/event-types";

const EVENTS = WEBHOOK_EVENT_TYPES;
type EventType = SubscribableWebhookEvent;

export function Webhooks({ merchantId }: { merchantId: string }) {
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
      const fields = (err.data as { zodError?: Record<string, string[]> } | undefined)?.zodError;
      if (fields) setErrors(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v?.[0] ?? ""])));
      else toast.error(err.message);
    },
  });
  const remove = api.webhooks.delete.useMutation({
    onSuccess: () => utils.webhooks.list.invalidate({ merchantId }),
    onError: (err) => toast.error(err.message),
  });
  const sendTest = api.webhooks.sendTest.useMutation({
    onSuccess: async (run) => {
      await utils.webhooks.deliveries.invalidate({ merchantId });
      if (run.result === "delivered") toast.success("Test event delivered");
      else toast.warning("Test event not accepted; it will be retried");
    },
    onError: (err) => toast.error(err.message),
  });

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader className="flex flex-row items-center justify-between gap-4">
          <CardTitle>Endpoints</CardTitle>
          <Button
            onClick={() => {
              setSecret(null);
              setErrors({});
              setOpen(true);
            }}
          >
            <Plus aria-hidden /> Add endpoint
          </Button>
        </CardHeader>
        <CardContent>
          {endpoints.isLoading ? (
            <Skeleton className="h-8" />
          ) : !endpoints.data?.length ? (
            <EmptyState icon={Webhook} title="No webhook endpoints" description="Add one to hear about settled payments as they happen." />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>URL</TableHead>
                  <TableHead>Events</TableHead>
                  <TableHead className="sr-only">Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {endpoints.data.map((e) => (
                  <TableRow key={e.id} data-testid="webhook-endpoint-row">
                    <TableCell className="max-w-80 truncate font-mono text-xs">{e.url}</TableCell>
                    <TableCell className="text-xs">{e.events.join(", ")}</TableCell>
                    <TableCell className="text-right">
                      <div className="flex justify-end gap-2">
                        <Button variant="outline" size="sm" onClick={() => sendTest.mutate({ merchantId, id: e.id })} disabled={sendTest.isPending}>
                          Send test event
                        </Button>
                        <Button variant="ghost" size="sm" onClick={() => remove.mutate({ merchantId, id: e.id })}>
                          Delete
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
          <CardTitle>Deliveries</CardTitle>
        </CardHeader>
        <CardContent>
          {!deliveries.data?.length ? (
            <p className="text-sm text-muted-foreground">No deliveries yet.</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Time</TableHead>
                  <TableHead>Event</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Attempts</TableHead>
                  <TableHead>Last answer</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {deliveries.data.map((d) => (
                  <TableRow key={d.id} data-testid="webhook-delivery-row">
                    <TableCell className="whitespace-nowrap">{formatDateTime(d.createdAt)}</TableCell>
                    <TableCell className="font-mono text-xs">{d.eventType}</TableCell>
                    <TableCell>
                      <StatusBadge status={d.status} />
                    </TableCell>
                    <TableCell className="tabular-nums" title={d.attemptsLog.map((a) => `${a.statusCode ?? a.error} (${a.durationMs} ms)`).join("\n")}>
                      {d.attempts}
                    </TableCell>
                    <TableCell className="text-xs">{d.lastStatusCode ?? d.lastError ?? "—"}</TableCell>
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
            <DialogTitle>{secret ? "Signing secret" : "Add a webhook endpoint"}</DialogTitle>
            <DialogDescription>{secret ? "Copy it now: it is shown this once and stored encrypted." : "We POST events here, signed with a secret only you and we know."}</DialogDescription>
          </DialogHeader>
          {secret ? (
            <Alert>
              <AlertTitle>Secret</AlertTitle>
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
                <Label htmlFor="webhook-url">Endpoint URL</Label>
                <Input id="webhook-url" inputMode="url" className="font-mono" value={url} onChange={(e) => setUrl(e.target.value)} aria-invalid={Boolean(errors.url)} />
                {errors.url && <p className="text-sm text-destructive">{errors.url}</p>}
              </div>
              <fieldset className="grid gap-2">
                <legend className="mb-1 text-sm font-medium">Events</legend>
                {EVENTS.map((event) => (
                  <label key={event} className="flex items-center gap-2 text-sm">
                    <Checkbox
                      checked={events.includes(event)}
                      onCheckedChange={(checked) => setEvents(checked ? [...events, event] : events.filter((x) => x !== event))}
                    />
                    <span className="font-mono">{event}</span>
                    <span className="text-muted-foreground">{WEBHOOK_EVENT_DESCRIPTIONS[event]}</span>
                  </label>
                ))}
                {errors.events && <p className="text-sm text-destructive">{errors.events}</p>}
              </fieldset>
              <DialogFooter>
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending ? "Adding…" : "Add endpoint"}
                </Button>
              </DialogFooter>
            </form>
          )}
        </DialogContent>
      </Dialog>
    </div>
  );
}
