"use client";

import { LogOut } from "lucide-react";
import { signOut } from "next-auth/react";

import { Button } from "@/app/_components/ui/button";

export function SignOutButton() {
  return (
    <Button variant="ghost" size="sm" onClick={() => void signOut({ callbackUrl: "/login" })}>
      <LogOut className="size-4" aria-hidden />
      Sign out
    </Button>
  );
}
