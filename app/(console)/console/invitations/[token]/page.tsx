import type { Metadata } from "next";

import { AcceptInvitation } from "./accept-invitation";

export const metadata: Metadata = { title: "Join a merchant" };

export default async function InvitationPage(props: { params: Promise<{ token: string }> }) {
  const { token } = await props.params;
  return (
    <main className="mx-auto grid min-h-screen max-w-md place-items-center p-6">
      <AcceptInvitation token={token} />
    </main>
  );
}
