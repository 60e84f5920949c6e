import { z } from "zod";

import { explainRuleMatch, pricingOptions } from "@/server/pricing/explain";
import { createPricingRule, deletePricingRule, listPricingRules, updatePricingRule } from "@/server/pricing/rules";
import { httpMethodSchema, pricingRuleDtoSchema, pricingRuleInput } from "@/server/pricing/schemas";

import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

const ruleId = z.string().min(1).max(64);

export const pricingRulesRouter = router({
  list: merchantProcedure.output(z.array(pricingRuleDtoSchema)).query(({ ctx }) => listPricingRules(ctx.deps, { merchantId: ctx.merchant.id })),
  options: merchantProcedure.query(({ ctx }) => pricingOptions(ctx.deps)),
  create: merchantProcedureWith("pricing.write")
    .input(z.object({ data: pricingRuleInput }))
    .output(pricingRuleDtoSchema)
    .mutation(({ ctx, input }) => createPricingRule(ctx.deps, { merchantId: ctx.merchant.id, actor: ctx.actor, input: input.data })),
  update: merchantProcedureWith("pricing.write")
    .input(z.object({ id: ruleId, data: pricingRuleInput }))
    .output(pricingRuleDtoSchema)
    .mutation(({ ctx, input }) => updatePricingRule(ctx.deps, { merchantId: ctx.merchant.id, ruleId: input.id, actor: ctx.actor, input: input.data })),
  delete: merchantProcedureWith("pricing.write")
    .input(z.object({ id: ruleId }))
    .mutation(({ ctx, input }) => deletePricingRule(ctx.deps, { merchantId: ctx.merchant.id, ruleId: input.id, actor: ctx.actor })),
  explain: merchantProcedure
    .input(z.object({ method: httpMethodSchema.exclude(["ANY"]), path: z.string().trim().min(1).max(2048) }))
    .query(({ ctx, input }) => explainRuleMatch(ctx.deps, { merchantId: ctx.merchant.id, method: input.method, path: input.path })),
});
