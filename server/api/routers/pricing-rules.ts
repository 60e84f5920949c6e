import { z } from "zod";

import { explainRuleMatch, pricingOptions } from "@/server/gateway/explain-route";
import {
  createPricingRule,
  deletePricingRule,
  listPricingRules,
  listUnpricedMethods,
  updatePricingRule,
} from "@/server/pricing/rules";
import { httpMethodSchema, pricingRuleDtoSchema, pricingRuleInput } from "@/server/pricing/schemas";

import { rest } from "@/server/public-api/meta";
import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

const ruleId = z.string().min(1).max(64);

export const pricingRulesRouter = router({
  list: merchantProcedure
    .meta(rest("GET", "/pricing-rules", "Pricing rules", "List the pricing rules", "read"))
    .output(z.array(pricingRuleDtoSchema))
    .query(({ ctx }) => listPricingRules(ctx.deps, { merchantId: ctx.merchant.id })),
  options: merchantProcedure.query(({ ctx }) => pricingOptions(ctx.deps)),
  /** per priced pattern, the methods no rule prices there (free or refused, per the merchant's setting) */
  unpricedMethods: merchantProcedure.query(({ ctx }) =>
    listUnpricedMethods(ctx.deps, { merchantId: ctx.merchant.id }),
  ),
  create: merchantProcedureWith("pricing.write")
    .meta(rest("POST", "/pricing-rules", "Pricing rules", "Create a pricing rule", "write"))
    .input(z.object({ data: pricingRuleInput }))
    .output(pricingRuleDtoSchema)
    .mutation(({ ctx, input }) =>
      createPricingRule(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: input.data,
      }),
    ),
  update: merchantProcedureWith("pricing.write")
    .meta(rest("PUT", "/pricing-rules/{id}", "Pricing rules", "Replace a pricing rule", "write"))
    .input(z.object({ id: ruleId, data: pricingRuleInput }))
    .output(pricingRuleDtoSchema)
    .mutation(({ ctx, input }) =>
      updatePricingRule(ctx.deps, {
        merchantId: ctx.merchant.id,
        ruleId: input.id,
        actor: ctx.actor,
        input: input.data,
      }),
    ),
  delete: merchantProcedureWith("pricing.write")
    .meta(rest("DELETE", "/pricing-rules/{id}", "Pricing rules", "Delete a pricing rule", "write"))
    .input(z.object({ id: ruleId }))
    .output(z.object({ id: z.string(), deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deletePricingRule(ctx.deps, {
        merchantId: ctx.merchant.id,
        ruleId: input.id,
        actor: ctx.actor,
      });
      return { id: input.id, deleted: true as const };
    }),
  explain: merchantProcedure
    .input(
      z.object({
        method: httpMethodSchema.exclude(["ANY"]),
        path: z.string().trim().min(1).max(2048),
      }),
    )
    .query(({ ctx, input }) =>
      explainRuleMatch(ctx.deps, {
        merchantId: ctx.merchant.id,
        method: input.method,
        path: input.path,
      }),
    ),
});
