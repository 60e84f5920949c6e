import { z } from "zod";

import type { Deps } from "@/server/deps";
import { merchantStatusSchema } from "@/server/merchants/schemas";

export const adminListMerchantsInput = z.object({
  status: merchantStatusSchema.optional(),
  search: z.string().trim().max(100).optional(),
  cursor: z.string().optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type AdminListMerchantsInput = z.infer<typeof adminListMerchantsInput>;

export const adminMerchantRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: merchantStatusSchema,
  upstreamBaseUrl: z.string(),
  createdAt: z.date(),
  members: z.number().int(),
});

/** All merchants across the platform (admins only), newest first, cursor-paginated. */
export async function adminListMerchants(deps: Pick<Deps, "db">, input: AdminListMerchantsInput) {
  const rows = await deps.db.merchant.findMany({
    where: {
      ...(input.status ? { status: input.status } : {}),
      ...(input.search
        ? { OR: [{ name: { contains: input.search, mode: "insensitive" } }, { id: { equals: input.search } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: { id: true, name: true, status: true, upstreamBaseUrl: true, createdAt: true, _count: { select: { memberships: true } } },
  });
  const page = rows.slice(0, input.limit);
  return {
    items: page.map(({ _count, ...m }) => ({ ...m, members: _count.memberships })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
