import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { PlatformAdmins } from "./platform-admins";

export const metadata: Metadata = { title: "Platform admins" };
export const dynamic = "force-dynamic";

export default async function PlatformAdminsPage() {
  const user = await auth();
  if (user?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Platform admins"
        description="Who can open this console. Grant the role to someone who has signed up; demote or remove an admin. The last admin cannot be removed, and every change is in the audit log."
      />
      <PlatformAdmins currentUserId={user.id} />
    </div>
  );
}
