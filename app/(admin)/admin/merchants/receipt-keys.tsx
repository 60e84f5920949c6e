"use client";

import { useTranslations } from "next-intl";
import { toast } from "sonner";

import { DateTime } from "@/app/_components/date-time";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { Skeleton } from "@/app/_components/ui/skeleton";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";
import { useHydrated } from "@/app/_lib/use-hydrated";

/** The `offer-receipt` signing keys: the one that signs, the retired ones still published, and rotation. */
export function ReceiptKeys() {
  const t = useTranslations("admin");
  const errorText = useErrorText();
  const utils = api.useUtils();
  const hydrated = useHydrated();
  const view = api.admin.receiptKeys.list.useQuery();
  const rotate = api.admin.receiptKeys.rotate.useMutation({
    onSuccess: async (data) => {
      utils.admin.receiptKeys.list.setData(undefined, data);
      await utils.admin.receiptKeys.list.invalidate();
      toast.success(t("receiptKeys.rotated"));
    },
    onError: (e) => toast.error(errorText(e)),
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("receiptKeys.title")}</CardTitle>
        <CardDescription>{t("receiptKeys.description")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {view.data ? (
          <>
            <p className="text-sm">
              {t("receiptKeys.published")}{" "}
              <a className="break-all font-mono text-xs underline" href={view.data.didDocumentUrl}>
                {view.data.didDocumentUrl}
              </a>
            </p>
            <ul className="grid gap-2 text-sm" data-testid="receipt-keys">
              {view.data.keys.map((key) => (
                <li key={key.id} className="grid gap-0.5">
                  <span className="flex items-center gap-2">
                    <span className="font-mono text-xs">{key.id}</span>
                    <Badge variant={key.retiredAt ? "muted" : "success"}>
                      {key.retiredAt ? t("receiptKeys.retired") : t("receiptKeys.current")}
                    </Badge>
                    <span className="text-muted-foreground">{key.algorithm}</span>
                  </span>
                  <span className="text-xs text-muted-foreground">
                    {t("receiptKeys.created")} <DateTime value={key.createdAt} />
                    {key.retiredAt && (
                      <>
                        {" · "}
                        {t("receiptKeys.retiredAt")} <DateTime value={key.retiredAt} />
                      </>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <Skeleton className="h-16" />
        )}
        <div>
          <Button
            type="button"
            variant="outline"
            disabled={!hydrated || rotate.isPending}
            onClick={() => rotate.mutate()}
          >
            {t("receiptKeys.rotate")}
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
