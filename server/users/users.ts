import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import { hashPassword, verifyPassword } from "@/server/crypto/password";
import { createId } from "@/server/db/ids";
import { Prisma, type PlatformRole } from "@/server/db";

import type { SignInInput, SignUpInput } from "./schemas";

export type SessionUser = {
  id: string;
  email: string | null;
  name: string | null;
  walletAddress: string | null;
  role: PlatformRole;
  sessionVersion: number;
};

const sessionUserSelect = { id: true, email: true, name: true, walletAddress: true, role: true, sessionVersion: true } as const;

function toSessionUser(u: SessionUser): SessionUser {
  return { id: u.id, email: u.email, name: u.name, walletAddress: u.walletAddress, role: u.role, sessionVersion: u.sessionVersion };
}

/** Creates a user with an email and password; a taken email is a `conflict`. */
export async function signUpWithPassword(
  deps: Pick<Deps, "db">,
  input: SignUpInput & { role?: PlatformRole },
): Promise<SessionUser> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await deps.db.user.create({
      data: { id: createId("user"), email: input.email, name: input.name, passwordHash, role: input.role ?? "USER" },
      select: sessionUserSelect,
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new AppError("conflict", "An account with this email already exists", {
        details: { fieldErrors: { email: ["An account with this email already exists"] } },
      });
    }
    throw err;
  }
}

export type PasswordSignInOutcome =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "invalid_credentials" | "account_disabled" };

/** Checks an email + password; unknown email and wrong password give the same answer. */
export async function authenticateWithPassword(
  deps: Pick<Deps, "db">,
  input: SignInInput,
): Promise<PasswordSignInOutcome> {
  const user = await deps.db.user.findUnique({
    where: { email: input.email },
    select: { ...sessionUserSelect, status: true, passwordHash: true },
  });
  if (!user?.passwordHash) {
    // spend comparable time for unknown emails so response timing does not reveal accounts
    await verifyPassword(await getDummyHash(), input.password);
    return { ok: false, reason: "invalid_credentials" };
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) return { ok: false, reason: "invalid_credentials" };
  if (user.status !== "ACTIVE") return { ok: false, reason: "account_disabled" };
  return { ok: true, user: toSessionUser(user) };
}

let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword("not-a-real-password-used-for-timing");
  return dummyHash;
}

/** Finds or creates the user of a verified Ethereum address (Sign-In with Ethereum). */
export async function signInWithWallet(deps: Pick<Deps, "db">, address: string): Promise<PasswordSignInOutcome> {
  const walletAddress = address.toLowerCase();
  const existing = await deps.db.user.findUnique({
    where: { walletAddress },
    select: { ...sessionUserSelect, status: true },
  });
  if (existing) {
    if (existing.status !== "ACTIVE") return { ok: false, reason: "account_disabled" };
    return { ok: true, user: toSessionUser(existing) };
  }
  try {
    const user = await deps.db.user.create({
      data: { id: createId("user"), walletAddress, name: `${walletAddress.slice(0, 6)}…${walletAddress.slice(-4)}` },
      select: sessionUserSelect,
    });
    return { ok: true, user };
  } catch (err) {
    // two first sign-ins racing: the loser reads the winner's row
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return signInWithWallet(deps, address);
    throw err;
  }
}

/**
 * Loads the user behind a session token and checks it is still valid: a disabled account or a
 * token minted before the last password change (sessionVersion) is refused. JWT sessions cannot be
 * revoked otherwise, so this runs on every authenticated call.
 */
export async function findActiveSessionUser(
  deps: Pick<Deps, "db">,
  session: { userId: string; sessionVersion: number },
): Promise<SessionUser | null> {
  const user = await deps.db.user.findUnique({
    where: { id: session.userId },
    select: { ...sessionUserSelect, status: true },
  });
  if (!user || user.status !== "ACTIVE" || user.sessionVersion !== session.sessionVersion) return null;
  return toSessionUser(user);
}

/** Changes a password and revokes every existing session of the user. */
export async function changePassword(
  deps: Pick<Deps, "db">,
  opts: { userId: string; currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await deps.db.user.findUnique({ where: { id: opts.userId }, select: { passwordHash: true } });
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, opts.currentPassword))) {
    throw new AppError("invalid_request", "The current password is wrong", {
      details: { fieldErrors: { currentPassword: ["The current password is wrong"] } },
    });
  }
  await deps.db.user.update({
    where: { id: opts.userId },
    data: { passwordHash: await hashPassword(opts.newPassword), sessionVersion: { increment: 1 } },
  });
}
