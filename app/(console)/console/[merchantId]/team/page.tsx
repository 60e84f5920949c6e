import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { Team } from "./team";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("team.title") };
}

export default async function TeamPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("team.title")} description={t("team.description")} />
      <Team merchantId={merchantId} />
    </div>
  );
}
