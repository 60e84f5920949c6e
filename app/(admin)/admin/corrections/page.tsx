import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { Corrections } from "./corrections";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.corrections.title") };
}

export const dynamic = "force-dynamic";

export default async function CorrectionsPage() {
  const user = await auth();
  if (user?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader
        title={t("pages.corrections.title")}
        description={t("pages.corrections.description")}
      />
      <Corrections currentUserId={user.id} />
    </div>
  );
}
