import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { z, ZodError } from "zod";

import {
  callerFor,
  platformAdmin,
  testDeps,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

import { feeVersionInForce, platformFeeFor } from "./fee-templates";
import { issueMessage, vmsg } from "@/server/i18n/validation-keys";
import { validationTextIn } from "@/server/i18n/validation-text";

const database = useTestDatabase();
const T0 = new Date("2030-01-01T00:00:00Z");
const HOUR = 3_600_000;
let admin: SessionUser;
let merchantId: string;
let clock = T0;

const asAdmin = () => callerFor(testDeps(database.db, { now: () => clock }), admin);

async function fieldErrorsOf(call: Promise<unknown>) {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  const shape = err as TRPCError;
  expect(shape.code).toBe("BAD_REQUEST");
  // the same flattening the error formatter sends to the console as data.zodError, read in English
  const fields =
    shape.cause instanceof ZodError
      ? (z.flattenError(shape.cause, issueMessage).fieldErrors as Record<string, string[]>)
      : ((shape.cause as { details?: { fieldErrors?: Record<string, string[]> } }).details
          ?.fieldErrors ?? {});
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, v.map((m) => validationTextIn("en", m))]),
  );
}

beforeAll(async () => {
  admin = await platformAdmin(database.db);
  const deps = testDeps(database.db);
  const owner = await signUpWithPassword(deps, {
    name: "Owner",
    email: uniqueEmail("owner"),
    password: "correct horse battery",
  });
  merchantId = (
    await callerFor(deps, owner).merchants.create({
      name: "Shop",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    })
  ).id;
});

describe("fee templates", () => {
  it("has no fee in force before any template exists", async () => {
    expect(await feeVersionInForce(database.db, { merchantId, at: T0 })).toBeNull();
  });

  it("creates a default template and answers the version in force at each moment", async () => {
    clock = T0;
    const standard = await asAdmin().admin.feeTemplates.create({
      name: "Standard",
      bps: 250,
      fixedFeeAtomic: "0",
      isDefault: true,
    });
    const later = await asAdmin().admin.feeTemplates.addVersion({
      templateId: standard.id,
      bps: 300,
      fixedFeeAtomic: "1000",
      effectiveFrom: new Date(T0.getTime() + HOUR),
    });

    expect(
      await feeVersionInForce(database.db, { merchantId, at: new Date(T0.getTime() + HOUR / 2) }),
    ).toEqual({
      templateId: standard.id,
      versionId: standard.versionId,
      bps: 250,
      fixedFeeAtomic: 0n,
    });
    const inForce = await feeVersionInForce(database.db, {
      merchantId,
      at: new Date(T0.getTime() + 2 * HOUR),
    });
    expect(inForce).toEqual({
      templateId: standard.id,
      versionId: later.id,
      bps: 300,
      fixedFeeAtomic: 1000n,
    });
    expect(platformFeeFor(10_000n, inForce!)).toBe(1_300n);
    // before the template existed nothing was in force
    expect(
      await feeVersionInForce(database.db, { merchantId, at: new Date(T0.getTime() - 1) }),
    ).toBeNull();
  });

  it("uses the merchant's own template once it has terms in force, the default before that", async () => {
    clock = T0;
    const vip = await asAdmin().admin.feeTemplates.create({
      name: "VIP",
      bps: 100,
      fixedFeeAtomic: "0",
      effectiveFrom: new Date(T0.getTime() + 24 * HOUR),
    });
    await asAdmin().admin.merchants.assignFeeTemplate({ merchantId, templateId: vip.id });
    expect(
      (await feeVersionInForce(database.db, { merchantId, at: new Date(T0.getTime() + 2 * HOUR) }))
        ?.bps,
    ).toBe(300);
    expect(
      await feeVersionInForce(database.db, { merchantId, at: new Date(T0.getTime() + 25 * HOUR) }),
    ).toMatchObject({ templateId: vip.id, bps: 100 });
    const audit = await database.db.auditLog.findFirstOrThrow({
      where: { action: "merchant.fee_template.assign", merchantId },
    });
    expect(audit).toMatchObject({
      actorUserId: admin.id,
      actorRole: "PLATFORM_ADMIN",
      before: { feeTemplateId: null },
      after: { feeTemplateId: vip.id },
    });
  });

  it("keeps exactly one default template", async () => {
    const templates = await asAdmin().admin.feeTemplates.list();
    const vip = templates.find((t) => t.name === "VIP")!;
    await asAdmin().admin.feeTemplates.setDefault({ templateId: vip.id });
    expect(
      (await database.db.feeTemplate.findMany({ where: { isDefault: true } })).map((t) => t.name),
    ).toEqual(["VIP"]);
    const standard = templates.find((t) => t.name === "Standard")!;
    await asAdmin().admin.feeTemplates.setDefault({ templateId: standard.id });
    expect(
      (await database.db.feeTemplate.findMany({ where: { isDefault: true } })).map((t) => t.name),
    ).toEqual(["Standard"]);
  });

  it("refuses a version starting in the past, so a closed period is never rewritten", async () => {
    clock = new Date(T0.getTime() + 10 * HOUR);
    const standard = (await asAdmin().admin.feeTemplates.list()).find(
      (t) => t.name === "Standard",
    )!;
    const before = await database.db.feeTemplateVersion.count();
    expect(
      await fieldErrorsOf(
        asAdmin().admin.feeTemplates.addVersion({
          templateId: standard.id,
          bps: 1,
          effectiveFrom: new Date(T0.getTime() + 9 * HOUR),
        }),
      ),
    ).toEqual({
      effectiveFrom: ["The start must not be in the past: periods already billed keep their fee"],
    });
    expect(await database.db.feeTemplateVersion.count()).toBe(before);
    expect(
      (
        await feeVersionInForce(database.db, {
          merchantId: "mer_00000000000000000000",
          at: new Date(T0.getTime() + 9 * HOUR),
        })
      )?.bps,
    ).toBe(300);
  });

  it("answers clear field errors for a negative fee, a fee over 100 %, fractional bps and a negative fixed fee", async () => {
    const standard = (await asAdmin().admin.feeTemplates.list()).find(
      (t) => t.name === "Standard",
    )!;
    expect(
      await fieldErrorsOf(
        asAdmin().admin.feeTemplates.create({ name: "Neg", bps: -1, fixedFeeAtomic: "0" }),
      ),
    ).toEqual({ bps: ["A fee cannot be negative"] });
    expect(
      await fieldErrorsOf(
        asAdmin().admin.feeTemplates.create({ name: "Greedy", bps: 10_001, fixedFeeAtomic: "0" }),
      ),
    ).toEqual({ bps: ["A fee cannot exceed 100 % (10000 bps)"] });
    expect(
      await fieldErrorsOf(
        asAdmin().admin.feeTemplates.addVersion({ templateId: standard.id, bps: 12.5 }),
      ),
    ).toEqual({ bps: ["Basis points must be a whole number (1 bp = 0.01 %)"] });
    expect(
      await fieldErrorsOf(
        asAdmin().admin.feeTemplates.create({ name: "Refund me", bps: 0, fixedFeeAtomic: "-1" }),
      ),
    ).toEqual({ fixedFeeAtomic: ["The fixed fee cannot be negative"] });
    expect(
      await database.db.feeTemplate.count({
        where: { name: { in: ["Neg", "Greedy", "Refund me"] } },
      }),
    ).toBe(0);
  });

  it("refuses a duplicate name as a field error", async () => {
    const err = await asAdmin()
      .admin.feeTemplates.create({ name: "Standard", bps: 1, fixedFeeAtomic: "0" })
      .then(
        () => null,
        (e: unknown) => e as TRPCError,
      );
    expect(err?.code).toBe("CONFLICT");
    // the key for the console (shown in the reader's language), English for the API
    expect((err?.cause as { details?: unknown }).details).toEqual({
      fieldErrors: { name: [vmsg("billing.templateNameTaken")] },
    });
    expect(err?.message).toBe("A template with this name already exists");
  });
});
