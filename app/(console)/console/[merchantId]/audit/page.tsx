import { ShieldAlert } from "lucide-react";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { MerchantAuditLog } from "@/app/_components/audit-log";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { api } from "@/app/_lib/trpc/server";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("audit.title") };
}

export default async function MerchantAuditPage(props: {
  params: Promise<{ merchantId: string }>;
}) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  // the layout already proved membership; the procedure itself refuses non-owners as well
  const merchant = await api.merchants.get({ merchantId });
  return (
    <div className="grid gap-6">
      <PageHeader title={t("audit.title")} description={t("audit.description")} />
      {merchant.role === "OWNER" ? (
        <MerchantAuditLog merchantId={merchantId} />
      ) : (
        <EmptyState
          icon={ShieldAlert}
          title={t("audit.ownersOnlyTitle")}
          description={t("audit.ownersOnlyDescription")}
        />
      )}
    </div>
  );
}
