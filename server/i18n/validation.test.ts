import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";
import { z } from "zod";

import { detailsInEnglish, fieldError } from "@/server/errors";
import { createCorrectionInput } from "@/server/billing/correction-schemas";
import { feeTermsSchema } from "@/server/billing/schemas";
import { hostedFacilitatorSettingsInput } from "@/server/facilitator/hosted/schemas";
import { upstreamCredentialInput } from "@/server/merchants/schemas";
import { parseDecimalToAtomic } from "@/server/pricing/price";
import { pricingRuleInput } from "@/server/pricing/schemas";
import { toPublicErrorBody } from "@/server/public-api/request-shape";
import { signUpInput } from "@/server/users/schemas";

import { LOCALES } from "./locales";
import { messagesFor } from "./messages";
import { issueMessage, parseValidationMessage, vmsg } from "./validation-keys";
import { validationTextIn } from "./validation-text";

// Issue 25: the errors a form shows — zod's built-in issues, the schemas' own messages and the
// server's field errors — are keys of the `validation` namespace, shown in the reader's language.

const ROOT = path.resolve(import.meta.dirname, "../..");
const HAN = /\p{Script=Han}/u;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .filter((f) => !f.includes("node_modules") && !f.includes("generated"));
}

function hasKey(locale: (typeof LOCALES)[number], key: string): boolean {
  let node: unknown = messagesFor(locale).validation;
  for (const part of key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  return typeof node === "string";
}

/** The schema files the forms share with the server (STYLE 2.3: zod only, imported by forms). */
const SCHEMA_FILES = [
  ...sourceFiles("server").filter((f) => /schemas?\.ts$/.test(f)),
  "server/admin/merchants.ts",
  "server/billing/refunds.ts",
].filter(
  (f) =>
    !f.startsWith("server/payments/") &&
    !f.startsWith("server/gateway/") &&
    !f.startsWith("server/x402/"),
);

/** String literals in zod message positions: `.min(1, "…")`, `.refine(fn, "…")`, `message: "…"`, `error: "…"`. */
function messageLiterals(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  const found: string[] = [];
  const re =
    /(?:\.(?:min|max|length|int|gt|gte|lt|lte|positive|nonnegative|regex|startsWith|endsWith|includes|email|url|refine|number|string|multipleOf)\((?:[^()"'`]|\([^()]*\))*?|(?:message|error):\s*)(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const m of code.matchAll(re))
    if (/[A-Za-z]{2,}\s+[A-Za-z]+/.test(m[2] ?? "")) found.push(m[2]!);
  return found;
}

describe("validation messages are keys in every locale", () => {
  it("every vmsg(…) key in the code has a text in en and zh-CN", () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of [...sourceFiles("server"), ...sourceFiles("app")]) {
      const source = readFileSync(path.join(ROOT, file), "utf8");
      for (const m of source.matchAll(/\bvmsg\(\s*"([^"]+)"/g)) {
        seen += 1;
        for (const locale of LOCALES)
          if (!hasKey(locale, m[1]!)) missing.push(`${file}: ${locale} ${m[1]}`);
      }
    }
    expect(seen).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it("the shared schemas give messages as keys, not English sentences", () => {
    expect(SCHEMA_FILES).toContain("server/pricing/schemas.ts");
    expect(SCHEMA_FILES).toContain("server/users/schemas.ts");
    const english = SCHEMA_FILES.flatMap((file) =>
      messageLiterals(readFileSync(path.join(ROOT, file), "utf8")).map((m) => `${file}: "${m}"`),
    );
    expect(english).toEqual([]);
  });

  it("the scan finds English in message positions (so the test above can fail)", () => {
    expect(
      messageLiterals(`z.string().min(1, "Enter a price").refine((v) => v > 0, "Must be positive");
        ctx.addIssue({ code: "custom", message: "Not a valid header name" })`),
    ).toEqual(["Enter a price", "Must be positive", "Not a valid header name"]);
  });

  it("a schema's message and a built-in issue parse the same way in the browser and on the server", () => {
    const input = { name: "", email: "not-an-email", password: "short" };
    // the browser: zod's customError (app/_lib/browser-zod.ts) sees raw issues
    const browser = signUpInput.safeParse(input, { error: issueMessage });
    // the server: the tRPC error formatter maps finished issues
    const server = signUpInput.safeParse(input);
    expect(browser.success || server.success).toBe(false);
    const expected = {
      name: [vmsg("users.enterName")],
      email: [vmsg("issue.invalidEmail")],
      password: [vmsg("issue.tooSmallString", { minimum: 10 })],
    };
    expect(z.flattenError(browser.error!, issueMessage).fieldErrors).toEqual(expected);
    expect(z.flattenError(server.error!, issueMessage).fieldErrors).toEqual(expected);
  });
});

describe("validation texts", () => {
  it("a too-short password and a bad email read in Chinese in zh-CN and in English in en", () => {
    const tooShort = vmsg("issue.tooSmallString", { minimum: 10 });
    expect(validationTextIn("zh-CN", tooShort)).toBe("至少 10 个字符");
    expect(validationTextIn("en", tooShort)).toBe("Use at least 10 characters");
    expect(validationTextIn("zh-CN", vmsg("issue.invalidEmail"))).toBe("请输入有效的邮箱地址");
    expect(validationTextIn("en", vmsg("issue.invalidEmail"))).toBe("Enter a valid email address");
    expect(validationTextIn("en", vmsg("issue.tooSmallString", { minimum: 1 }))).toBe(
      "Use at least 1 character",
    );
  });

  it("zod's built-in issues read in Chinese, with their parameters", () => {
    const schema = z.object({
      count: z.number().int().min(2).max(5),
      tags: z.array(z.string()).min(1),
      site: z.url(),
      path: z.string().startsWith("/"),
      kind: z.enum(["A", "B"]),
      missing: z.string(),
    });
    const parsed = schema.safeParse(
      { count: 9, tags: [], site: "nope", path: "x", kind: "C" },
      { error: issueMessage },
    );
    const fields = z.flattenError(parsed.error!, issueMessage).fieldErrors as Record<
      string,
      string[]
    >;
    const zh = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, validationTextIn("zh-CN", v[0]!)]),
    );
    expect(zh).toEqual({
      count: "请输入不大于 5 的数",
      tags: "至少选择 1 项",
      site: "请输入有效的 URL",
      path: "须以 / 开头",
      kind: "请从选项中选择",
      missing: "必填",
    });
  });

  it("every schema message of the pricing form reads in Chinese", () => {
    const parsed = pricingRuleInput.safeParse(
      { pathPattern: "", price: "", network: "", asset: "x", billingMode: "BUNDLE", methods: [] },
      { error: issueMessage },
    );
    const messages = parsed.error!.issues.map((i) => validationTextIn("zh-CN", issueMessage(i)));
    expect(messages.length).toBeGreaterThanOrEqual(5);
    for (const message of messages) {
      expect(message, message).toMatch(HAN);
      // paths like /api/* are code, not English
      expect(message.replace(/\/\S*/g, ""), message).not.toMatch(/\b[a-z]{3,}\b/);
    }
  });

  it.each([
    ["fee template", feeTermsSchema, { bps: -1 }],
    [
      "correction",
      createCorrectionInput,
      { merchantId: "", direction: "CREDIT", amountAtomic: "0", reason: "x" },
    ],
    [
      "upstream credential",
      upstreamCredentialInput,
      { location: "HEADER", name: "bad name", value: "a\nb" },
    ],
    ["hosted facilitator", hostedFacilitatorSettingsInput, { url: "nope", cdpApiKeyId: "id" }],
  ] as const)("the %s form's messages read in Chinese", (_name, schema, input) => {
    const parsed = (schema as z.ZodType).safeParse(input, { error: issueMessage });
    expect(parsed.success).toBe(false);
    for (const issue of parsed.error!.issues) {
      const message = validationTextIn("zh-CN", issueMessage(issue));
      expect(message, `${issue.path.join(".")}: ${message}`).toMatch(HAN);
    }
  });

  it("other text passes through unchanged, and a malformed key is not a key", () => {
    expect(validationTextIn("zh-CN", "Already exists")).toBe("Already exists");
    expect(validationTextIn("zh-CN", "validation.no.such.key")).toBe("validation.no.such.key");
    expect(parseValidationMessage("validation.x y")).toBeNull();
    expect(parseValidationMessage(vmsg("pricing.tooManyDecimals", { decimals: 6 }))).toEqual({
      key: "pricing.tooManyDecimals",
      values: { decimals: 6 },
    });
  });
});

describe("server field errors", () => {
  it("a domain error carries the key for the console and English for the API", () => {
    const price = parseDecimalToAtomic("0.0000001", 6);
    expect(price.ok).toBe(false);
    const err = fieldError("price", price.ok ? "" : price.message);
    expect(err.message).toBe("Use at most 6 decimal places for this asset");
    expect(err.details).toEqual({
      fieldErrors: { price: [vmsg("pricing.tooManyDecimals", { decimals: 6 })] },
    });
    expect(validationTextIn("zh-CN", vmsg("pricing.tooManyDecimals", { decimals: 6 }))).toBe(
      "该资产最多支持 6 位小数",
    );
    expect(detailsInEnglish(err.details)).toEqual({
      fieldErrors: { price: ["Use at most 6 decimal places for this asset"] },
    });
  });

  it("the REST API's error body shows field errors in English", () => {
    const body = toPublicErrorBody(
      {
        message: "Use at most 6 decimal places for this asset",
        data: {
          appCode: "invalid_request",
          zodError: { price: [vmsg("pricing.tooManyDecimals", { decimals: 6 })] },
        },
      },
      "req_1",
    );
    expect(body.error.details).toEqual({
      fieldErrors: { price: ["Use at most 6 decimal places for this asset"] },
    });
  });
});
