"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";

import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/app/_components/ui/alert-dialog";
import { Button } from "@/app/_components/ui/button";
import { Label } from "@/app/_components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/app/_components/ui/select";
import { Textarea } from "@/app/_components/ui/textarea";
import { api } from "@/app/_lib/trpc/react";

type Action = "approve" | "disable" | "enable";

const COPY: Record<Action, { title: string; description: string; confirm: string }> = {
  approve: { title: "Approve this merchant?", description: "Its gateway URL starts serving at once: free paths are proxied and priced paths take payments.", confirm: "Approve" },
  disable: { title: "Disable this merchant?", description: "Its gateway URL answers 403 to every call at once. Members keep console access and see your reason.", confirm: "Disable" },
  enable: { title: "Re-enable this merchant?", description: "Its gateway URL serves calls again at once.", confirm: "Re-enable" },
};

/** Approve / disable (with a reason) / re-enable, each confirmed in a dialog. */
export function MerchantActions({ merchantId, status }: { merchantId: string; status: "PENDING_REVIEW" | "ACTIVE" | "DISABLED" }) {
  const router = useRouter();
  const [open, setOpen] = useState<Action | null>(null);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const done = (message: string) => {
    toast.success(message);
    setOpen(null);
    setReason("");
    router.refresh();
  };
  const onError = (e: { message: string; data?: { zodError?: Record<string, string[] | undefined> | null } | null }) => {
    const field = e.data?.zodError?.reason?.[0];
    if (field) setReasonError(field);
    else toast.error(e.message);
  };
  const approve = api.admin.merchants.approve.useMutation({ onSuccess: () => done("Merchant approved"), onError });
  const disable = api.admin.merchants.disable.useMutation({ onSuccess: () => done("Merchant disabled"), onError });
  const enable = api.admin.merchants.enable.useMutation({ onSuccess: () => done("Merchant re-enabled"), onError });
  const pending = approve.isPending || disable.isPending || enable.isPending;
  const confirm = () => {
    if (open === "approve") approve.mutate({ merchantId });
    if (open === "enable") enable.mutate({ merchantId });
    if (open === "disable") {
      if (reason.trim().length < 3) return setReasonError("Say why the merchant is disabled (at least 3 characters)");
      disable.mutate({ merchantId, reason });
    }
  };

  return (
    <div className="flex flex-wrap gap-2">
      {status === "PENDING_REVIEW" && <Button onClick={() => setOpen("approve")}>Approve</Button>}
      {status === "DISABLED" && <Button onClick={() => setOpen("enable")}>Re-enable</Button>}
      {status !== "DISABLED" && (
        <Button variant="destructive" onClick={() => setOpen("disable")}>
          Disable
        </Button>
      )}
      <AlertDialog open={open !== null} onOpenChange={(o) => !o && setOpen(null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>{open ? COPY[open].title : ""}</AlertDialogTitle>
            <AlertDialogDescription>{open ? COPY[open].description : ""}</AlertDialogDescription>
          </AlertDialogHeader>
          {open === "disable" && (
            <div className="grid gap-1.5">
              <Label htmlFor="disable-reason">Reason</Label>
              <Textarea
                id="disable-reason"
                value={reason}
                aria-invalid={reasonError !== null}
                onChange={(e) => {
                  setReason(e.target.value);
                  setReasonError(null);
                }}
                placeholder="e.g. chargeback investigation"
              />
              {reasonError && <p className="text-sm text-destructive">{reasonError}</p>}
            </div>
          )}
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            {/* a plain button: the dialog stays open until the server answers (or a field error shows) */}
            <Button variant={open === "disable" ? "destructive" : "default"} onClick={confirm} disabled={pending}>
              {open ? COPY[open].confirm : ""}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}

/** Which fee template the merchant pays; "default" follows the platform's default template. */
export function FeeTemplateAssign({ merchantId, templateId }: { merchantId: string; templateId: string | null }) {
  const router = useRouter();
  const templates = api.admin.feeTemplates.list.useQuery();
  const [value, setValue] = useState(templateId ?? "DEFAULT");
  const assign = api.admin.merchants.assignFeeTemplate.useMutation({
    onSuccess: () => {
      toast.success("Fee template assigned");
      router.refresh();
    },
    onError: (e) => toast.error(e.message),
  });
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="grid gap-1.5">
        <Label htmlFor="fee-template">Fee template</Label>
        <Select value={value} onValueChange={setValue}>
          <SelectTrigger id="fee-template" aria-label="Fee template" className="w-64">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="DEFAULT">Platform default</SelectItem>
            {templates.data?.map((t) => (
              <SelectItem key={t.id} value={t.id}>
                {t.name} {t.inForce ? `(${t.inForce.bps / 100} %)` : "(not yet in force)"}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <Button variant="secondary" disabled={assign.isPending || value === (templateId ?? "DEFAULT")} onClick={() => assign.mutate({ merchantId, templateId: value === "DEFAULT" ? null : value })}>
        Assign
      </Button>
    </div>
  );
}

/** How the merchant is paid: straight to its wallet, or through the treasury and settlement runs. */
export function SettlementModeChange({ merchantId, mode }: { merchantId: string; mode: "DIRECT" | "PLATFORM" }) {
  const router = useRouter();
  const [value, setValue] = useState<"DIRECT" | "PLATFORM">(mode);
  const change = api.admin.merchants.setSettlementMode.useMutation({
    onSuccess: () => {
      toast.success("Settlement mode changed");
      router.refresh();
    },
    onError: (e) => toast.error(e.message),
  });
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="grid gap-1.5">
        <Label htmlFor="settlement-mode">Settlement mode</Label>
        <Select value={value} onValueChange={(v) => setValue(v as "DIRECT" | "PLATFORM")}>
          <SelectTrigger id="settlement-mode" aria-label="Settlement mode" className="w-64">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="DIRECT">Direct to its wallet</SelectItem>
            <SelectItem value="PLATFORM">Through the platform (settlement runs)</SelectItem>
          </SelectContent>
        </Select>
      </div>
      <Button variant="secondary" disabled={change.isPending || value === mode} onClick={() => change.mutate({ merchantId, mode: value })}>
        Change
      </Button>
    </div>
  );
}

/** Which facilitator verifies and settles the merchant's payments: this deployment's or the hosted one. */
export function FacilitatorChange({ merchantId, facilitator }: { merchantId: string; facilitator: "LOCAL" | "HOSTED" }) {
  const router = useRouter();
  const [value, setValue] = useState<"LOCAL" | "HOSTED">(facilitator);
  const [error, setError] = useState<string | null>(null);
  const hosted = api.admin.hostedFacilitator.get.useQuery();
  const change = api.admin.merchants.setFacilitator.useMutation({
    onSuccess: () => {
      setError(null);
      toast.success("Facilitator changed; the gateway uses it from the next payment");
      router.refresh();
    },
    onError: (e) => setError(e.message),
  });
  return (
    <div className="grid gap-1.5">
      <div className="flex flex-wrap items-end gap-2">
        <div className="grid gap-1.5">
          <Label htmlFor="facilitator">Facilitator</Label>
          <Select
            value={value}
            onValueChange={(v) => {
              setValue(v as "LOCAL" | "HOSTED");
              setError(null);
            }}
          >
            <SelectTrigger id="facilitator" aria-label="Facilitator" className="w-64">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="LOCAL">Self-hosted (this deployment)</SelectItem>
              <SelectItem value="HOSTED">Hosted {hosted.data?.url ? `(${new URL(hosted.data.url).host})` : "(not configured)"}</SelectItem>
            </SelectContent>
          </Select>
        </div>
        <Button variant="secondary" disabled={change.isPending || value === facilitator} onClick={() => change.mutate({ merchantId, facilitator: value })}>
          Change
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
