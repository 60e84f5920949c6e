import { z } from "zod";

import { getPlatformOverview, overviewPeriodSchema } from "@/server/admin/overview";
import {
  adminGetPayment,
  adminListPayments,
  adminListPaymentsInput,
  errorsReportInput,
  getErrorsReport,
} from "@/server/admin/payments";
import {
  adminListMerchants,
  adminListMerchantsInput,
  adminMerchantRowSchema,
  approveMerchant,
  disableMerchant,
  disableMerchantInput,
  enableMerchant,
  getAdminMerchant,
  setMerchantFacilitator,
  setMerchantSettlementMode,
  settlementModeSchema,
} from "@/server/admin/merchants";
import { adminAcknowledgeAlert, adminResolveAlert } from "@/server/alerts/actions";
import {
  getHostedFacilitatorView,
  resetHostedFacilitatorSettings,
  saveHostedFacilitatorSettings,
} from "@/server/facilitator/hosted/hosted-settings";
import {
  facilitatorKindSchema,
  hostedFacilitatorSettingsInput,
  hostedFacilitatorViewSchema,
} from "@/server/facilitator/hosted/schemas";
import { getReceiptKeysView, rotateReceiptSigningKey } from "@/server/receipts/keys";
import { receiptKeysViewSchema } from "@/server/receipts/schemas";
import { adminBlock, adminListBlocks, adminUnblock } from "@/server/risk/blocks";
import {
  blockIdInput,
  createBlockInput,
  listBlocksInput,
  riskBlockDtoSchema,
} from "@/server/risk/schemas";
import {
  grantPlatformAdmin,
  grantPlatformAdminInput,
  listPlatformAdmins,
  revokePlatformAdmin,
  revokePlatformAdminInput,
} from "@/server/admin/platform-admins";
import {
  correctionThresholdInput,
  createCorrectionInput,
  decideCorrectionInput,
  rejectCorrectionInput,
} from "@/server/billing/correction-schemas";
import {
  approveCorrection,
  correctionDtoSchema,
  createCorrection,
  getCorrectionApprovalThreshold,
  listCorrections,
  rejectCorrection,
  setCorrectionApprovalThreshold,
} from "@/server/billing/corrections";
import { adminAuditFiltersSchema, listAuditEntries } from "@/server/audit/audit-log";
import {
  addFeeTemplateVersion,
  assignMerchantFeeTemplate,
  createFeeTemplate,
  listFeeTemplates,
  setDefaultFeeTemplate,
} from "@/server/billing/fee-templates";
import {
  addFeeVersionInput,
  createFeeTemplateInput,
  feeTemplateIdSchema,
} from "@/server/billing/schemas";
import { merchantIdSchema } from "@/server/merchants/schemas";
import {
  changeMerchantsRequireReview,
  getMerchantsRequireReview,
} from "@/server/platform/settings";
import { changeRateLimitCaps, getRateLimitCaps } from "@/server/platform/rate-limit-caps";
import { rateLimitsSchema } from "@/server/platform/schemas";
import { listAllAlerts } from "@/server/alerts/alerts";
import {
  alertIdInput,
  listAlertsInput,
  updatePlatformThresholdsInput,
} from "@/server/alerts/schemas";
import { getPlatformThresholds, updatePlatformThresholds } from "@/server/alerts/thresholds";
import { operationsView } from "@/server/observability/operations";

import { platformAdminProcedure, router } from "../../trpc";

import { adminBillingRouter } from "./billing";

// Every procedure here is platformAdminProcedure: server/api/admin-isolation.int.test.ts walks this
// router and calls each one as a merchant owner and signed out.

const merchantInput = z.object({ merchantId: merchantIdSchema });

export const adminRouter = router({
  overview: router({
    get: platformAdminProcedure
      .input(z.object({ period: overviewPeriodSchema.default("week") }))
      .query(({ ctx, input }) => getPlatformOverview(ctx.deps, input)),
  }),
  merchants: router({
    list: platformAdminProcedure
      .input(adminListMerchantsInput)
      .output(
        z.object({ items: z.array(adminMerchantRowSchema), nextCursor: z.string().nullable() }),
      )
      .query(({ ctx, input }) => adminListMerchants(ctx.deps, input)),
    get: platformAdminProcedure
      .input(merchantInput)
      .query(({ ctx, input }) => getAdminMerchant(ctx.deps, input)),
    approve: platformAdminProcedure
      .input(merchantInput)
      .mutation(({ ctx, input }) =>
        approveMerchant(ctx.deps, { actor: ctx.actor, merchantId: input.merchantId }),
      ),
    disable: platformAdminProcedure
      .input(merchantInput.extend(disableMerchantInput.shape))
      .mutation(({ ctx, input }) =>
        disableMerchant(ctx.deps, {
          actor: ctx.actor,
          merchantId: input.merchantId,
          reason: input.reason,
        }),
      ),
    enable: platformAdminProcedure
      .input(merchantInput)
      .mutation(({ ctx, input }) =>
        enableMerchant(ctx.deps, { actor: ctx.actor, merchantId: input.merchantId }),
      ),
    assignFeeTemplate: platformAdminProcedure
      .input(merchantInput.extend({ templateId: feeTemplateIdSchema.nullable() }))
      .mutation(({ ctx, input }) =>
        assignMerchantFeeTemplate(ctx.deps, {
          actor: ctx.actor,
          merchantId: input.merchantId,
          templateId: input.templateId,
        }),
      ),
    setSettlementMode: platformAdminProcedure
      .input(merchantInput.extend({ mode: settlementModeSchema }))
      .mutation(({ ctx, input }) =>
        setMerchantSettlementMode(ctx.deps, {
          actor: ctx.actor,
          merchantId: input.merchantId,
          mode: input.mode,
        }),
      ),
    setFacilitator: platformAdminProcedure
      .input(merchantInput.extend({ facilitator: facilitatorKindSchema }))
      .mutation(({ ctx, input }) =>
        setMerchantFacilitator(ctx.deps, {
          actor: ctx.actor,
          merchantId: input.merchantId,
          kind: input.facilitator,
        }),
      ),
  }),
  /** the platform's hosted facilitator: URL and credentials, stored sealed (the environment is the default) */
  hostedFacilitator: router({
    get: platformAdminProcedure
      .output(hostedFacilitatorViewSchema)
      .query(({ ctx }) => getHostedFacilitatorView(ctx.deps)),
    save: platformAdminProcedure
      .input(hostedFacilitatorSettingsInput)
      .output(hostedFacilitatorViewSchema)
      .mutation(({ ctx, input }) =>
        saveHostedFacilitatorSettings(ctx.deps, { actor: ctx.actor, input }),
      ),
    reset: platformAdminProcedure
      .output(hostedFacilitatorViewSchema)
      .mutation(({ ctx }) => resetHostedFacilitatorSettings(ctx.deps, { actor: ctx.actor })),
  }),
  /** the `offer-receipt` signing keys: list (public halves and dates) and rotate (the old key stays published) */
  receiptKeys: router({
    list: platformAdminProcedure
      .output(receiptKeysViewSchema)
      .query(({ ctx }) => getReceiptKeysView(ctx.deps)),
    rotate: platformAdminProcedure.output(receiptKeysViewSchema).mutation(async ({ ctx }) => {
      await rotateReceiptSigningKey(ctx.deps, { actor: ctx.actor });
      return getReceiptKeysView(ctx.deps);
    }),
  }),
  /** platform administrators: grant to an existing user, demote, remove (never the last one) */
  admins: router({
    list: platformAdminProcedure.query(({ ctx }) => listPlatformAdmins(ctx.deps)),
    grant: platformAdminProcedure
      .input(grantPlatformAdminInput)
      .mutation(({ ctx, input }) =>
        grantPlatformAdmin(ctx.deps, { actor: ctx.actor, email: input.email }),
      ),
    revoke: platformAdminProcedure.input(revokePlatformAdminInput).mutation(({ ctx, input }) =>
      revokePlatformAdmin(ctx.deps, {
        actor: ctx.actor,
        userId: input.userId,
        disableAccount: input.disableAccount,
      }),
    ),
  }),
  settings: router({
    get: platformAdminProcedure.query(async ({ ctx }) => ({
      requireReview: await getMerchantsRequireReview(ctx.deps),
    })),
    setRequireReview: platformAdminProcedure
      .input(z.object({ value: z.boolean() }))
      .mutation(({ ctx, input }) =>
        changeMerchantsRequireReview(ctx.deps, { actor: ctx.actor, value: input.value }),
      ),
    rateLimitCaps: platformAdminProcedure
      .output(rateLimitsSchema)
      .query(({ ctx }) => getRateLimitCaps(ctx.deps)),
    setRateLimitCaps: platformAdminProcedure
      .input(rateLimitsSchema)
      .output(rateLimitsSchema)
      .mutation(({ ctx, input }) =>
        changeRateLimitCaps(ctx.deps, { actor: ctx.actor, value: input }),
      ),
  }),
  payments: router({
    list: platformAdminProcedure
      .input(adminListPaymentsInput)
      .query(({ ctx, input }) => adminListPayments(ctx.deps, input)),
    get: platformAdminProcedure
      .input(z.object({ id: z.string().min(1).max(64) }))
      .query(({ ctx, input }) => adminGetPayment(ctx.deps, { paymentId: input.id })),
  }),
  errors: router({
    report: platformAdminProcedure
      .input(errorsReportInput)
      .query(({ ctx, input }) => getErrorsReport(ctx.deps, input)),
  }),
  feeTemplates: router({
    list: platformAdminProcedure.query(({ ctx }) => listFeeTemplates(ctx.deps)),
    create: platformAdminProcedure
      .input(createFeeTemplateInput)
      .mutation(({ ctx, input }) => createFeeTemplate(ctx.deps, { actor: ctx.actor, input })),
    addVersion: platformAdminProcedure
      .input(addFeeVersionInput)
      .mutation(({ ctx, input: { templateId, ...terms } }) =>
        addFeeTemplateVersion(ctx.deps, { actor: ctx.actor, templateId, terms }),
      ),
    setDefault: platformAdminProcedure
      .input(z.object({ templateId: feeTemplateIdSchema }))
      .mutation(({ ctx, input }) =>
        setDefaultFeeTemplate(ctx.deps, { actor: ctx.actor, templateId: input.templateId }),
      ),
  }),
  // read-only by design: the audit log has no update or delete procedure
  audit: router({
    list: platformAdminProcedure
      .input(adminAuditFiltersSchema)
      .query(({ ctx, input }) =>
        listAuditEntries(ctx.deps, { ...input, merchantId: input.merchantId }),
      ),
  }),
  billing: adminBillingRouter,
  /** manual ledger corrections; above the threshold a second admin approves (four eyes) */
  corrections: router({
    list: platformAdminProcedure
      .input(
        z.object({
          merchantId: merchantIdSchema.optional(),
          status: correctionDtoSchema.shape.status.optional(),
        }),
      )
      .query(({ ctx, input }) => listCorrections(ctx.deps, input)),
    create: platformAdminProcedure
      .input(createCorrectionInput)
      .mutation(({ ctx, input }) => createCorrection(ctx.deps, { actor: ctx.actor, input })),
    approve: platformAdminProcedure
      .input(decideCorrectionInput)
      .mutation(({ ctx, input }) =>
        approveCorrection(ctx.deps, { actor: ctx.actor, correctionId: input.correctionId }),
      ),
    reject: platformAdminProcedure.input(rejectCorrectionInput).mutation(({ ctx, input }) =>
      rejectCorrection(ctx.deps, {
        actor: ctx.actor,
        correctionId: input.correctionId,
        note: input.note,
      }),
    ),
    threshold: platformAdminProcedure.query(async ({ ctx }) => ({
      thresholdAtomic: (await getCorrectionApprovalThreshold(ctx.deps)).toString(),
    })),
    setThreshold: platformAdminProcedure
      .input(correctionThresholdInput)
      .mutation(({ ctx, input }) =>
        setCorrectionApprovalThreshold(ctx.deps, {
          actor: ctx.actor,
          thresholdAtomic: input.thresholdAtomic,
        }),
      ),
  }),
  alerts: router({
    list: platformAdminProcedure
      .input(listAlertsInput)
      .query(({ ctx, input }) => listAllAlerts(ctx.deps, input)),
    thresholds: platformAdminProcedure.query(({ ctx }) => getPlatformThresholds(ctx.deps)),
    updateThresholds: platformAdminProcedure
      .input(updatePlatformThresholdsInput)
      .mutation(({ ctx, input }) =>
        updatePlatformThresholds(ctx.deps, { actor: ctx.actor, input }),
      ),
    acknowledge: platformAdminProcedure
      .input(alertIdInput)
      .mutation(({ ctx, input }) =>
        adminAcknowledgeAlert(ctx.deps, { actor: ctx.actor, alertId: input.alertId }),
      ),
    resolve: platformAdminProcedure
      .input(alertIdInput)
      .mutation(({ ctx, input }) =>
        adminResolveAlert(ctx.deps, { actor: ctx.actor, alertId: input.alertId }),
      ),
  }),
  /** the platform's blocklist: payer addresses and client IPs the gateway refuses before verification */
  risk: router({
    blocks: platformAdminProcedure
      .input(listBlocksInput)
      .output(z.array(riskBlockDtoSchema))
      .query(({ ctx, input }) => adminListBlocks(ctx.deps, input)),
    block: platformAdminProcedure
      .input(createBlockInput)
      .output(riskBlockDtoSchema)
      .mutation(({ ctx, input }) => adminBlock(ctx.deps, { actor: ctx.actor, input })),
    unblock: platformAdminProcedure
      .input(blockIdInput)
      .output(riskBlockDtoSchema)
      .mutation(({ ctx, input }) =>
        adminUnblock(ctx.deps, { actor: ctx.actor, blockId: input.blockId }),
      ),
  }),
  /** the live operations view, from this instance's metrics registry */
  operations: platformAdminProcedure.query(({ ctx }) =>
    operationsView(ctx.deps.metrics, ctx.deps.now()),
  ),
});
