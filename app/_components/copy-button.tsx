"use client";

import { CheckIcon, CopyIcon } from "lucide-react";
import * as React from "react";
import { toast } from "sonner";

import { Button } from "@/app/_components/ui/button";
import { cn } from "@/app/_lib/utils";

const COPIED_FEEDBACK_MS = 1500;

export function CopyButton({
  value,
  label = "Copy",
  className,
  ...props
}: Omit<React.ComponentProps<typeof Button>, "onClick" | "value"> & { value: string; label?: string }) {
  const [hasCopied, setHasCopied] = React.useState(false);

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
      toast.error("Could not copy to the clipboard");
    }
  }

  return (
    <Button
      type="button"
      variant="ghost"
      size="icon-sm"
      data-slot="copy-button"
      aria-label={hasCopied ? "Copied" : label}
      title={hasCopied ? "Copied" : label}
      className={cn("size-6 text-muted-foreground hover:text-foreground [&_svg:not([class*='size-'])]:size-3.5", className)}
      onClick={() => void copy()}
      {...props}
    >
      {hasCopied ? <CheckIcon className="text-success" aria-hidden /> : <CopyIcon aria-hidden />}
    </Button>
  );
}
