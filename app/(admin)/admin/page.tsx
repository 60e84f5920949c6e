import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { PlatformOverview } from "./_components/overview";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.overview.title") };
}

export const dynamic = "force-dynamic";

export default async function AdminOverviewPage() {
  // pages render alongside their layout: the layout shows the refusal, the page renders nothing
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("pages.overview.title")} description={t("pages.overview.description")} />
      <PlatformOverview />
    </div>
  );
}
