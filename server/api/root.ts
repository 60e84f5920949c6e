import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

import { adminRouter } from "./routers/admin";
import { alertsRouter } from "./routers/alerts";
import { apiKeysRouter } from "./routers/api-keys";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { billingRouter } from "./routers/billing";
import { callsRouter } from "./routers/calls";
import { dashboardRouter } from "./routers/dashboard";
import { entitlementsRouter } from "./routers/entitlements";
import { merchantsRouter } from "./routers/merchants";
import { playgroundRouter } from "./routers/playground";
import { pricingRulesRouter } from "./routers/pricing-rules";
import { teamRouter } from "./routers/team";
import { transactionsRouter } from "./routers/transactions";
import { upstreamRouter } from "./routers/upstream";
import { webhooksRouter } from "./routers/webhooks";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  merchants: merchantsRouter,
  pricingRules: pricingRulesRouter,
  apiKeys: apiKeysRouter,
  dashboard: dashboardRouter,
  transactions: transactionsRouter,
  calls: callsRouter,
  entitlements: entitlementsRouter,
  billing: billingRouter,
  webhooks: webhooksRouter,
  team: teamRouter,
  playground: playgroundRouter,
  upstream: upstreamRouter,
  audit: auditRouter,
  alerts: alertsRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
