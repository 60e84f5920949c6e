import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { FeeTemplates } from "./fee-templates";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.feeTemplates.title") };
}

export const dynamic = "force-dynamic";

export default async function FeeTemplatesPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader
        title={t("pages.feeTemplates.title")}
        description={t("pages.feeTemplates.description")}
      />
      <FeeTemplates />
    </div>
  );
}
