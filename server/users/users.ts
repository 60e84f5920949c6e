import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import { hashPassword, verifyPassword } from "@/server/crypto/password";
import {
  addressLookupHashes,
  openSecret,
  sealAddress,
  type EncryptionKeys,
} from "@/server/crypto/secrets";
import { createId } from "@/server/db/ids";
import { Prisma, type PlatformRole } from "@/server/db";

import type { SignInInput, SignUpInput } from "./schemas";
import { vmsg } from "@/server/i18n/validation-keys";

export type SessionUser = {
  id: string;
  email: string | null;
  name: string | null;
  walletAddress: string | null;
  role: PlatformRole;
  sessionVersion: number;
};

const sessionUserSelect = {
  id: true,
  email: true,
  name: true,
  walletAddressCiphertext: true,
  walletAddressKeyId: true,
  role: true,
  sessionVersion: true,
} as const;

type SessionUserRow = Omit<SessionUser, "walletAddress"> & {
  walletAddressCiphertext: string | null;
  walletAddressKeyId: string | null;
};

/** A user's wallet address, opened from its sealed column (null for accounts without a wallet). */
export function openWalletAddress(
  row: { walletAddressCiphertext: string | null; walletAddressKeyId: string | null },
  keys: EncryptionKeys,
): string | null {
  if (row.walletAddressCiphertext === null || row.walletAddressKeyId === null) return null;
  return openSecret(
    { ciphertext: row.walletAddressCiphertext, keyId: row.walletAddressKeyId },
    keys,
  );
}

function toSessionUser(u: SessionUserRow, keys: EncryptionKeys): SessionUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    walletAddress: openWalletAddress(u, keys),
    role: u.role,
    sessionVersion: u.sessionVersion,
  };
}

/** Creates a user with an email and password; a taken email is a `conflict`. */
export async function signUpWithPassword(
  deps: Pick<Deps, "db">,
  input: SignUpInput & { role?: PlatformRole },
): Promise<SessionUser> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await deps.db.user.create({
      data: {
        id: createId("user"),
        email: input.email,
        name: input.name,
        passwordHash,
        role: input.role ?? "USER",
      },
      select: { id: true, email: true, name: true, role: true, sessionVersion: true },
    });
    return { ...user, walletAddress: null };
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new AppError("conflict", "An account with this email already exists", {
        details: { fieldErrors: { email: [vmsg("users.emailTaken")] } },
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
  deps: Pick<Deps, "db" | "env">,
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
  if (!(await verifyPassword(user.passwordHash, input.password)))
    return { ok: false, reason: "invalid_credentials" };
  if (user.status !== "ACTIVE") return { ok: false, reason: "account_disabled" };
  return { ok: true, user: toSessionUser(user, deps.env) };
}

let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword("not-a-real-password-used-for-timing");
  return dummyHash;
}

/**
 * Finds or creates the user of a verified Ethereum address (Sign-In with Ethereum). The address is
 * sealed at rest; the lookup goes through its keyed hash under every key of the ring, so users
 * keep signing in while a key rotation is under way. The unique hash column keeps one user per
 * wallet for values hashed under the same key (keys:rotate brings every row to the current one).
 */
export async function signInWithWallet(
  deps: Pick<Deps, "db" | "env">,
  address: string,
): Promise<PasswordSignInOutcome> {
  const walletAddress = address.toLowerCase();
  const existing = await deps.db.user.findFirst({
    where: { walletAddressHash: { in: addressLookupHashes(walletAddress, deps.env) } },
    select: { ...sessionUserSelect, status: true },
  });
  if (existing) {
    if (existing.status !== "ACTIVE") return { ok: false, reason: "account_disabled" };
    return { ok: true, user: toSessionUser(existing, deps.env) };
  }
  try {
    const sealed = sealAddress(walletAddress, deps.env);
    const user = await deps.db.user.create({
      data: {
        id: createId("user"),
        walletAddressCiphertext: sealed.ciphertext,
        walletAddressKeyId: sealed.keyId,
        walletAddressHash: sealed.hash,
        name: `${walletAddress.slice(0, 6)}…${walletAddress.slice(-4)}`,
      },
      select: sessionUserSelect,
    });
    return { ok: true, user: toSessionUser(user, deps.env) };
  } catch (err) {
    // two first sign-ins racing: the loser reads the winner's row
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")
      return signInWithWallet(deps, address);
    throw err;
  }
}

/**
 * Loads the user behind a session token and checks it is still valid: a disabled account or a
 * token minted before the last password change (sessionVersion) is refused. JWT sessions cannot be
 * revoked otherwise, so this runs on every authenticated call.
 */
export async function findActiveSessionUser(
  deps: Pick<Deps, "db" | "env">,
  session: { userId: string; sessionVersion: number },
): Promise<SessionUser | null> {
  const user = await deps.db.user.findUnique({
    where: { id: session.userId },
    select: { ...sessionUserSelect, status: true },
  });
  if (!user || user.status !== "ACTIVE" || user.sessionVersion !== session.sessionVersion)
    return null;
  return toSessionUser(user, deps.env);
}

/** Changes a password and revokes every existing session of the user. */
export async function changePassword(
  deps: Pick<Deps, "db">,
  opts: { userId: string; currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await deps.db.user.findUnique({
    where: { id: opts.userId },
    select: { passwordHash: true },
  });
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, opts.currentPassword))) {
    throw new AppError("invalid_request", "The current password is wrong", {
      details: { fieldErrors: { currentPassword: [vmsg("users.wrongPassword")] } },
    });
  }
  await deps.db.user.update({
    where: { id: opts.userId },
    data: { passwordHash: await hashPassword(opts.newPassword), sessionVersion: { increment: 1 } },
  });
}
