import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z, ZodError } from "zod";

import type { Deps } from "@/server/deps";
import { AppError, ERROR_STATUS, type ErrorCode } from "@/server/errors";
import type { SessionClaims } from "@/server/auth/config";
import {
  can,
  isFreshSignIn,
  PAYOUT_REAUTH_MESSAGE,
  type MerchantAction,
  type MerchantRoleName,
} from "@/server/auth/permissions";
import type { AuditActor } from "@/server/audit/record-audit";
import { scopesAllow, type KeyGrantor } from "@/server/api-keys/scopes";
import type { PayoutChangeAuthority } from "@/server/merchants/merchants";
import { Prisma } from "@/server/db";
import { findMembership, getMerchant } from "@/server/merchants/merchants";
import { merchantIdSchema } from "@/server/merchants/schemas";
import { findActiveSessionUser, type SessionUser } from "@/server/users/users";
import type { MerchantDto } from "@/server/merchants/schemas";
import type { Log } from "@/server/observability/logger";
import { issueMessage } from "@/server/i18n/validation-keys";

/** A merchant API key the public API authenticated (server/public-api): it acts as its merchant. */
export type ApiKeyPrincipal = { keyId: string; merchantId: string; scopes: string[] };

export type TRPCContext = {
  deps: Deps;
  session: SessionClaims | null;
  apiKey: ApiKeyPrincipal | null;
  requestId: string;
  ip: string | null;
  log: Log;
};

/** One factory for the HTTP handlers (console tRPC and the public REST API), the RSC caller and tests. */
export function createTRPCContext(opts: {
  deps: Deps;
  session: SessionClaims | null;
  apiKey?: ApiKeyPrincipal | null;
  requestId: string;
  ip?: string | null;
}): TRPCContext {
  return {
    deps: opts.deps,
    session: opts.session,
    apiKey: opts.apiKey ?? null,
    requestId: opts.requestId,
    ip: opts.ip ?? null,
    log: opts.deps.log.child({
      requestId: opts.requestId,
      userId: opts.session?.userId,
      apiKeyId: opts.apiKey?.keyId,
    }),
  };
}

const STATUS_TO_TRPC: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  402: "PAYMENT_REQUIRED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE",
};

/** Maps an AppError (or a Prisma error we understand) to a TRPCError; `cause` keeps the original. */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (err instanceof AppError) {
    return new TRPCError({
      code: STATUS_TO_TRPC[ERROR_STATUS[err.code]] ?? "INTERNAL_SERVER_ERROR",
      message: err.message,
      cause: err,
    });
  }
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === "P2025")
      return toTRPCError(new AppError("not_found", "Not found", { cause: err }));
    if (err.code === "P2002")
      return toTRPCError(new AppError("conflict", "Already exists", { cause: err }));
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: err });
}

function appCodeOf(error: TRPCError): ErrorCode {
  if (error.cause instanceof AppError) return error.cause.code;
  const byTrpc: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
    BAD_REQUEST: "invalid_request",
    PARSE_ERROR: "invalid_request",
    UNAUTHORIZED: "unauthorized",
    FORBIDDEN: "forbidden",
    NOT_FOUND: "not_found",
    CONFLICT: "conflict",
    TOO_MANY_REQUESTS: "rate_limited",
    PAYLOAD_TOO_LARGE: "payload_too_large",
  };
  return byTrpc[error.code] ?? "internal";
}

/** Field → validation messages (server/i18n/validation-keys.ts): the browser shows them in its language. */
function fieldErrorsOf(error: TRPCError): Record<string, string[] | undefined> | null {
  if (error.cause instanceof ZodError)
    return z.flattenError(error.cause, issueMessage).fieldErrors as Record<string, string[]>;
  if (error.cause instanceof AppError) {
    const details = error.cause.details as { fieldErrors?: Record<string, string[]> } | undefined;
    return details?.fieldErrors ?? null;
  }
  return null;
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<OpenApiMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error, ctx }) {
      const isInternal = error.code === "INTERNAL_SERVER_ERROR";
      return {
        ...shape,
        // unknown errors never reach the client with their internal message
        message: isInternal ? "Internal error" : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          appCode: appCodeOf(error),
          zodError: fieldErrorsOf(error),
          requestId: ctx?.requestId ?? null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Logs every call; converts AppError and Prisma errors in one place. */
const errorConversion = t.middleware(async ({ ctx, next, path, type }) => {
  const started = performance.now();
  const result = await next();
  if (!result.ok) {
    const converted = toTRPCError(result.error.cause ?? result.error);
    const trpcError = result.error.cause instanceof ZodError ? result.error : converted;
    const level = trpcError.code === "INTERNAL_SERVER_ERROR" ? "error" : "info";
    ctx.log[level](
      {
        path,
        type,
        code: trpcError.code,
        err: level === "error" ? (result.error.cause ?? result.error) : undefined,
        ms: Math.round(performance.now() - started),
      },
      "trpc error",
    );
    return { ...result, error: trpcError };
  }
  return result;
});

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(errorConversion);

/** A signed-in user whose account is active and whose session was not revoked. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  const user = await findActiveSessionUser(ctx.deps, ctx.session);
  if (!user)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended; sign in again" });
  const actor: AuditActor = {
    userId: user.id,
    role: user.role,
    ip: ctx.ip,
    requestId: ctx.requestId,
  };
  return next({ ctx: { ...ctx, user, actor } });
});

/** How the caller reached the merchant: as a member with a role, or as one of its API keys. */
export type MerchantAccess =
  | { kind: "member"; membershipId: string; role: MerchantRoleName }
  | { kind: "apiKey"; keyId: string; scopes: string[] };

/**
 * A member of the merchant named in the input, or one of that merchant's API keys. The membership
 * or the key's own merchant (not the client's claim) decides: a merchant the caller does not belong
 * to is NOT_FOUND, never revealing that it exists. A key needs a scope that grants reading.
 */
export const merchantProcedure = publicProcedure
  .input(z.object({ merchantId: merchantIdSchema }))
  .use(async ({ ctx, input, next }) => {
    const resolved = await resolveMerchantAccess(ctx, input.merchantId);
    return next({ ctx: { ...ctx, ...resolved } });
  });

async function resolveMerchantAccess(
  ctx: TRPCContext,
  merchantId: string,
): Promise<{
  user: SessionUser | null;
  merchant: MerchantDto;
  access: MerchantAccess;
  actor: AuditActor;
}> {
  if (ctx.apiKey) {
    if (ctx.apiKey.merchantId !== merchantId)
      throw new TRPCError({ code: "NOT_FOUND", message: "Merchant not found" });
    if (!scopesAllow(ctx.apiKey.scopes, "merchant.read"))
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "This API key has no scope that allows reading (read, write or keys:manage)",
      });
    return {
      user: null,
      merchant: await getMerchant(ctx.deps, { merchantId: ctx.apiKey.merchantId }),
      access: { kind: "apiKey", keyId: ctx.apiKey.keyId, scopes: ctx.apiKey.scopes },
      actor: { apiKeyId: ctx.apiKey.keyId, role: "API_KEY", ip: ctx.ip, requestId: ctx.requestId },
    };
  }
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  const user = await findActiveSessionUser(ctx.deps, ctx.session);
  if (!user)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended; sign in again" });
  const membership = await findMembership(ctx.deps, { userId: user.id, merchantId });
  if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "Merchant not found" });
  return {
    user,
    merchant: membership.merchant,
    access: { kind: "member", membershipId: membership.id, role: membership.role },
    actor: { userId: user.id, role: membership.role, ip: ctx.ip, requestId: ctx.requestId },
  };
}

/** A merchant member whose role (or an API key whose scopes) allows `action`; others get FORBIDDEN. */
export function merchantProcedureWith(action: MerchantAction) {
  return merchantProcedure.use(({ ctx, next }) => {
    if (ctx.access.kind === "apiKey" && !scopesAllow(ctx.access.scopes, action)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This API key's scopes (${ctx.access.scopes.join(", ")}) do not allow ${action}`,
      });
    }
    if (ctx.access.kind === "member" && !can(ctx.access.role, action)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Your role (${ctx.access.role}) cannot do ${action}`,
      });
    }
    return next();
  });
}

/** Who hands out a key's scopes when this caller creates one (server/api-keys/scopes.ts). */
export function keyGrantorOf(access: MerchantAccess): KeyGrantor {
  return access.kind === "member"
    ? { kind: "role", role: access.role }
    : { kind: "scopes", scopes: access.scopes };
}

/**
 * Whether this caller may point the merchant's payouts elsewhere: an OWNER who signed in within
 * PAYOUT_REAUTH_MS. Never an API key, whatever its scopes: a key is a long-lived bearer secret
 * that sits in CI systems and config files, cannot prove a person is present, and a leaked one must
 * not be able to redirect the merchant's money (owners change the address in the console).
 */
export function payoutChangeAuthority(ctx: {
  access: MerchantAccess;
  session: SessionClaims | null;
  deps: Pick<Deps, "now">;
}): PayoutChangeAuthority {
  if (ctx.access.kind === "apiKey")
    return {
      allowed: false,
      reason: "api_key",
      message: "API keys cannot change the payout address: an owner changes it in the console",
    };
  if (!can(ctx.access.role, "payout.update"))
    return {
      allowed: false,
      reason: "role",
      message: `Only an owner can change the payout address (your role: ${ctx.access.role})`,
    };
  if (!isFreshSignIn(ctx.session?.signedInAt ?? null, ctx.deps.now())) {
    return { allowed: false, reason: "reauth_required", message: PAYOUT_REAUTH_MESSAGE };
  }
  return { allowed: true };
}

/** A platform administrator. No session is UNAUTHORIZED; another role is FORBIDDEN. */
export const platformAdminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "PLATFORM_ADMIN")
    throw new TRPCError({ code: "FORBIDDEN", message: "Platform administrators only" });
  return next({ ctx: { ...ctx, actor: { ...ctx.actor, role: "PLATFORM_ADMIN" } } });
});
