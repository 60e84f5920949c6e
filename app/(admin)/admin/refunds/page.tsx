import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { AdminRefunds } from "./admin-refunds";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.refunds.title") };
}

export const dynamic = "force-dynamic";

export default async function AdminRefundsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("pages.refunds.title")} description={t("pages.refunds.description")} />
      <AdminRefunds />
    </div>
  );
}
