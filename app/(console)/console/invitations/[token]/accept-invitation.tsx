"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";

import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import { useErrorText } from "@/app/_lib/error-text";
import { api } from "@/app/_lib/trpc/react";

export function AcceptInvitation({ token }: { token: string }) {
  const t = useTranslations("console");
  const errorText = useErrorText();
  const router = useRouter();
  const utils = api.useUtils();
  const accept = api.team.accept.useMutation({
    onSuccess: async ({ merchantId }) => {
      await utils.merchants.listMine.invalidate();
      router.push(`/console/${merchantId}`);
    },
  });
  return (
    <Card className="w-full">
      <CardHeader>
        <CardTitle>{t("invitation.title")}</CardTitle>
        <CardDescription>{t("invitation.description")}</CardDescription>
      </CardHeader>
      {accept.error && (
        <CardContent>
          <p role="alert" className="text-sm text-destructive">
            {errorText(accept.error)}
          </p>
        </CardContent>
      )}
      <CardFooter>
        <Button
          className="w-full"
          onClick={() => accept.mutate({ token })}
          disabled={accept.isPending}
        >
          {accept.isPending ? t("invitation.joining") : t("invitation.accept")}
        </Button>
      </CardFooter>
    </Card>
  );
}
