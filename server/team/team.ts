import { createHash, randomBytes } from "node:crypto";

import { z } from "zod";

import { revokeKeysOfMember } from "@/server/api-keys/api-keys";
import { scopesBeyondGrantor } from "@/server/api-keys/scopes";
import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import { AppError, fieldError } from "@/server/errors";
import { openWalletAddress } from "@/server/users/users";
import { vmsg } from "@/server/i18n/validation-keys";

// A merchant's team: members with roles, and invitations by link. The invitation token is shown
// once (as a link to send); only its hash is stored. Accepting needs a signed-in user whose email
// is the invited one.

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

export const inviteMemberInput = z.object({
  email: z.string().trim().toLowerCase().email(),
  role: z.enum(["ADMIN", "DEVELOPER"]),
});

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function listTeam(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: { merchantId: string },
) {
  const [rows, invitations] = await Promise.all([
    deps.db.membership.findMany({
      where: { merchantId: opts.merchantId },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        role: true,
        createdAt: true,
        user: {
          select: {
            id: true,
            email: true,
            name: true,
            walletAddressCiphertext: true,
            walletAddressKeyId: true,
          },
        },
      },
    }),
    deps.db.merchantInvitation.findMany({
      where: { merchantId: opts.merchantId, acceptedAt: null, expiresAt: { gt: deps.now() } },
      orderBy: { createdAt: "desc" },
      select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
    }),
  ]);
  const members = rows.map(
    ({ user: { walletAddressCiphertext, walletAddressKeyId, ...user }, ...m }) => ({
      ...m,
      user: {
        ...user,
        walletAddress: openWalletAddress({ walletAddressCiphertext, walletAddressKeyId }, deps.env),
      },
    }),
  );
  return { members, invitations };
}

export async function inviteMember(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: {
    merchantId: string;
    actor: AuditActor & { userId: string };
    input: z.infer<typeof inviteMemberInput>;
  },
): Promise<{ inviteUrl: string; invitationId: string }> {
  const existing = await deps.db.membership.findFirst({
    where: { merchantId: opts.merchantId, user: { email: opts.input.email } },
    select: { id: true },
  });
  if (existing) throw fieldError("email", vmsg("team.alreadyMember"), "conflict");
  const token = randomBytes(32).toString("base64url");
  const invitation = await deps.db.$transaction(async (tx) => {
    const created = await tx.merchantInvitation.create({
      data: {
        id: createId("invitation"),
        merchantId: opts.merchantId,
        email: opts.input.email,
        role: opts.input.role,
        tokenHash: hashToken(token),
        invitedById: opts.actor.userId,
        expiresAt: new Date(deps.now().getTime() + INVITATION_TTL_MS),
      },
      select: { id: true, email: true, role: true },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "team.invite",
      targetType: "invitation",
      targetId: created.id,
      after: created,
    });
    return created;
  });
  return {
    inviteUrl: `${deps.env.APP_URL}/console/invitations/${token}`,
    invitationId: invitation.id,
  };
}

export async function revokeInvitation(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string; invitationId: string; actor: AuditActor },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const deleted = await tx.merchantInvitation.deleteMany({
      where: { id: opts.invitationId, merchantId: opts.merchantId, acceptedAt: null },
    });
    if (deleted.count === 0) throw new AppError("not_found", "No such pending invitation");
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "team.invitation.revoke",
      targetType: "invitation",
      targetId: opts.invitationId,
    });
  });
}

export async function acceptInvitation(
  deps: Pick<Deps, "db" | "now">,
  opts: { token: string; user: { id: string; email: string | null }; actor: AuditActor },
): Promise<{ merchantId: string; role: string }> {
  const invitation = await deps.db.merchantInvitation.findUnique({
    where: { tokenHash: hashToken(opts.token) },
    select: {
      id: true,
      merchantId: true,
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
    },
  });
  if (!invitation || invitation.acceptedAt)
    throw new AppError("not_found", "This invitation does not exist or was already used");
  if (invitation.expiresAt <= deps.now())
    throw new AppError("not_found", "This invitation has expired; ask for a new one");
  if (!opts.user.email || opts.user.email.toLowerCase() !== invitation.email) {
    throw new AppError(
      "forbidden",
      `This invitation is for ${invitation.email}; sign in with that account`,
    );
  }
  try {
    await deps.db.$transaction(async (tx) => {
      const taken = await tx.merchantInvitation.updateMany({
        where: { id: invitation.id, acceptedAt: null },
        data: { acceptedAt: deps.now() },
      });
      if (taken.count === 0) throw new AppError("not_found", "This invitation was already used");
      await tx.membership.create({
        data: {
          id: createId("membership"),
          merchantId: invitation.merchantId,
          userId: opts.user.id,
          role: invitation.role,
        },
      });
      await recordAudit(tx, {
        actor: opts.actor,
        merchantId: invitation.merchantId,
        action: "team.join",
        targetType: "membership",
        targetId: opts.user.id,
        after: { role: invitation.role },
      });
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")
      throw new AppError("conflict", "You are already a member of this merchant");
    throw err;
  }
  return { merchantId: invitation.merchantId, role: invitation.role };
}

/** Changes a member's role; their keys with scopes the new role could not grant are revoked with it. */
export async function changeMemberRole(
  deps: Pick<Deps, "db" | "now">,
  opts: {
    merchantId: string;
    membershipId: string;
    role: "OWNER" | "ADMIN" | "DEVELOPER";
    actor: AuditActor;
  },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({
      where: { id: opts.membershipId, merchantId: opts.merchantId },
      select: { role: true, userId: true },
    });
    if (!member) throw new AppError("not_found", "No such member");
    if (
      member.role === "OWNER" &&
      opts.role !== "OWNER" &&
      (await tx.membership.count({ where: { merchantId: opts.merchantId, role: "OWNER" } })) === 1
    ) {
      throw new AppError("conflict", "A merchant needs at least one owner");
    }
    await tx.membership.update({ where: { id: opts.membershipId }, data: { role: opts.role } });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "team.role.change",
      targetType: "membership",
      targetId: opts.membershipId,
      before: { role: member.role },
      after: { role: opts.role },
    });
    await revokeKeysOfMember(tx, {
      merchantId: opts.merchantId,
      userId: member.userId,
      actor: opts.actor,
      at: deps.now(),
      keep: (scopes) => scopesBeyondGrantor({ kind: "role", role: opts.role }, scopes).length === 0,
      reason: `creator's role changed to ${opts.role}`,
    });
  });
}

/** Removes a member; every key they created for the merchant (and the keys those made) is revoked in the same transaction. */
export async function removeMember(
  deps: Pick<Deps, "db" | "now">,
  opts: { merchantId: string; membershipId: string; actor: AuditActor },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({
      where: { id: opts.membershipId, merchantId: opts.merchantId },
      select: { role: true, userId: true },
    });
    if (!member) throw new AppError("not_found", "No such member");
    if (
      member.role === "OWNER" &&
      (await tx.membership.count({ where: { merchantId: opts.merchantId, role: "OWNER" } })) === 1
    ) {
      throw new AppError("conflict", "A merchant needs at least one owner");
    }
    await tx.membership.delete({ where: { id: opts.membershipId } });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "team.remove",
      targetType: "membership",
      targetId: opts.membershipId,
      before: { role: member.role, userId: member.userId },
    });
    await revokeKeysOfMember(tx, {
      merchantId: opts.merchantId,
      userId: member.userId,
      actor: opts.actor,
      at: deps.now(),
      reason: "creator left the merchant",
    });
  });
}
