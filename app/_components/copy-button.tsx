"use client";

import { CheckIcon, CopyIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import * as React from "react";
import { toast } from "sonner";

import { Button } from "@/app/_components/ui/button";
import { cn } from "@/app/_lib/utils";

const COPIED_FEEDBACK_MS = 1500;

export function CopyButton({
  value,
  label,
  className,
  ...props
}: Omit<React.ComponentProps<typeof Button>, "onClick" | "value"> & {
  value: string;
  label?: string;
}) {
  const t = useTranslations("common");
  const [hasCopied, setHasCopied] = React.useState(false);
  const idleLabel = label ?? t("copy.copy");

  React.useEffect(() => {
    if (!hasCopied) return;
    const timer = setTimeout(() => setHasCopied(false), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [hasCopied]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setHasCopied(true);
    } catch {
      // The Clipboard API needs a secure context and permission; say so instead of failing silently.
      toast.error(t("copy.failed"));
    }
  }

  return (
    <Button
      type="button"
      variant="ghost"
      size="icon-sm"
      data-slot="copy-button"
      aria-label={hasCopied ? t("copy.copied") : idleLabel}
      title={hasCopied ? t("copy.copied") : idleLabel}
      className={cn(
        "size-6 text-muted-foreground hover:text-foreground [&_svg:not([class*='size-'])]:size-3.5",
        className,
      )}
      onClick={() => void copy()}
      {...props}
    >
      {hasCopied ? <CheckIcon className="text-success" aria-hidden /> : <CopyIcon aria-hidden />}
    </Button>
  );
}
