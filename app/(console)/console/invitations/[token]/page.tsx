import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { AcceptInvitation } from "./accept-invitation";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("invitation.metaTitle") };
}

export default async function InvitationPage(props: { params: Promise<{ token: string }> }) {
  const { token } = await props.params;
  return (
    <main className="mx-auto grid min-h-screen max-w-md place-items-center p-6">
      <AcceptInvitation token={token} />
    </main>
  );
}
