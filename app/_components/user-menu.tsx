"use client";

import { LogOut } from "lucide-react";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";

import { Button } from "@/app/_components/ui/button";

export function SignOutButton() {
  const t = useTranslations("common");
  return (
    <Button variant="ghost" size="sm" onClick={() => void signOut({ callbackUrl: "/login" })}>
      <LogOut className="size-4" aria-hidden />
      {t("shell.signOut")}
    </Button>
  );
}
