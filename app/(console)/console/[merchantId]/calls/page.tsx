import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { CallLog } from "./call-log";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("calls.title") };
}

export default async function CallsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader
        title={t("calls.title")}
        description={t("calls.description", { path: "GET /api/v1/merchants/{id}/calls" })}
      />
      <CallLog merchantId={merchantId} />
    </div>
  );
}
