"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";

import { CopyButton } from "@/app/_components/copy-button";
import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Label } from "@/app/_components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/app/_components/ui/select";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { formatDateTime } from "@/app/_lib/utils";

const OVERLAPS = [
  { seconds: 0, key: "now" },
  { seconds: 3600, key: "hour" },
  { seconds: 86_400, key: "day" },
  { seconds: 7 * 86_400, key: "week" },
] as const;

/** The gateway's signing secret: revealed once, rotated with an overlap in which both verify. */
export function SigningSecret({ merchantId }: { merchantId: string }) {
  const t = useTranslations("console");
  const locale = useLocale();
  const errorText = useErrorText();
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
    onError: (err) => toast.error(errorText(err)),
  });
  const rotate = api.upstream.rotateSigningSecret.useMutation({
    onSuccess: async (r) => {
      setShown(r.secret);
      await refresh();
      toast.success(t("signing.rotated"));
    },
    onError: (err) => toast.error(errorText(err)),
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("signing.title")}</CardTitle>
        <CardDescription>{t("signing.description")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 text-sm">
        {status.isLoading || !status.data ? (
          <Skeleton className="h-10" />
        ) : (
          <>
            <p>
              {t("signing.current", {
                generation: status.data.current.generation,
                createdAt: formatDateTime(status.data.current.createdAt, { locale }),
              })}{" "}
              {status.data.current.revealed ? t("signing.shownAlready") : t("signing.notShownYet")}
            </p>
            {status.data.previous.map((p) => (
              <p key={p.generation} className="text-muted-foreground">
                {t("signing.previous", {
                  generation: p.generation,
                  expiresAt: formatDateTime(p.expiresAt, { locale }),
                })}
              </p>
            ))}
            {shown && (
              <div
                className="flex items-center gap-2 rounded-md border p-3"
                data-testid="signing-secret"
              >
                <code className="break-all font-mono text-xs">{shown}</code>
                <CopyButton value={shown} />
              </div>
            )}
            {shown && <p className="text-muted-foreground">{t("signing.copyNow")}</p>}
            <div className="flex flex-wrap items-end gap-3">
              {!status.data.current.revealed && (
                <Button
                  type="button"
                  variant="outline"
                  disabled={reveal.isPending}
                  onClick={() => reveal.mutate({ merchantId })}
                >
                  {t("signing.reveal")}
                </Button>
              )}
              <div className="grid gap-1.5">
                <Label htmlFor="signing-overlap">{t("signing.overlap")}</Label>
                <Select value={overlap} onValueChange={setOverlap}>
                  <SelectTrigger
                    id="signing-overlap"
                    className="w-72"
                    aria-label={t("signing.overlapLabel")}
                  >
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    {OVERLAPS.map((o) => (
                      <SelectItem key={o.seconds} value={String(o.seconds)}>
                        {t(`signing.overlaps.${o.key}`)}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              </div>
              <Button
                type="button"
                disabled={rotate.isPending}
                onClick={() => rotate.mutate({ merchantId, overlapSeconds: Number(overlap) })}
              >
                {t("signing.rotate")}
              </Button>
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
