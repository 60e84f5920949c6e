import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { PlatformAdmins } from "./platform-admins";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.admins.title") };
}

export const dynamic = "force-dynamic";

export default async function PlatformAdminsPage() {
  const user = await auth();
  if (user?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("pages.admins.title")} description={t("pages.admins.description")} />
      <PlatformAdmins currentUserId={user.id} />
    </div>
  );
}
