import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

import { SETTLEMENT_POLICIES } from "./settlement-policies";

export const httpMethodSchema = z.enum([
  "ANY",
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
]);
/** The methods a request can have (a rule's list may also be just ANY). */
export const REQUEST_METHODS = httpMethodSchema.exclude(["ANY"]).options;
export const unmatchedMethodsSchema = z.enum(["PROXY_FREE", "REFUSE"]);

/** A rule's methods: [ANY] or distinct methods, in a fixed order so equal lists compare equal. */
export const ruleMethodsSchema = z
  .array(httpMethodSchema)
  .min(1, vmsg("pricing.chooseMethod"))
  .max(8)
  .refine((methods) => !methods.includes("ANY") || methods.length === 1, vmsg("pricing.anyAlone"))
  .transform((methods) => httpMethodSchema.options.filter((m) => methods.includes(m)));
export const billingModeSchema = z.enum(["PER_REQUEST", "BUNDLE", "TIME_PASS"]);
export const settlementPolicySchema = z.enum(SETTLEMENT_POLICIES);
export const meteringFallbackSchema = z.enum(["CEILING", "REFUSE"]);
/** The metering header a metered rule reads when the merchant names none. */
export const DEFAULT_METERING_HEADER = "X-Usage-Amount";

/** Largest JSON Schema a rule may carry (serialised): it rides in every 402 of the route. */
export const MAX_DISCOVERY_SCHEMA_BYTES = 8 * 1024;

function hasExternalReference(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasExternalReference);
  if (!node || typeof node !== "object") return false;
  return Object.entries(node).some(
    ([key, value]) =>
      ((key === "$ref" || key === "$id") &&
        !(typeof value === "string" && value.startsWith("#"))) ||
      hasExternalReference(value),
  );
}

/**
 * A JSON Schema for a rule's discovery input or output (the `bazaar` extension). The input schema
 * describes query parameters (GET/HEAD/DELETE) or the JSON body (POST/PUT/PATCH): an object schema.
 * Validators refuse external references (a facilitator would not fetch them), so we do too.
 */
export const discoverySchemaInput = z
  .record(z.string(), z.unknown(), {
    error: vmsg("pricing.schemaObject"),
  })
  .refine(
    (schema) => JSON.stringify(schema).length <= MAX_DISCOVERY_SCHEMA_BYTES,
    vmsg("pricing.schemaTooLarge", { kb: MAX_DISCOVERY_SCHEMA_BYTES / 1024 }),
  )
  .refine(
    (schema) => schema.type === undefined || schema.type === "object",
    vmsg("pricing.schemaTypeObject"),
  )
  .refine(
    (schema) =>
      schema.properties === undefined ||
      (typeof schema.properties === "object" &&
        schema.properties !== null &&
        !Array.isArray(schema.properties)),
    vmsg("pricing.schemaPropertiesObject"),
  )
  .refine((schema) => !hasExternalReference(schema), vmsg("pricing.schemaLocalRefs"));

const assetAddressInput = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, vmsg("pricing.chooseAsset"))
  .transform((a) => a.toLowerCase());

/** Most further payment options a rule may offer (each is one more `accepts` entry in every 402). */
export const MAX_PAYMENT_OPTIONS = 4;

/** One more way to pay a rule: another network and/or asset, priced in that asset's units. */
export const paymentOptionInput = z.object({
  network: z.string().trim().min(1, vmsg("pricing.chooseNetwork")),
  asset: assetAddressInput,
  /** decimal in this asset's units, e.g. "0.01" */
  price: z.string().trim().min(1, vmsg("pricing.enterPrice")),
});
export type PaymentOptionInput = z.input<typeof paymentOptionInput>;

const pricingRuleFields = z.object({
  /** what the endpoint does: in its 402s and in discovery */
  description: z.string().trim().max(200).optional(),
  /** discovery: JSON Schema of the query params (GET/HEAD/DELETE) or JSON body (POST/PUT/PATCH); null clears it */
  inputSchema: discoverySchemaInput.nullable().optional(),
  /** discovery: JSON Schema of the response; null clears it */
  outputSchema: discoverySchemaInput.nullable().optional(),
  pathPattern: z.string().trim().min(1, vmsg("pricing.enterPathPattern")),
  /** the methods this rule prices; ANY (the default) prices every method, so none is left free by accident */
  methods: ruleMethodsSchema.optional(),
  /** deprecated: one method; `methods` wins when both are sent */
  method: httpMethodSchema.optional(),
  /** decimal in the asset's units, e.g. "0.01" */
  price: z.string().trim().min(1, vmsg("pricing.enterPrice")),
  network: z.string().trim().min(1, vmsg("pricing.chooseNetwork")),
  asset: assetAddressInput,
  /** further ways to pay, offered after the rule's own network + asset + price, in this order; [] removes them */
  paymentOptions: z
    .array(paymentOptionInput)
    .max(MAX_PAYMENT_OPTIONS, vmsg("pricing.tooManyOptions", { max: MAX_PAYMENT_OPTIONS }))
    .optional(),
  billingMode: billingModeSchema.default("PER_REQUEST"),
  bundleSize: z.number().int().min(2, vmsg("pricing.bundleMinimum")).max(1_000_000).optional(),
  passDurationSeconds: z
    .number()
    .int()
    .min(60, vmsg("pricing.passMinimum"))
    .max(366 * 24 * 3600)
    .optional(),
  settlementPolicy: settlementPolicySchema.default("AFTER_SUCCESS"),
  upstreamPath: z
    .string()
    .trim()
    .startsWith("/", vmsg("pricing.upstreamPathSlash"))
    .max(512)
    .optional(),
  /**
   * metered (the x402 `upto` scheme): `price` is the ceiling a payer authorizes, and the charge is
   * what the upstream's answer reports in this header, in the asset's atomic units. Null: a fixed price.
   */
  meteringHeader: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,64}$/, vmsg("pricing.meteringHeaderName"))
    .nullable()
    .optional(),
  /** a metered answer without a valid header: charge the ceiling, or refuse it (nothing charged, no body) */
  meteringFallback: meteringFallbackSchema.default("CEILING"),
  /** match the pattern ignoring ASCII case; on by default, so an upstream that routes case-insensitively is safe */
  caseInsensitive: z.boolean().default(true),
  priority: z.number().int().min(-1000).max(1000).default(0),
  active: z.boolean().default(true),
});

function billingModeFields<
  T extends { billingMode: string; bundleSize?: number; passDurationSeconds?: number },
>(v: T, ctx: z.RefinementCtx) {
  if (v.billingMode === "BUNDLE" && !v.bundleSize)
    ctx.addIssue({
      code: "custom",
      path: ["bundleSize"],
      message: vmsg("pricing.enterBundleSize"),
    });
  if (v.billingMode === "TIME_PASS" && !v.passDurationSeconds) {
    ctx.addIssue({
      code: "custom",
      path: ["passDurationSeconds"],
      message: vmsg("pricing.enterPassDuration"),
    });
  }
}

export const pricingRuleInput = pricingRuleFields.superRefine(billingModeFields);
export type PricingRuleInput = z.input<typeof pricingRuleInput>;
export type ParsedPricingRuleInput = z.output<typeof pricingRuleInput>;

export const paymentOptionDtoSchema = z.object({
  network: z.string(),
  asset: z.string(),
  assetSymbol: z.string(),
  assetDecimals: z.number().int(),
  priceAtomic: z.string(),
  price: z.string(),
});
export type PaymentOptionDto = z.infer<typeof paymentOptionDtoSchema>;

export const pricingRuleDtoSchema = z.object({
  id: z.string(),
  merchantId: z.string(),
  description: z.string().nullable(),
  inputSchema: z.record(z.string(), z.unknown()).nullable(),
  outputSchema: z.record(z.string(), z.unknown()).nullable(),
  pathPattern: z.string(),
  methods: z.array(httpMethodSchema),
  priceAtomic: z.string(),
  price: z.string(),
  network: z.string(),
  asset: z.string(),
  assetSymbol: z.string(),
  /** where the decimal point goes in `priceAtomic` */
  assetDecimals: z.number().int(),
  /** further ways to pay, after the rule's own network + asset + price, in the order the 402 lists them */
  paymentOptions: z.array(paymentOptionDtoSchema),
  billingMode: billingModeSchema,
  bundleSize: z.number().nullable(),
  passDurationSeconds: z.number().nullable(),
  settlementPolicy: settlementPolicySchema,
  upstreamPath: z.string().nullable(),
  meteringHeader: z.string().nullable(),
  meteringFallback: meteringFallbackSchema,
  caseInsensitive: z.boolean(),
  priority: z.number(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type PricingRuleDto = z.infer<typeof pricingRuleDtoSchema>;
