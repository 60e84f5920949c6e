import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";
import { merchantIdSchema } from "@/server/merchants/schemas";

import { AdminPayments } from "./payments";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.payments.title") };
}

export const dynamic = "force-dynamic";

export default async function AdminPaymentsPage(props: {
  searchParams: Promise<{ merchantId?: string }>;
}) {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const { merchantId } = await props.searchParams;
  const initial = merchantIdSchema.safeParse(merchantId);
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("pages.payments.title")} description={t("pages.payments.description")} />
      <AdminPayments initialMerchantId={initial.success ? initial.data : undefined} />
    </div>
  );
}
