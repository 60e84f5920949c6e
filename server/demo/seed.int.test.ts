import { describe, expect, it } from "vitest";

import { testEnv, useTestDatabase } from "@/server/testing/int";

import { DEMO_CREDENTIALS, seedDemo } from "./seed";

// The demo admin's password is published: a production database must never get it from the seed.

const database = useTestDatabase();
const chain = { localChain: { chainId: 31337, tokenAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3" }, merchantWallet: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" };

describe("seedDemo", () => {
  it("creates no platform admin under NODE_ENV=production, and stays idempotent", async () => {
    const env = { ...testEnv({ APP_URL: "http://127.0.0.1:3000" }), NODE_ENV: "production" as const };
    const first = await seedDemo({ db: database.db, env }, chain);
    expect(first).toMatchObject({ admin: null, created: true, merchantUser: DEMO_CREDENTIALS.merchantUser });
    expect(await database.db.user.count({ where: { role: "PLATFORM_ADMIN" } })).toBe(0);
    expect(await database.db.user.count({ where: { email: DEMO_CREDENTIALS.admin.email } })).toBe(0);
    const second = await seedDemo({ db: database.db, env }, chain);
    expect(second).toMatchObject({ admin: null, created: false });
    expect(await database.db.user.count({ where: { role: "PLATFORM_ADMIN" } })).toBe(0);
  });
});
