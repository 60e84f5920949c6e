import "server-only";

import { createHydrationHelpers } from "@trpc/react-query/rsc";
import { headers } from "next/headers";
import { cache } from "react";

import { createCaller, type AppRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getSessionClaims } from "@/server/auth";
import { getRuntime } from "@/server/runtime";
import { clientIpFrom } from "@/server/http/client-ip";
import { requestIdFrom } from "@/server/http/request-id";

import { createQueryClient } from "./query-client";

const createContext = cache(async () => {
  const h = await headers();
  const deps = getRuntime().deps;
  return createTRPCContext({
    deps,
    session: await getSessionClaims(deps, h),
    requestId: requestIdFrom(h),
    ip: clientIpFrom(h),
  });
});

const getQueryClient = cache(createQueryClient);
const caller = createCaller(createContext);

/** RSC caller: `await api.merchants.get(...)` in server components, with hydration for client leaves. */
export const { trpc: api, HydrateClient } = createHydrationHelpers<AppRouter>(
  caller,
  getQueryClient,
);
