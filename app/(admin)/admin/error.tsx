"use client";

import { AlertTriangle } from "lucide-react";

import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";

// A failed server render of an admin page; the digest matches the server's log line.
export default function AdminError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <EmptyState
      icon={AlertTriangle}
      title="This page could not be loaded"
      description={error.digest ? `Reference ${error.digest}` : "Try again in a moment."}
      action={
        <Button variant="outline" onClick={reset}>
          Try again
        </Button>
      }
    />
  );
}
