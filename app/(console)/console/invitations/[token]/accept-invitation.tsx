"use client";

import { useRouter } from "next/navigation";

import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { api } from "@/app/_lib/trpc/react";

export function AcceptInvitation({ token }: { token: string }) {
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
        <CardTitle>You are invited</CardTitle>
        <CardDescription>Join the merchant's team on x402 Gateway with the role you were invited with.</CardDescription>
      </CardHeader>
      {accept.error && (
        <CardContent>
          <p role="alert" className="text-sm text-destructive">
            {accept.error.message}
          </p>
        </CardContent>
      )}
      <CardFooter>
        <Button className="w-full" onClick={() => accept.mutate({ token })} disabled={accept.isPending}>
          {accept.isPending ? "Joining…" : "Accept invitation"}
        </Button>
      </CardFooter>
    </Card>
  );
}
