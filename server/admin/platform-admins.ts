import type { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { hashPassword } from "@/server/crypto/password";
import { Prisma, type Db } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import { emailSchema } from "@/server/users/schemas";

import { bootstrapPlatformAdminInput } from "./schemas";

export {
  bootstrapPlatformAdminInput,
  grantPlatformAdminInput,
  revokePlatformAdminInput,
} from "./schemas";
import { fieldMessages, vmsg } from "@/server/i18n/validation-keys";
import { validationTextIn } from "@/server/i18n/validation-text";

// Platform administrators: the first one comes from `npm run admin:create` (server/cli/admin-create.ts),
// later ones are granted by an admin from the console. A grant names a user who already signed up
// (with their own password, under the sign-up rules): nothing here mints or shows a password, so no
// credential ever passes through another person's screen or the audit log.
//
// Invariant: at least one ACTIVE platform admin exists once one does. Every change that removes an
// admin takes one transaction-scoped advisory lock before counting, so two admins demoting each
// other at once cannot both see "one other admin left" (READ COMMITTED would let both counts pass).

export type PlatformAdminRow = {
  id: string;
  email: string | null;
  name: string | null;
  createdAt: Date;
  updatedAt: Date;
};

const ADMIN_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('x402_platform_admins'))`;

async function lockPlatformAdmins(tx: Db): Promise<void> {
  await tx.$executeRawUnsafe(ADMIN_LOCK_SQL);
}

/** The platform's active administrators, oldest first. */
export async function listPlatformAdmins(deps: Pick<Deps, "db">): Promise<PlatformAdminRow[]> {
  return deps.db.user.findMany({
    where: { role: "PLATFORM_ADMIN", status: "ACTIVE" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, email: true, name: true, createdAt: true, updatedAt: true },
  });
}

/** Makes an existing, active user (found by email) a platform admin; audited in the same transaction. */
export async function grantPlatformAdmin(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; email: string },
): Promise<PlatformAdminRow> {
  const email = emailSchema.parse(opts.email);
  return deps.db.$transaction(async (tx) => {
    await lockPlatformAdmins(tx);
    const user = await tx.user.findUnique({
      where: { email },
      select: { id: true, role: true, status: true },
    });
    if (!user) {
      throw new AppError("not_found", "No account has this email: ask them to sign up first", {
        details: {
          fieldErrors: { email: [vmsg("admin.noAccountForEmail")] },
        },
      });
    }
    if (user.status !== "ACTIVE")
      throw new AppError("conflict", "This account is disabled", {
        details: { fieldErrors: { email: [vmsg("admin.accountDisabled")] } },
      });
    if (user.role === "PLATFORM_ADMIN")
      throw new AppError("conflict", "Already a platform admin", {
        details: { fieldErrors: { email: [vmsg("admin.alreadyAdmin")] } },
      });
    const updated = await tx.user.update({
      where: { id: user.id },
      data: { role: "PLATFORM_ADMIN" },
      select: { id: true, email: true, name: true, createdAt: true, updatedAt: true },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      action: "platform_admin.grant",
      targetType: "user",
      targetId: user.id,
      before: { role: user.role },
      after: { role: "PLATFORM_ADMIN" },
    });
    return updated;
  });
}

/**
 * Takes the admin role away (and, with `disableAccount`, the account's sign-in too). Refused with
 * `conflict` when it would leave no active admin. The user's sessions end (sessionVersion bump), so
 * a token minted while they were an admin is not used again.
 */
export async function revokePlatformAdmin(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; userId: string; disableAccount?: boolean },
): Promise<{ id: string; role: "USER"; status: "ACTIVE" | "DISABLED" }> {
  const disable = opts.disableAccount ?? false;
  return deps.db.$transaction(async (tx) => {
    await lockPlatformAdmins(tx);
    const user = await tx.user.findUnique({
      where: { id: opts.userId },
      select: { id: true, role: true, status: true },
    });
    if (!user || user.role !== "PLATFORM_ADMIN")
      throw new AppError("not_found", "No such platform admin");
    const others = await tx.user.count({
      where: { role: "PLATFORM_ADMIN", status: "ACTIVE", NOT: { id: user.id } },
    });
    if (others === 0)
      throw new AppError("conflict", "This is the last platform admin: grant another one first");
    const status = disable ? "DISABLED" : user.status;
    await tx.user.update({
      where: { id: user.id },
      data: { role: "USER", status, sessionVersion: { increment: 1 } },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      action: disable ? "platform_admin.remove" : "platform_admin.revoke",
      targetType: "user",
      targetId: user.id,
      before: { role: user.role, status: user.status },
      after: { role: "USER", status },
    });
    return { id: user.id, role: "USER", status };
  });
}

export type BootstrapOutcome = {
  userId: string;
  email: string;
  outcome: "created" | "promoted" | "unchanged";
};

/** Whether an account has this email (the CLI asks for a password only when one must be created). */
export async function findUserIdByEmail(
  deps: Pick<Deps, "db">,
  email: string,
): Promise<string | null> {
  const user = await deps.db.user.findUnique({
    where: { email: emailSchema.parse(email) },
    select: { id: true },
  });
  return user?.id ?? null;
}

/**
 * `npm run admin:create`: creates a platform admin with a password, or promotes the existing user
 * with that email (whose password stays as it is). Idempotent: an existing admin is left unchanged.
 * Audited as the SYSTEM actor the caller passes.
 */
export async function bootstrapPlatformAdmin(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; input: z.input<typeof bootstrapPlatformAdminInput> },
): Promise<BootstrapOutcome> {
  const parsed = bootstrapPlatformAdminInput.safeParse(opts.input);
  if (!parsed.success) {
    // the CLI prints this message: the first field's, in English
    const fieldErrors = fieldMessages(parsed.error);
    const first = Object.values(fieldErrors)[0]?.[0];
    throw new AppError("invalid_request", first ? validationTextIn("en", first) : "Invalid input", {
      details: { fieldErrors },
    });
  }
  const input = parsed.data;
  const existing = await deps.db.user.findUnique({
    where: { email: input.email },
    select: { id: true, role: true, status: true },
  });
  if (existing) {
    if (existing.role === "PLATFORM_ADMIN" && existing.status === "ACTIVE")
      return { userId: existing.id, email: input.email, outcome: "unchanged" };
    await deps.db.$transaction(async (tx) => {
      await lockPlatformAdmins(tx);
      // re-enabling is part of the promotion: an operator recovering a disabled admin account runs this
      await tx.user.update({
        where: { id: existing.id },
        data: { role: "PLATFORM_ADMIN", status: "ACTIVE", sessionVersion: { increment: 1 } },
      });
      await recordAudit(tx, {
        actor: opts.actor,
        action: "platform_admin.grant",
        targetType: "user",
        targetId: existing.id,
        before: { role: existing.role, status: existing.status },
        after: { role: "PLATFORM_ADMIN", status: "ACTIVE" },
      });
    });
    return { userId: existing.id, email: input.email, outcome: "promoted" };
  }
  if (!input.password) {
    throw new AppError(
      "invalid_request",
      "No account has this email: a password is needed to create it",
      {
        details: { fieldErrors: { password: [vmsg("admin.passwordToCreate")] } },
      },
    );
  }
  const passwordHash = await hashPassword(input.password);
  try {
    const userId = await deps.db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: {
          id: createId("user"),
          email: input.email,
          name: input.name,
          passwordHash,
          role: "PLATFORM_ADMIN",
        },
        select: { id: true },
      });
      await recordAudit(tx, {
        actor: opts.actor,
        action: "platform_admin.create",
        targetType: "user",
        targetId: created.id,
        after: { email: input.email, role: "PLATFORM_ADMIN" },
      });
      return created.id;
    });
    return { userId, email: input.email, outcome: "created" };
  } catch (err) {
    // someone signed up with this email between the lookup and the insert: promote that account instead
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")
      return bootstrapPlatformAdmin(deps, {
        actor: opts.actor,
        input: { email: input.email, name: input.name },
      });
    throw err;
  }
}
