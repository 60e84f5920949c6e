"use client";

import { AlertTriangle } from "lucide-react";
import { useTranslations } from "next-intl";

import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";

// A failed server render of an admin page; the digest matches the server's log line.
export default function AdminError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const t = useTranslations("admin");
  return (
    <EmptyState
      icon={AlertTriangle}
      title={t("error.title")}
      description={
        error.digest ? t("error.reference", { digest: error.digest }) : t("error.tryLater")
      }
      action={
        <Button variant="outline" onClick={reset}>
          {t("error.retry")}
        </Button>
      }
    />
  );
}
