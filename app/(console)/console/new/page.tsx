import type { Metadata } from "next";
import Link from "next/link";

import { Logo } from "@/app/_components/logo";

import { CreateMerchantForm } from "./create-merchant-form";

export const metadata: Metadata = { title: "Create a merchant" };

export default function NewMerchantPage() {
  return (
    <main className="flex min-h-screen flex-col items-center gap-8 bg-muted/40 px-4 py-12">
      <Link href="/console" aria-label="Console">
        <Logo />
      </Link>
      <div className="w-full max-w-lg">
        <CreateMerchantForm />
      </div>
    </main>
  );
}
