import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import {
  Prisma,
  type Db,
  type HttpMethod,
  type PricingRule,
  type PricingRuleOption,
} from "@/server/db";
import { createId } from "@/server/db/ids";
import { fromAtomic, toAtomic } from "@/server/db/money";
import type { Deps } from "@/server/deps";
import { AppError, fieldError } from "@/server/errors";
import {
  fieldMessages,
  parseValidationMessage,
  vmsg,
  type ValidationKey,
} from "@/server/i18n/validation-keys";
import { validationTextIn } from "@/server/i18n/validation-text";
import {
  getNetworkRegistry,
  type AssetConfig,
  type NetworkRegistry,
} from "@/server/networks/config";
import { bazaarDeclaration, checkDeclaration } from "@/server/x402/discovery";

import { canonicalizePath, decodedView } from "./canonical-path";
import { compilePathPattern, matchesPath, type CompiledPattern } from "./path-pattern";
import { formatAtomic, parseDecimalToAtomic } from "./price";
import { checkUpstreamPathTemplate } from "./upstream-path";
import {
  pricingRuleInput,
  REQUEST_METHODS,
  type ParsedPricingRuleInput,
  type PricingRuleDto,
  type PricingRuleInput,
} from "./schemas";

type RequestMethod = (typeof REQUEST_METHODS)[number];

type RuleDeps = Pick<Deps, "db" | "env">;

/** A further payment option as the gateway reads it (the rule's own network + asset + price come first). */
export type RuleOption = Pick<PricingRuleOption, "network" | "asset" | "priceAtomic">;
/** A rule with its further payment options, in the order its 402s list them. */
export type RuleWithOptions = PricingRule & { paymentOptions: RuleOption[] };

/** How a rule is read with its options (every read the gateway, discovery or the console makes). */
export const WITH_PAYMENT_OPTIONS = {
  paymentOptions: {
    orderBy: { position: "asc" },
    select: { network: true, asset: true, priceAtomic: true },
  },
} as const satisfies Prisma.PricingRuleInclude;

function parseInput(raw: PricingRuleInput): ParsedPricingRuleInput {
  const parsed = pricingRuleInput.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = fieldMessages(parsed.error);
    const first = Object.values(fieldErrors)[0]?.[0];
    throw new AppError(
      "invalid_request",
      first ? validationTextIn("en", first) : "Invalid pricing rule",
      { details: { fieldErrors } },
    );
  }
  return parsed.data;
}

/** A network + asset the registry knows and a positive price in that asset's decimals, or why not. */
type PriceRefusal = Extract<
  ValidationKey,
  | "pricing.unknownNetwork"
  | "pricing.unsupportedAsset"
  | "pricing.tooManyDecimals"
  | "pricing.decimalNumber"
  | "pricing.priceAboveZero"
>;

/** A further payment option's refusal names the option: "Payment option 2: …". */
const OPTION_REFUSALS: Record<PriceRefusal, ValidationKey> = {
  "pricing.unknownNetwork": "pricing.option.unknownNetwork",
  "pricing.unsupportedAsset": "pricing.option.unsupportedAsset",
  "pricing.tooManyDecimals": "pricing.option.tooManyDecimals",
  "pricing.decimalNumber": "pricing.option.decimalNumber",
  "pricing.priceAboveZero": "pricing.option.priceAboveZero",
};

function resolvePrice(
  registry: NetworkRegistry,
  option: { network: string; asset: string; price: string },
):
  | { ok: true; atomic: bigint }
  | {
      ok: false;
      field: "network" | "asset" | "price";
      key: PriceRefusal;
      values: Record<string, string | number>;
    } {
  const network = registry.get(option.network);
  if (!network)
    return {
      ok: false,
      field: "network",
      key: "pricing.unknownNetwork",
      values: { network: option.network },
    };
  const asset = network.assets.find((a) => a.address === option.asset);
  if (!asset)
    return {
      ok: false,
      field: "asset",
      key: "pricing.unsupportedAsset",
      values: { asset: option.asset, network: network.name },
    };
  const price = parseDecimalToAtomic(option.price, asset.decimals);
  if (!price.ok)
    return {
      ok: false,
      field: "price",
      key:
        parseValidationMessage(price.message)?.key === "pricing.tooManyDecimals"
          ? "pricing.tooManyDecimals"
          : "pricing.decimalNumber",
      values: { decimals: asset.decimals },
    };
  if (price.atomic <= 0n)
    return { ok: false, field: "price", key: "pricing.priceAboveZero", values: {} };
  return { ok: true, atomic: price.atomic };
}

/**
 * The further payment options as rows: each known, positive in its asset's decimals, and no two
 * (the rule's own included) on the same network + asset, which a buyer's payment could not tell apart.
 */
function resolvePaymentOptions(
  registry: NetworkRegistry,
  input: ParsedPricingRuleInput,
): { position: number; network: string; asset: string; priceAtomic: Prisma.Decimal }[] | undefined {
  if (!input.paymentOptions) return undefined;
  const seen = new Set([`${input.network}|${input.asset}`]);
  return input.paymentOptions.map((option, i) => {
    const resolved = resolvePrice(registry, option);
    if (!resolved.ok)
      throw fieldError(
        "paymentOptions",
        vmsg(OPTION_REFUSALS[resolved.key], { ...resolved.values, n: i + 1 }),
      );
    const key = `${option.network}|${option.asset}`;
    if (seen.has(key))
      throw fieldError("paymentOptions", vmsg("pricing.option.duplicate", { n: i + 1 }));
    seen.add(key);
    return {
      position: i + 1,
      network: option.network,
      asset: option.asset,
      priceAtomic: fromAtomic(resolved.atomic),
    };
  });
}

/** Checks what the schema can't: pattern syntax, a known network and asset, a positive price. */
function resolveRuleValues(deps: RuleDeps, input: ParsedPricingRuleInput) {
  const pattern = compilePathPattern(input.pathPattern, { caseInsensitive: input.caseInsensitive });
  if (!pattern.ok) throw fieldError("pathPattern", pattern.message);
  // a pattern no request can match (requests are matched in their canonical form) would price nothing
  const canonical = canonicalizePath(input.pathPattern);
  if (!canonical.ok) throw fieldError("pathPattern", canonical.message);
  if (input.upstreamPath) {
    const template = checkUpstreamPathTemplate(input.upstreamPath, pattern);
    if (!template.ok) throw fieldError("upstreamPath", template.message);
  }
  // the discovery declaration must pass the bazaar package's own validator, or facilitators drop it
  const methods = input.methods ?? (input.method ? [input.method] : ["ANY" as const]);
  for (const method of methods.includes("ANY") ? ["GET", "POST"] : methods) {
    const declaration = bazaarDeclaration(
      {
        ...input,
        methods,
        description: null,
        inputSchema: (input.inputSchema ?? null) as Prisma.JsonValue,
        outputSchema: (input.outputSchema ?? null) as Prisma.JsonValue,
      },
      { method, path: "/m/x", prefix: "/m" },
    );
    const check = declaration ? checkDeclaration(declaration) : { valid: true as const };
    if (!check.valid)
      throw fieldError(
        "inputSchema",
        vmsg("pricing.schemaInvalidForMethod", { method, reason: check.errors?.[0] ?? "invalid" }),
      );
  }
  const registry = getNetworkRegistry(deps.env);
  const price = resolvePrice(registry, input);
  if (!price.ok) throw fieldError(price.field, vmsg(price.key, price.values));
  const paymentOptions = resolvePaymentOptions(registry, input);
  if (input.settlementPolicy === "DEFERRED" && input.billingMode !== "PER_REQUEST") {
    throw fieldError("settlementPolicy", vmsg("pricing.deferredPerRequestOnly"));
  }
  if (input.settlementPolicy === "BATCH") checkBatchRule(input);
  else if (input.meteringHeader) checkMeteredRule(input);
  const values = {
    description: input.description || null,
    inputSchema: input.inputSchema ? (input.inputSchema as Prisma.InputJsonObject) : Prisma.DbNull,
    outputSchema: input.outputSchema
      ? (input.outputSchema as Prisma.InputJsonObject)
      : Prisma.DbNull,
    pathPattern: input.pathPattern,
    methods: input.methods ?? (input.method ? [input.method] : ["ANY" as const]),
    priceAtomic: fromAtomic(price.atomic),
    network: input.network,
    asset: input.asset,
    billingMode: input.billingMode,
    bundleSize: input.billingMode === "BUNDLE" ? (input.bundleSize ?? null) : null,
    passDurationSeconds:
      input.billingMode === "TIME_PASS" ? (input.passDurationSeconds ?? null) : null,
    settlementPolicy: input.settlementPolicy,
    upstreamPath: input.upstreamPath || null,
    meteringHeader: input.meteringHeader || null,
    meteringFallback: input.meteringFallback,
    caseInsensitive: input.caseInsensitive,
    priority: input.priority,
    active: input.active,
  };
  return { values, paymentOptions };
}

/** Replaces a rule's further payment options (undefined: keep them, as an input that predates them). */
async function writePaymentOptions(
  tx: Db,
  rule: { id: string; merchantId: string },
  options: ReturnType<typeof resolveRuleValues>["paymentOptions"],
): Promise<void> {
  if (!options) return;
  await tx.pricingRuleOption.deleteMany({
    where: { ruleId: rule.id, merchantId: rule.merchantId },
  });
  if (options.length === 0) return;
  await tx.pricingRuleOption.createMany({
    data: options.map((o) => ({
      id: createId("pricingRuleOption"),
      merchantId: rule.merchantId,
      ruleId: rule.id,
      ...o,
    })),
  });
}

/** A metered charge is known only once the upstream answered, for one call. */
function checkMeteredRule(input: ParsedPricingRuleInput): void {
  if (input.billingMode !== "PER_REQUEST")
    throw fieldError("meteringHeader", vmsg("pricing.meteredPerRequest"));
  if (input.settlementPolicy !== "AFTER_SUCCESS")
    throw fieldError("settlementPolicy", vmsg("pricing.meteredAfterSuccess"));
  refuseFurtherOptions(input, input.paymentOptions?.length ?? 0);
}

/** batch-settlement charges a fixed price per call against one channel (one network + asset). */
function checkBatchRule(input: ParsedPricingRuleInput): void {
  if (input.billingMode !== "PER_REQUEST")
    throw fieldError("settlementPolicy", vmsg("pricing.batchPerRequest"));
  if (input.meteringHeader) throw fieldError("meteringHeader", vmsg("pricing.batchNotMetered"));
  refuseFurtherOptions(input, input.paymentOptions?.length ?? 0);
}

/**
 * Metered and batch-settlement rules are paid in their own network and asset only (upto settles
 * through Permit2 in that asset; a batch channel holds one asset). Checked against the options the
 * rule will have: the input's, or on an update that leaves them out, the ones it keeps.
 */
function refuseFurtherOptions(
  rule: { settlementPolicy: string; meteringHeader?: string | null },
  optionCount: number,
): void {
  if (optionCount === 0) return;
  if (rule.settlementPolicy === "BATCH")
    throw fieldError("paymentOptions", vmsg("pricing.batchNoOptions"));
  if (rule.meteringHeader) throw fieldError("paymentOptions", vmsg("pricing.meteredNoOptions"));
}

const jsonObjectOrNull = (value: unknown): Record<string, unknown> | null =>
  value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;

function assetOf(
  deps: Pick<Deps, "env">,
  rule: Pick<PricingRule, "network" | "asset">,
): AssetConfig {
  return (
    getNetworkRegistry(deps.env).asset(rule.network, rule.asset) ?? {
      address: rule.asset as `0x${string}`,
      symbol: "?",
      decimals: 6,
      eip712: { name: "", version: "" },
      transferMethod: "eip3009",
    }
  );
}

export function toPricingRuleDto(deps: Pick<Deps, "env">, rule: RuleWithOptions): PricingRuleDto {
  const asset = assetOf(deps, rule);
  const atomic = toAtomic(rule.priceAtomic);
  return {
    id: rule.id,
    merchantId: rule.merchantId,
    description: rule.description,
    inputSchema: jsonObjectOrNull(rule.inputSchema),
    outputSchema: jsonObjectOrNull(rule.outputSchema),
    pathPattern: rule.pathPattern,
    methods: rule.methods,
    priceAtomic: atomic.toString(),
    price: formatAtomic(atomic, asset.decimals),
    network: rule.network,
    asset: rule.asset,
    assetSymbol: asset.symbol,
    assetDecimals: asset.decimals,
    paymentOptions: rule.paymentOptions.map((option) => {
      const optionAsset = assetOf(deps, option);
      const optionAtomic = toAtomic(option.priceAtomic);
      return {
        network: option.network,
        asset: option.asset,
        assetSymbol: optionAsset.symbol,
        assetDecimals: optionAsset.decimals,
        priceAtomic: optionAtomic.toString(),
        price: formatAtomic(optionAtomic, optionAsset.decimals),
      };
    }),
    billingMode: rule.billingMode,
    bundleSize: rule.bundleSize,
    passDurationSeconds: rule.passDurationSeconds,
    settlementPolicy: rule.settlementPolicy,
    upstreamPath: rule.upstreamPath,
    meteringHeader: rule.meteringHeader,
    meteringFallback: rule.meteringFallback,
    caseInsensitive: rule.caseInsensitive,
    priority: rule.priority,
    active: rule.active,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}

function duplicateRule(err: unknown): AppError | null {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
    return new AppError("conflict", "A rule for this method and path pattern already exists", {
      details: {
        fieldErrors: { pathPattern: ["A rule for this method and path pattern already exists"] },
      },
      cause: err,
    });
  }
  return null;
}

/** Whether two rules' method lists price a method in common. */
export function methodsOverlap(a: readonly HttpMethod[], b: readonly HttpMethod[]): boolean {
  return a.includes("ANY") || b.includes("ANY") || a.some((m) => b.includes(m));
}

/** Two rules on one pattern must not both price a method (the database cannot key on a list). */
async function refuseOverlap(
  tx: Db,
  opts: { merchantId: string; ruleId?: string; pathPattern: string; methods: HttpMethod[] },
): Promise<void> {
  const same = await tx.pricingRule.findMany({
    where: {
      merchantId: opts.merchantId,
      pathPattern: opts.pathPattern,
      ...(opts.ruleId ? { id: { not: opts.ruleId } } : {}),
    },
    select: { methods: true },
  });
  const clash = same.find((r) => methodsOverlap(r.methods, opts.methods));
  if (clash) {
    const message = `A rule for ${clash.methods.join(", ")} ${opts.pathPattern} already exists: give each method one rule`;
    throw new AppError("conflict", message, { details: { fieldErrors: { methods: [message] } } });
  }
}

export async function listPricingRules(
  deps: RuleDeps,
  opts: { merchantId: string },
): Promise<PricingRuleDto[]> {
  const rules = await deps.db.pricingRule.findMany({
    where: { merchantId: opts.merchantId },
    orderBy: [{ priority: "desc" }, { createdAt: "asc" }],
    include: WITH_PAYMENT_OPTIONS,
  });
  return rules.map((r) => toPricingRuleDto(deps, r));
}

/** For each active rule's pattern, the methods no rule prices there, and what the gateway does with them. */
export async function listUnpricedMethods(
  deps: Pick<RuleDeps, "db">,
  opts: { merchantId: string },
): Promise<{
  unmatchedMethods: "PROXY_FREE" | "REFUSE";
  patterns: { pathPattern: string; methods: RequestMethod[] }[];
}> {
  const merchant = await deps.db.merchant.findFirstOrThrow({
    where: { id: opts.merchantId },
    select: {
      unmatchedMethods: true,
      pricingRules: { where: { active: true }, include: WITH_PAYMENT_OPTIONS },
    },
  });
  const unpriced = unpricedMethodsByPattern(compileRules(merchant.pricingRules));
  return {
    unmatchedMethods: merchant.unmatchedMethods,
    patterns: [...unpriced].map(([pathPattern, methods]) => ({ pathPattern, methods })),
  };
}

export async function createPricingRule(
  deps: RuleDeps,
  opts: { merchantId: string; actor: AuditActor; input: PricingRuleInput },
): Promise<PricingRuleDto> {
  const { values, paymentOptions } = resolveRuleValues(deps, parseInput(opts.input));
  try {
    const rule = await deps.db.$transaction(async (tx) => {
      await refuseOverlap(tx, {
        merchantId: opts.merchantId,
        pathPattern: values.pathPattern,
        methods: values.methods,
      });
      const inserted = await tx.pricingRule.create({
        data: { id: createId("pricingRule"), merchantId: opts.merchantId, ...values },
      });
      await writePaymentOptions(tx, inserted, paymentOptions ?? []);
      const created = await tx.pricingRule.findUniqueOrThrow({
        where: { id: inserted.id },
        include: WITH_PAYMENT_OPTIONS,
      });
      await recordAudit(tx, {
        actor: opts.actor,
        merchantId: opts.merchantId,
        action: "pricing_rule.create",
        targetType: "pricing_rule",
        targetId: created.id,
        after: created,
      });
      return created;
    });
    publishMerchantConfigChanged(opts.merchantId);
    return toPricingRuleDto(deps, rule);
  } catch (err) {
    throw duplicateRule(err) ?? err;
  }
}

/** Options an update leaves out are kept: they must still fit the rule as it is updated. */
function checkKeptOptions(
  values: ReturnType<typeof resolveRuleValues>["values"],
  kept: RuleOption[],
): void {
  refuseFurtherOptions(values, kept.length);
  const repeated = kept.findIndex((o) => o.network === values.network && o.asset === values.asset);
  if (repeated >= 0)
    throw fieldError("paymentOptions", vmsg("pricing.option.duplicate", { n: repeated + 1 }));
}

export async function updatePricingRule(
  deps: RuleDeps,
  opts: { merchantId: string; ruleId: string; actor: AuditActor; input: PricingRuleInput },
): Promise<PricingRuleDto> {
  const { values, paymentOptions } = resolveRuleValues(deps, parseInput(opts.input));
  try {
    const rule = await deps.db.$transaction(async (tx) => {
      const before = await tx.pricingRule.findFirst({
        where: { id: opts.ruleId, merchantId: opts.merchantId },
        include: WITH_PAYMENT_OPTIONS,
      });
      if (!before) throw new AppError("not_found", "No such pricing rule");
      await refuseOverlap(tx, {
        merchantId: opts.merchantId,
        ruleId: before.id,
        pathPattern: values.pathPattern,
        methods: values.methods,
      });
      if (!paymentOptions) checkKeptOptions(values, before.paymentOptions);
      await tx.pricingRule.update({ where: { id: before.id }, data: values });
      await writePaymentOptions(tx, before, paymentOptions);
      const after = await tx.pricingRule.findUniqueOrThrow({
        where: { id: before.id },
        include: WITH_PAYMENT_OPTIONS,
      });
      await recordAudit(tx, {
        actor: opts.actor,
        merchantId: opts.merchantId,
        action: "pricing_rule.update",
        targetType: "pricing_rule",
        targetId: before.id,
        before,
        after,
      });
      return after;
    });
    publishMerchantConfigChanged(opts.merchantId);
    return toPricingRuleDto(deps, rule);
  } catch (err) {
    throw duplicateRule(err) ?? err;
  }
}

/** Deletes a rule; payments and usage keep their history (their rule reference becomes null). */
export async function deletePricingRule(
  deps: RuleDeps,
  opts: { merchantId: string; ruleId: string; actor: AuditActor },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const before = await tx.pricingRule.findFirst({
      where: { id: opts.ruleId, merchantId: opts.merchantId },
    });
    if (!before) throw new AppError("not_found", "No such pricing rule");
    await tx.pricingRule.delete({ where: { id: before.id } });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "pricing_rule.delete",
      targetType: "pricing_rule",
      targetId: before.id,
      before,
    });
  });
  publishMerchantConfigChanged(opts.merchantId);
}

// ───────────────────────────── matching (pure) ─────────────────────────────

export type CompiledRule = { rule: RuleWithOptions; pattern: CompiledPattern };

/** Active rules with their compiled patterns; rules whose stored pattern no longer compiles are skipped. */
export function compileRules(
  rules: (PricingRule & { paymentOptions?: RuleOption[] })[],
): CompiledRule[] {
  const compiled: CompiledRule[] = [];
  for (const rule of rules) {
    if (!rule.active) continue;
    const pattern = compilePathPattern(rule.pathPattern, { caseInsensitive: rule.caseInsensitive });
    // a rule read without its options (a test's literal) offers only its own network + asset
    if (pattern.ok)
      compiled.push({ rule: { ...rule, paymentOptions: rule.paymentOptions ?? [] }, pattern });
  }
  return compiled;
}

function methodMatches(ruleMethods: PricingRule["methods"], method: string): boolean {
  for (const ruleMethod of ruleMethods) {
    // a HEAD costs what the GET costs: it is the same resource
    if (
      ruleMethod === "ANY" ||
      ruleMethod === method ||
      (ruleMethod === "GET" && method === "HEAD")
    )
      return true;
  }
  return false;
}

/**
 * The rule that prices a request: highest priority first, then the most specific pattern, then a
 * rule naming the method over ANY, then the oldest. Null means the path is free.
 */
export function selectRule(
  rules: CompiledRule[],
  method: string,
  path: string,
): CompiledRule | null {
  return scanRules(rules, method, path).best;
}

/** One pass: the best rule for method + path, and whether any rule's pattern matched the path at all. */
function scanRules(
  rules: CompiledRule[],
  method: string,
  path: string,
): { best: CompiledRule | null; pathMatched: boolean } {
  let best: CompiledRule | null = null;
  let pathMatched = false;
  for (const candidate of rules) {
    if (!matchesPath(candidate.pattern, path)) continue;
    pathMatched = true;
    if (!methodMatches(candidate.rule.methods, method)) continue;
    if (!best || compareRules(candidate, best) < 0) best = candidate;
  }
  return { best, pathMatched };
}

/**
 * The rule for a request whose path is already canonical, and the path it is served as. A path
 * with sub-delimiter escapes that no rule prices is looked at once more with them decoded: an
 * upstream that decodes every escape would serve `/a%21b` as `/a!b`, so if a rule prices that, the
 * request is priced by it and served as the decoded path (what is priced is what is served).
 */
export function matchRequest(
  rules: CompiledRule[],
  method: string,
  canonicalPath: string,
): RequestMatch {
  const direct = scanRules(rules, method, canonicalPath);
  if (direct.best) return { match: direct.best, path: canonicalPath, pricedForOtherMethods: false };
  const view = decodedView(canonicalPath);
  if (view === null)
    return { match: null, path: canonicalPath, pricedForOtherMethods: direct.pathMatched };
  const decoded = scanRules(rules, method, view);
  if (decoded.best) return { match: decoded.best, path: view, pricedForOtherMethods: false };
  return {
    match: null,
    path: canonicalPath,
    pricedForOtherMethods: direct.pathMatched || decoded.pathMatched,
  };
}

/**
 * `pricedForOtherMethods`: no rule prices this method here, but one prices the path for another
 * method (the merchant's `unmatchedMethods` decides: free, or 404).
 */
export type RequestMatch = {
  match: CompiledRule | null;
  path: string;
  pricedForOtherMethods: boolean;
};

/**
 * For each priced pattern, the request methods no rule prices at a path it matches (the pattern
 * with its wildcards filled in): what the console shows as "free" (or "refused") beside the rule.
 */
export function unpricedMethodsByPattern(rules: CompiledRule[]): Map<string, RequestMethod[]> {
  const out = new Map<string, RequestMethod[]>();
  for (const { rule } of rules) {
    if (out.has(rule.pathPattern)) continue;
    const sample = rule.pathPattern.replace(/\*\*|\*/g, "x");
    out.set(
      rule.pathPattern,
      REQUEST_METHODS.filter(
        (method) =>
          selectRule(rules, method, canonicalizePath(sample).ok ? sample : rule.pathPattern) ===
          null,
      ),
    );
  }
  return out;
}

function compareRules(a: CompiledRule, b: CompiledRule): number {
  return (
    b.rule.priority - a.rule.priority ||
    b.pattern.specificity - a.pattern.specificity ||
    Number(!b.rule.methods.includes("ANY")) - Number(!a.rule.methods.includes("ANY")) ||
    a.rule.createdAt.getTime() - b.rule.createdAt.getTime()
  );
}
