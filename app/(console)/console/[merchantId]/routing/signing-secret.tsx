"use client";

import { useState } from "react";
import { toast } from "sonner";

import { CopyButton } from "@/app/_components/copy-button";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { api } from "@/app/_lib/trpc/react";

const OVERLAPS = [
  { seconds: 0, label: "End the old secret now" },
  { seconds: 3600, label: "Keep the old secret for 1 hour" },
  { seconds: 86_400, label: "Keep the old secret for 24 hours" },
  { seconds: 7 * 86_400, label: "Keep the old secret for 7 days" },
];

/** The gateway's signing secret: revealed once, rotated with an overlap in which both verify. */
export function SigningSecret({ merchantId }: { merchantId: string }) {
  const utils = api.useUtils();
  const status = api.upstream.signingSecret.useQuery({ merchantId });
  const [shown, setShown] = useState<string | null>(null);
  const [overlap, setOverlap] = useState("86400");
  const refresh = () => utils.upstream.signingSecret.invalidate({ merchantId });
  const reveal = api.upstream.revealSigningSecret.useMutation({
    onSuccess: async (r) => {
      setShown(r.secret);
      await refresh();
    },
    onError: (err) => toast.error(err.message),
  });
  const rotate = api.upstream.rotateSigningSecret.useMutation({
    onSuccess: async (r) => {
      setShown(r.secret);
      await refresh();
      toast.success("New signing secret created");
    },
    onError: (err) => toast.error(err.message),
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Gateway signing secret</CardTitle>
        <CardDescription>
          Every request the gateway sends your API carries X-Gateway-Signature (HMAC-SHA256 with this secret) and the payment facts. Verify it with the SDK's middleware or the
          snippets in the docs (Verify gateway requests), so only paid calls through the gateway reach you.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 text-sm">
        {status.isLoading || !status.data ? (
          <Skeleton className="h-10" />
        ) : (
          <>
            <p>
              Current secret: generation {status.data.current.generation}, created {status.data.current.createdAt.toLocaleString()}.{" "}
              {status.data.current.revealed ? "It was shown once already." : "It has not been shown yet."}
            </p>
            {status.data.previous.map((p) => (
              <p key={p.generation} className="text-muted-foreground">
                Generation {p.generation} still signs until {p.expiresAt.toLocaleString()}.
              </p>
            ))}
            {shown && (
              <div className="flex items-center gap-2 rounded-md border p-3" data-testid="signing-secret">
                <code className="break-all font-mono text-xs">{shown}</code>
                <CopyButton value={shown} />
              </div>
            )}
            {shown && <p className="text-muted-foreground">Copy it now: it is not shown again.</p>}
            <div className="flex flex-wrap items-end gap-3">
              {!status.data.current.revealed && (
                <Button type="button" variant="outline" disabled={reveal.isPending} onClick={() => reveal.mutate({ merchantId })}>
                  Reveal secret
                </Button>
              )}
              <div className="grid gap-1.5">
                <Label htmlFor="signing-overlap">Overlap</Label>
                <Select value={overlap} onValueChange={setOverlap}>
                  <SelectTrigger id="signing-overlap" className="w-72" aria-label="Rotation overlap">
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    {OVERLAPS.map((o) => (
                      <SelectItem key={o.seconds} value={String(o.seconds)}>
                        {o.label}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              </div>
              <Button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate({ merchantId, overlapSeconds: Number(overlap) })}>
                Rotate secret
              </Button>
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
