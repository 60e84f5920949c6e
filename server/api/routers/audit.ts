import { auditFiltersSchema, listAuditEntries } from "@/server/audit/audit-log";

import { merchantProcedureWith, router } from "../trpc";

// A merchant's own audit entries, for its OWNERs. Read-only: entries are never edited or deleted.
export const auditRouter = router({
  list: merchantProcedureWith("audit.read")
    .input(auditFiltersSchema)
    .query(({ ctx, input }) =>
      listAuditEntries(ctx.deps, { ...input, merchantId: ctx.merchant.id }),
    ),
});
