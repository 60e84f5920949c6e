import { describe, expect, it } from "vitest";

import { formatAccessLine, type AccessLine } from "./log-output";
import { accessLogger, createLogger } from "./logger";

function capture(level: string) {
  const lines: string[] = [];
  const log = createLogger({
    level,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { log, lines };
}

const entry: AccessLine = {
  requestId: "req_0123456789abcdefghij",
  merchantId: "mer_0123456789abcdefghij",
  method: "GET",
  path: "/api/signal/btc",
  outcome: "free",
  reason: "none",
  ms: 3,
};

describe("the gateway's access line", () => {
  it("is the same JSON, key for key and in the same order, as the logger's own info line", () => {
    const { log, lines } = capture("info");
    log.info(entry, "gateway request");
    accessLogger(log).write(entry);
    expect(lines).toHaveLength(2);
    const [fromPino, fromAccess] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(fromAccess as object)).toEqual(Object.keys(fromPino as object));
    expect({ ...fromAccess, time: "t" }).toEqual({ ...fromPino, time: "t" });
    expect(lines[1]?.endsWith("}\n")).toBe(true);
    expect(Math.abs(Date.parse(String(fromAccess?.time)) - Date.now())).toBeLessThan(5_000);
  });

  it("stays valid JSON whatever the path and method hold", () => {
    const odd = {
      ...entry,
      method: 'GE"T',
      path: '/a"b\\c\n\u0001/é/😀',
      reason: "</script>",
      ms: Number.NaN,
    };
    const parsed = JSON.parse(
      formatAccessLine(',"time":"2025-01-01T00:00:00.000Z"', odd),
    ) as Record<string, unknown>;
    expect(parsed).toEqual({
      level: "info",
      time: "2025-01-01T00:00:00.000Z",
      ...odd,
      ms: null,
      msg: "gateway request",
    });
  });

  it("is written only when the level includes info", () => {
    for (const [level, expected] of [
      ["info", 1],
      ["debug", 1],
      ["warn", 0],
      ["silent", 0],
    ] as const) {
      const { log, lines } = capture(level);
      const access = accessLogger(log);
      expect(access.enabled()).toBe(expected === 1);
      access.write(entry);
      expect(lines).toHaveLength(expected);
    }
  });

  it("writes to the logger's destination when given a child logger too (without the child's bindings)", () => {
    const { log, lines } = capture("info");
    accessLogger(log.child({ component: "gateway" })).write(entry);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      msg: "gateway request",
      requestId: entry.requestId,
    });
  });
});
