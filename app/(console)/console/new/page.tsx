import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";

import { Logo } from "@/app/_components/logo";

import { CreateMerchantForm } from "./create-merchant-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("newMerchant.metaTitle") };
}

export default async function NewMerchantPage() {
  const t = await getTranslations("console");
  return (
    <main className="flex min-h-screen flex-col items-center gap-8 bg-muted/40 px-4 py-12">
      <Link href="/console" aria-label={t("newMerchant.consoleLink")}>
        <Logo />
      </Link>
      <div className="w-full max-w-lg">
        <CreateMerchantForm />
      </div>
    </main>
  );
}
