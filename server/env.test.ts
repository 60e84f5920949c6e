import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { EnvError, facilitatorPrivateKeys, parseServerEnv, serverEnvSchema } from "./env";

const KEY = Buffer.alloc(32, 7).toString("base64");

describe("parseServerEnv", () => {
  it("works with an empty environment in development (embedded defaults)", () => {
    const env = parseServerEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.APP_URL).toBe("http://localhost:3000");
    expect(env.ALLOW_PRIVATE_UPSTREAMS).toBe(true);
    expect(env.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it("names the variable when a value is malformed", () => {
    expect(() => parseServerEnv({ APP_URL: "not a url" })).toThrow(/APP_URL/);
    expect(() => parseServerEnv({ FACILITATOR_PRIVATE_KEY: "0x1234" })).toThrow(
      /FACILITATOR_PRIVATE_KEY/,
    );
    expect(() => parseServerEnv({ TRUSTED_PROXIES: "10.0.0.0/8, proxy.internal" })).toThrow(
      /TRUSTED_PROXIES: "proxy.internal" is not an IP address/,
    );
    expect(parseServerEnv({ TRUSTED_PROXIES: "loopback, 10.0.0.0/8" }).TRUSTED_PROXIES).toBe(
      "loopback, 10.0.0.0/8",
    );
    expect(() => parseServerEnv({ DATABASE_POOL_MAX: "0" })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => parseServerEnv({ DATABASE_POOL_MAX: "ten" })).toThrow(/DATABASE_POOL_MAX/);
    expect(parseServerEnv({}).DATABASE_POOL_MAX).toBe(10);
    expect(parseServerEnv({ DATABASE_POOL_MAX: "40" }).DATABASE_POOL_MAX).toBe(40);
  });

  it("reads several facilitator keys and keeps the single-key variable working", () => {
    const a = `0x${"a".repeat(64)}`;
    const b = `0x${"b".repeat(64)}`;
    const c = `0x${"c".repeat(64)}`;
    expect(facilitatorPrivateKeys(parseServerEnv({}))).toEqual([]);
    expect(facilitatorPrivateKeys(parseServerEnv({ FACILITATOR_PRIVATE_KEY: a }))).toEqual([a]);
    expect(
      facilitatorPrivateKeys(parseServerEnv({ FACILITATOR_PRIVATE_KEYS: ` ${b}, ${c} ,` })),
    ).toEqual([b, c]);
    // the single key comes first, and a key named in both places is one account
    expect(
      facilitatorPrivateKeys(
        parseServerEnv({
          FACILITATOR_PRIVATE_KEY: a,
          FACILITATOR_PRIVATE_KEYS: `${b},${a.toUpperCase().replace("0X", "0x")}`,
        }),
      ),
    ).toEqual([a, b]);
    expect(() => parseServerEnv({ FACILITATOR_PRIVATE_KEYS: `${a},0x1234` })).toThrow(
      /FACILITATOR_PRIVATE_KEYS: each comma-separated key must be a 0x-prefixed 32-byte hex key/,
    );
  });

  it("refuses production without a PostgreSQL DATABASE_URL, naming it", () => {
    const attempt = () =>
      parseServerEnv({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(40), ENCRYPTION_KEY: KEY });
    expect(attempt).toThrow(EnvError);
    expect(attempt).toThrow(/DATABASE_URL: production requires a PostgreSQL URL/);
  });

  it("refuses production without AUTH_SECRET, but a build only checks formats", () => {
    expect(() =>
      parseServerEnv({
        NODE_ENV: "production",
        DATABASE_URL: "postgresql://h/db",
        ENCRYPTION_KEY: KEY,
        APP_URL: "https://gw.example.com",
      }),
    ).toThrow(/AUTH_SECRET/);
    expect(() => parseServerEnv({ NODE_ENV: "production" }, { phase: "build" })).not.toThrow();
  });

  it("switches the facilitator API off in production unless enabled, and then requires tokens or an allow-list", () => {
    const production = {
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://h/db",
      AUTH_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: KEY,
      APP_URL: "https://gw.example.com",
    };
    expect(parseServerEnv(production).FACILITATOR_API_ENABLED).toBe(false);
    expect(parseServerEnv({}).FACILITATOR_API_ENABLED).toBe(true);
    expect(() => parseServerEnv({ ...production, FACILITATOR_API_ENABLED: "true" })).toThrow(
      /FACILITATOR_API_TOKENS: required with FACILITATOR_API_ENABLED=true in production/,
    );
    expect(
      parseServerEnv({
        ...production,
        FACILITATOR_API_ENABLED: "true",
        FACILITATOR_API_TOKENS: "t".repeat(32),
      }).FACILITATOR_API_ENABLED,
    ).toBe(true);
    expect(
      parseServerEnv({
        ...production,
        FACILITATOR_API_ENABLED: "true",
        FACILITATOR_API_ALLOWED_IPS: "10.0.0.0/8",
      }).FACILITATOR_API_ENABLED,
    ).toBe(true);
    expect(() => parseServerEnv({ FACILITATOR_API_TOKENS: "short" })).toThrow(
      /FACILITATOR_API_TOKENS: each comma-separated token must be at least 24 characters/,
    );
    expect(() => parseServerEnv({ FACILITATOR_API_ALLOWED_IPS: "gateway.internal" })).toThrow(
      /FACILITATOR_API_ALLOWED_IPS/,
    );
  });

  it("drives background jobs from the cron route on Vercel, where production then requires CRON_SECRET", () => {
    const production = {
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://h/db",
      AUTH_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: KEY,
      APP_URL: "https://gw.example.com",
    };
    expect(parseServerEnv(production).BACKGROUND_JOBS).toBe("in-process");
    expect(() => parseServerEnv({ ...production, VERCEL: "1" })).toThrow(
      /CRON_SECRET: required when background jobs are driven by the cron route/,
    );
    expect(
      parseServerEnv({ ...production, VERCEL: "1", CRON_SECRET: "c".repeat(32) }).BACKGROUND_JOBS,
    ).toBe("cron");
    expect(
      parseServerEnv({ ...production, VERCEL: "1", BACKGROUND_JOBS: "in-process" }).BACKGROUND_JOBS,
    ).toBe("in-process");
    expect(() => parseServerEnv({ INSTANCE_ROLE: "worker" })).toThrow(/INSTANCE_ROLE/);
  });

  it("requires an https APP_URL in production, allowing plain http only on loopback", () => {
    const production = {
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://h/db",
      AUTH_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: KEY,
    };
    expect(() => parseServerEnv(production)).toThrow(/APP_URL: required in production/);
    expect(() => parseServerEnv({ ...production, APP_URL: "http://gateway.example.com" })).toThrow(
      /APP_URL: must be https in production/,
    );
    expect(parseServerEnv({ ...production, APP_URL: "https://gateway.example.com" }).APP_URL).toBe(
      "https://gateway.example.com",
    );
    for (const local of ["http://localhost:8080", "http://127.0.0.1:3000", "http://[::1]:3000"]) {
      expect(parseServerEnv({ ...production, APP_URL: local }).APP_URL).toBe(local);
    }
    expect(() =>
      parseServerEnv(
        { NODE_ENV: "production", APP_URL: "http://gateway.example.com" },
        { phase: "build" },
      ),
    ).not.toThrow();
  });

  it("GATEWAY_URL defaults to APP_URL, is an origin only, and must be https in production", () => {
    expect(parseServerEnv({ APP_URL: "http://localhost:4000" }).GATEWAY_URL).toBe(
      "http://localhost:4000",
    );
    expect(parseServerEnv({ GATEWAY_URL: "https://pay.example.com/" }).GATEWAY_URL).toBe(
      "https://pay.example.com",
    );
    expect(() => parseServerEnv({ GATEWAY_URL: "https://pay.example.com/gw" })).toThrow(
      /GATEWAY_URL: GATEWAY_URL is an origin only/,
    );
    const production = {
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://h/db",
      AUTH_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: KEY,
      APP_URL: "https://app.example.com",
    };
    expect(() => parseServerEnv({ ...production, GATEWAY_URL: "http://pay.example.com" })).toThrow(
      /GATEWAY_URL: must be https in production/,
    );
    expect(
      parseServerEnv({ ...production, GATEWAY_URL: "https://pay.example.com" }).GATEWAY_URL,
    ).toBe("https://pay.example.com");
  });

  it("refuses encryption keys that are not base64 of 32 bytes, naming the variable", () => {
    expect(() => parseServerEnv({ ENCRYPTION_KEY: "short" })).toThrow(
      /ENCRYPTION_KEY: must be base64 of exactly 32 bytes/,
    );
    expect(() => parseServerEnv({ ENCRYPTION_KEYS_PREVIOUS: `${KEY},short` })).toThrow(
      /ENCRYPTION_KEYS_PREVIOUS/,
    );
    expect(
      parseServerEnv({ ENCRYPTION_KEY: KEY, ENCRYPTION_KEYS_PREVIOUS: ` ${KEY} , ` })
        .ENCRYPTION_KEY,
    ).toBe(KEY);
  });

  it("treats empty strings as unset", () => {
    expect(parseServerEnv({ DATABASE_URL: "", LOG_LEVEL: "" }).LOG_LEVEL).toBe("info");
  });
});

describe(".env.example", () => {
  it("documents exactly the variables of the env schema, each with a comment", () => {
    const lines = readFileSync(new URL("../.env.example", import.meta.url), "utf8").split("\n");
    const keys = lines.filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l)).map((l) => l.split("=")[0]);
    expect(new Set(keys)).toEqual(new Set(Object.keys(serverEnvSchema.shape)));
    lines.forEach((line, i) => {
      if (/^[A-Z][A-Z0-9_]*=/.test(line))
        expect(lines[i - 1]?.startsWith("#"), `${line} needs a comment above it`).toBe(true);
    });
  });
});
