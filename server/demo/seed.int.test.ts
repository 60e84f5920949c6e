import { describe, expect, it } from "vitest";

import { compileRules, matchRequest } from "@/server/pricing/rules";
import { testEnv, useTestDatabase } from "@/server/testing/int";

import { DEMO_CREDENTIALS, DEMO_MERCHANT_ID, seedDemo } from "./seed";

const database = useTestDatabase();
const chain = {
  localChain: { chainId: 31337, tokenAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
  merchantWallet: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
};

describe("the demo seed", () => {
  // The demo admin's password is published: a production database must never get it from the seed.
  it("creates no platform admin under NODE_ENV=production, and stays idempotent", async () => {
    const env = {
      ...testEnv({ APP_URL: "http://127.0.0.1:3000" }),
      NODE_ENV: "production" as const,
    };
    const first = await seedDemo({ db: database.db, env }, chain);
    expect(first).toMatchObject({
      admin: null,
      created: true,
      merchantUser: DEMO_CREDENTIALS.merchantUser,
    });
    expect(await database.db.user.count({ where: { role: "PLATFORM_ADMIN" } })).toBe(0);
    expect(await database.db.user.count({ where: { email: DEMO_CREDENTIALS.admin.email } })).toBe(
      0,
    );
    const second = await seedDemo({ db: database.db, env }, chain);
    expect(second).toMatchObject({ admin: null, created: false });
    expect(await database.db.user.count({ where: { role: "PLATFORM_ADMIN" } })).toBe(0);
  });

  // Issue #20: the demo upstream answers every method on its paths, so the demo must price them all.
  it("prices every method the demo upstream serves on its paid paths", async () => {
    await seedDemo({ db: database.db, env: testEnv({ APP_URL: "http://127.0.0.1:3000" }) }, chain);
    const rules = compileRules(
      await database.db.pricingRule.findMany({ where: { merchantId: DEMO_MERCHANT_ID } }),
    );
    for (const path of ["/api/signal/btc", "/api/echo"]) {
      for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
        expect(matchRequest(rules, method, path).match, `${method} ${path}`).not.toBeNull();
      }
    }
  });
});
