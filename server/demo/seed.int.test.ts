import { describe, expect, it } from "vitest";

import { matchRequest, compileRules } from "@/server/pricing/rules";
import { testDeps, testEnv, useTestDatabase } from "@/server/testing/int";

import { DEMO_MERCHANT_ID, seedDemo } from "./seed";

const database = useTestDatabase();

// Issue #20: the demo upstream answers every method on its paths, so the demo must price them all.
describe("the demo seed", () => {
  it("prices every method the demo upstream serves on its paid paths", async () => {
    const deps = testDeps(database.db, { env: testEnv({ APP_URL: "http://127.0.0.1:3000" }) });
    await seedDemo(deps, { localChain: { chainId: 31337, tokenAddress: "0x5fbdb2315678afecb367f032d93f642f64180aa3" }, merchantWallet: "0x90f79bf6eb2c4f870365e785982e1f101e93b906" });
    const rules = compileRules(await database.db.pricingRule.findMany({ where: { merchantId: DEMO_MERCHANT_ID } }));
    for (const path of ["/api/signal/btc", "/api/echo"]) {
      for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
        expect(matchRequest(rules, method, path).match, `${method} ${path}`).not.toBeNull();
      }
    }
  });
});
