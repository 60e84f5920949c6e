import { z } from "zod";

// relative: next.config.ts loads this file outside the bundler, where the @/ alias does not resolve
import { isEncryptionKey, previousKeysOf } from "./crypto/key-format";
import { parseTrustedProxies } from "./http/forwarded";

// The only module that reads process.env (STYLE 2.10). Everything is optional with a default that
// makes `npm run dev` work on a fresh clone; production refuses the dev-only defaults.

const booleanString = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const PRIVATE_KEY_PATTERN = /^0x[0-9a-fA-F]{64}$/;

const DEV_AUTH_SECRET = "dev-only-insecure-auth-secret-change-me-0000000000";
const DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="; // 32 bytes, dev only

/** A comma-separated list of IPs, CIDR ranges, `loopback` or `private`, checked by the parser that reads it. */
const addressList = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    try {
      parseTrustedProxies(value);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
    }
  });

export const serverEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** postgresql://… for PostgreSQL; pglite:<dir> or unset for embedded PGlite under .data/ */
  DATABASE_URL: z.string().optional(),
  /** connections each instance's PostgreSQL pool may open (instances × this must stay under the server's max_connections) */
  DATABASE_POOL_MAX: z.coerce.number().int().positive().max(1000).default(10),
  /** where embedded data lives (PGlite, anvil state) */
  DATA_DIR: z.string().default(".data"),
  /** next-auth JWT secret */
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
  /** public origin of this deployment, used in 402 resource URLs and SIWE/SIWX domains */
  APP_URL: z
    .url("APP_URL must be an absolute URL like https://gateway.example.com")
    .default("http://localhost:3000"),
  /**
   * origin buyers call the gateway on (https://pay.example.com/<merchantId>/…); unset = APP_URL (the
   * embedded demo). Its own origin keeps merchant content away from the console's cookies and API.
   */
  GATEWAY_URL: z
    .url("GATEWAY_URL must be an absolute URL like https://pay.example.com")
    .refine(
      (v) => /^\/*$/.test(new URL(v).pathname) && !new URL(v).search,
      "GATEWAY_URL is an origin only (no path or query): merchants live at /<merchantId>/ under it",
    )
    .optional(),
  /** JSON list of networks and assets, see server/networks/config.ts; unset = the local anvil chain */
  NETWORKS_JSON: z.string().optional(),
  /** chain id of the local dev chain (anvil); 84532 makes it stand in for Base Sepolia */
  LOCAL_CHAIN_ID: z.coerce.number().int().positive().default(31337),
  /** RPC URL of the local dev chain (anvil); set by `npm run dev` */
  LOCAL_CHAIN_RPC_URL: z.url().optional(),
  /** the EIP-3009 test token deployed on the local chain; set by `npm run dev` */
  LOCAL_TOKEN_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address")
    .optional(),
  /** a plain ERC-20 on the local chain, paid with the exact scheme through Permit2; set by `npm run dev` */
  LOCAL_PERMIT2_TOKEN_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address")
    .optional(),
  /** private key that sends settlement transactions (self-hosted facilitator) */
  FACILITATOR_PRIVATE_KEY: z
    .string()
    .regex(PRIVATE_KEY_PATTERN, "must be a 0x-prefixed 32-byte hex key")
    .optional(),
  /** more settlement accounts, comma-separated keys: settlements are spread over these and FACILITATOR_PRIVATE_KEY */
  FACILITATOR_PRIVATE_KEYS: z
    .string()
    .optional()
    .refine(
      (list) => list === undefined || splitList(list).every((k) => PRIVATE_KEY_PATTERN.test(k)),
      "each comma-separated key must be a 0x-prefixed 32-byte hex key",
    ),
  /** where payments for merchants in PLATFORM settlement mode go (the platform's treasury wallet) */
  PLATFORM_PAYOUT_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address")
    .optional(),
  /** the treasury's private key: sends settlement-run payouts and PLATFORM-mode refunds (its address is PLATFORM_PAYOUT_ADDRESS) */
  TREASURY_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex key")
    .optional(),
  /** hosted facilitator base URL (e.g. https://x402.org/facilitator) */
  HOSTED_FACILITATOR_URL: z.url().optional(),
  /** bearer token sent to HOSTED_FACILITATOR_URL (another deployment's facilitator API); CDP keys take precedence */
  HOSTED_FACILITATOR_TOKEN: z.string().optional(),
  /** serve the facilitator API (/api/facilitator/*) to other x402 servers; default on except in production */
  FACILITATOR_API_ENABLED: booleanString.optional(),
  /** comma-separated bearer tokens that may call the facilitator API (24+ characters each) */
  FACILITATOR_API_TOKENS: z
    .string()
    .optional()
    .refine(
      (list) => list === undefined || splitList(list).every((t) => t.length >= 24),
      "each comma-separated token must be at least 24 characters",
    ),
  /** client IPs / CIDR ranges (or `loopback`, `private`) that may call the facilitator API without a token */
  FACILITATOR_API_ALLOWED_IPS: addressList,
  /** facilitator API calls per minute per token (or per client IP) */
  FACILITATOR_API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(300),
  CDP_API_KEY_ID: z.string().optional(),
  CDP_API_KEY_SECRET: z.string().optional(),
  /** base64 32-byte key for AES-256-GCM secrets at rest: seals every new value */
  ENCRYPTION_KEY: z
    .string()
    .refine(isEncryptionKey, "must be base64 of exactly 32 bytes (openssl rand -base64 32)")
    .optional(),
  /** comma-separated earlier ENCRYPTION_KEYs that still open values sealed before a rotation (npm run keys:rotate) */
  ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .refine(
      (list) => previousKeysOf(list).every(isEncryptionKey),
      "each comma-separated key must be base64 of exactly 32 bytes",
    )
    .optional(),
  /** allow upstream URLs on loopback/private addresses (dev and tests only) */
  ALLOW_PRIVATE_UPSTREAMS: booleanString.optional(),
  /** new merchants start ACTIVE instead of PENDING_REVIEW (platform setting default) */
  AUTO_APPROVE_MERCHANTS: booleanString.optional(),
  /** shared rate limits and cache invalidation across instances */
  REDIS_URL: z.string().optional(),
  /** prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]*$/, "letters, digits and : . _ - only")
    .default("x4g:"),
  /** which routes this instance serves: everything, only the gateway (/<merchantId>/…, facilitator) or only the consoles and APIs */
  INSTANCE_ROLE: z.enum(["all", "gateway", "console"]).default("all"),
  /** who runs the background jobs: this process's scheduler ("in-process"), only GET /api/cron/jobs ("cron"), or nobody here ("off") */
  BACKGROUND_JOBS: z.enum(["in-process", "cron", "off"]).optional(),
  /** bearer token the cron caller (Vercel Cron) presents to /api/cron/jobs; unset = the route refuses every call */
  CRON_SECRET: z.string().min(16, "CRON_SECRET must be at least 16 characters").optional(),
  /** requests per minute each API key may make to the public REST API (/api/v1) */
  PUBLIC_API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** largest JSON body the public REST API accepts, in bytes */
  PUBLIC_API_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** bearer token Prometheus presents to /api/metrics; unset = the endpoint refuses every scrape */
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
  /** false turns metrics recording off (read once at startup; the benchmark's "off" run) */
  METRICS_ENABLED: booleanString.optional(),
  /** comma-separated merchant ids that always get their own metrics label (others: top-N by traffic) */
  METRICS_MERCHANTS: z.string().optional(),
  /** permit the embedded PGlite under NODE_ENV=production (local demos and the e2e suite only) */
  ALLOW_EMBEDDED_DATABASE: booleanString.optional(),
  /** reverse proxies whose X-Forwarded-For/-Proto/-Host the self-hosted server believes: IPs, CIDR ranges, `loopback`, `private` (comma-separated); unset = none */
  TRUSTED_PROXIES: addressList,
  /** sign-in attempts per account (email or wallet) per 15 minutes; a successful sign-in refills it */
  SIGN_IN_MAX_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
  /** sign-in attempts per client IP per 15 minutes, successful ones included */
  SIGN_IN_MAX_PER_IP: z.coerce.number().int().positive().default(50),
  /** account sign-ups per client IP per hour (each also counts once per email) */
  SIGN_UP_MAX_PER_IP: z.coerce.number().int().positive().default(10),
});

export type ServerEnv = z.infer<typeof serverEnvSchema> & {
  FACILITATOR_API_ENABLED: boolean;
  AUTH_SECRET: string;
  ENCRYPTION_KEY: string;
  ALLOW_PRIVATE_UPSTREAMS: boolean;
  AUTO_APPROVE_MERCHANTS: boolean;
  METRICS_ENABLED: boolean;
  BACKGROUND_JOBS: "in-process" | "cron" | "off";
  /** where printed and signed gateway URLs point: GATEWAY_URL, else APP_URL; no trailing slash */
  GATEWAY_URL: string;
};

export class EnvError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      "Invalid environment configuration:\n" +
        issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n") +
        "\nSee .env.example for every variable and its meaning.",
    );
    this.name = "EnvError";
  }
}

/**
 * Parses an environment record; pure so tests can feed it any record. `phase: "build"` checks
 * formats only: a build machine does not hold production secrets.
 */
export function parseServerEnv(
  source: Record<string, string | undefined>,
  opts: { phase: "build" | "runtime" } = { phase: "runtime" },
): ServerEnv {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = serverEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new EnvError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "(root)"),
        message: issue.message,
      })),
    );
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === "production";
  const enforceProduction = isProduction && opts.phase === "runtime";
  const missing: { variable: string; message: string }[] = [];
  if (enforceProduction && !env.AUTH_SECRET)
    missing.push({ variable: "AUTH_SECRET", message: "required in production" });
  if (enforceProduction && !env.ENCRYPTION_KEY)
    missing.push({ variable: "ENCRYPTION_KEY", message: "required in production" });
  if (
    enforceProduction &&
    !env.ALLOW_EMBEDDED_DATABASE &&
    !env.DATABASE_URL?.startsWith("postgres")
  ) {
    missing.push({
      variable: "DATABASE_URL",
      message:
        "production requires a PostgreSQL URL (postgresql://user:password@host:5432/database): the embedded PGlite " +
        "is not durable on serverless filesystems and cannot be shared by several instances",
    });
  }
  // a serverless platform freezes idle functions between requests: its cron calls the jobs route instead
  const backgroundJobs = env.BACKGROUND_JOBS ?? (source.VERCEL ? "cron" : "in-process");
  if (enforceProduction && backgroundJobs === "cron" && !env.CRON_SECRET) {
    missing.push({
      variable: "CRON_SECRET",
      message:
        "required when background jobs are driven by the cron route (BACKGROUND_JOBS=cron, the default on Vercel)",
    });
  }
  // 402 resource URLs, sign-in domains and auth callbacks are built from APP_URL: the development
  // default (http://localhost:3000) would hand payers a wrong origin, and a plain-http public
  // origin would send sessions and payment headers in clear. Loopback stays allowed for local
  // production runs (the e2e suite, a demo behind `docker compose` on this machine).
  if (enforceProduction && cleaned.APP_URL === undefined) {
    missing.push({
      variable: "APP_URL",
      message: "required in production: the public https origin, e.g. https://gateway.example.com",
    });
  } else if (enforceProduction && !isSecureOrLoopbackOrigin(env.APP_URL)) {
    missing.push({
      variable: "APP_URL",
      message: "must be https in production (plain http only on localhost / 127.0.0.1 / [::1])",
    });
  }
  // settling spends the facilitator key's gas: a production API needs callers it can tell apart
  if (
    enforceProduction &&
    env.FACILITATOR_API_ENABLED &&
    !env.FACILITATOR_API_TOKENS &&
    !env.FACILITATOR_API_ALLOWED_IPS
  ) {
    missing.push({
      variable: "FACILITATOR_API_TOKENS",
      message:
        "required with FACILITATOR_API_ENABLED=true in production (or FACILITATOR_API_ALLOWED_IPS)",
    });
  }
  if (
    enforceProduction &&
    env.GATEWAY_URL !== undefined &&
    !isSecureOrLoopbackOrigin(env.GATEWAY_URL)
  ) {
    missing.push({
      variable: "GATEWAY_URL",
      message: "must be https in production (plain http only on localhost / 127.0.0.1 / [::1])",
    });
  }
  if (missing.length > 0) throw new EnvError(missing);
  return {
    ...env,
    AUTH_SECRET: env.AUTH_SECRET ?? DEV_AUTH_SECRET,
    ENCRYPTION_KEY: env.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY,
    ALLOW_PRIVATE_UPSTREAMS: env.ALLOW_PRIVATE_UPSTREAMS ?? !isProduction,
    AUTO_APPROVE_MERCHANTS: env.AUTO_APPROVE_MERCHANTS ?? !isProduction,
    METRICS_ENABLED: env.METRICS_ENABLED ?? true,
    FACILITATOR_API_ENABLED: env.FACILITATOR_API_ENABLED ?? !isProduction,
    BACKGROUND_JOBS: backgroundJobs,
    GATEWAY_URL: (env.GATEWAY_URL ?? env.APP_URL).replace(/\/+$/, ""),
  };
}

/**
 * The keys of every facilitator account that sends settlements: FACILITATOR_PRIVATE_KEY, then
 * FACILITATOR_PRIVATE_KEYS, each once. Empty: the self-hosted facilitator is not configured.
 */
export function facilitatorPrivateKeys(
  env: Pick<ServerEnv, "FACILITATOR_PRIVATE_KEY" | "FACILITATOR_PRIVATE_KEYS">,
): `0x${string}`[] {
  const all = [
    env.FACILITATOR_PRIVATE_KEY,
    ...splitList(env.FACILITATOR_PRIVATE_KEYS ?? ""),
  ].filter((k): k is string => Boolean(k));
  const seen = new Set<string>();
  return all.filter(
    (k) => !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase()),
  ) as `0x${string}`[];
}

/** A comma-separated list, trimmed, without empty entries. */
export function splitList(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function isSecureOrLoopbackOrigin(appUrl: string): boolean {
  const url = new URL(appUrl);
  return url.protocol === "https:" || LOOPBACK_HOSTS.has(url.hostname);
}

let cached: ServerEnv | undefined;

/** The validated server environment, parsed on first use (never at import time). */
export function getEnv(): ServerEnv {
  if (!cached) {
    cached = parseServerEnv(process.env);
    // next-auth v4 reads its base URL from NEXTAUTH_URL; derive it from our one APP_URL
    process.env.NEXTAUTH_URL ??= cached.APP_URL;
  }
  return cached;
}

/** Test helper: forget the cached env after a test changed process.env. */
export function resetEnvForTests(): void {
  cached = undefined;
}
