import { describe, expect, it } from "vitest";

import {
  judgeLock,
  lockedMessage,
  parseLockRecord,
  parseProcStat,
  type LockRecord,
} from "./data-dir-lock";

const self = { pid: 100, hostname: "vm", bootId: "boot-a", processStart: "5000" };
const record = (over: Partial<LockRecord> = {}): LockRecord => ({
  pid: 200,
  hostname: "vm",
  bootId: "boot-a",
  processStart: "7000",
  startedAt: "2026-12-07T01:00:00.000Z",
  command: "node server/cli/start.ts",
  nonce: "n1",
  ...over,
});

describe("parseProcStat", () => {
  it("reads state and start time even when the command name holds spaces and parentheses", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = "S";
    fields[19] = "123456";
    expect(parseProcStat(`42 (node (worker) x) ${fields.join(" ")}`)).toEqual({
      state: "S",
      processStart: "123456",
    });
  });

  it("returns null for text that is not a stat line", () => {
    expect(parseProcStat("")).toBeNull();
    expect(parseProcStat("42 (node) S 1")).toBeNull();
  });
});

describe("parseLockRecord", () => {
  it("round-trips a record", () => {
    expect(parseLockRecord(JSON.stringify(record()))).toEqual(record());
  });

  it("rejects empty, truncated or foreign content", () => {
    expect(parseLockRecord("")).toBeNull();
    expect(parseLockRecord('{"pid":20')).toBeNull();
    expect(parseLockRecord(JSON.stringify({ pid: -1, hostname: "vm", nonce: "x" }))).toBeNull();
    expect(parseLockRecord(JSON.stringify({ hostname: "vm", nonce: "x" }))).toBeNull();
  });
});

describe("judgeLock", () => {
  const alive = { alive: true, processStart: "7000", command: "node server/cli/start.ts" };

  it("holds while the recorded process runs with the recorded start time", () => {
    expect(judgeLock(record(), self, alive)).toEqual({ kind: "held", otherHost: false });
  });

  it("holds when the start time cannot be read (no /proc)", () => {
    expect(
      judgeLock(
        record({ processStart: null }),
        { ...self, processStart: null },
        { ...alive, processStart: null },
      ),
    ).toEqual({ kind: "held", otherHost: false });
  });

  it("is stale when the process has exited", () => {
    expect(
      judgeLock(record(), self, { alive: false, processStart: null, command: null }),
    ).toMatchObject({ kind: "stale", reason: "process 200 has exited" });
  });

  it("is stale when the pid now belongs to another process (its start time differs)", () => {
    expect(judgeLock(record(), self, { ...alive, processStart: "9999" })).toMatchObject({
      kind: "stale",
      reason: "pid 200 belongs to another process now",
    });
  });

  it("is stale when it was taken before the machine's last boot, even if the pid runs now", () => {
    expect(judgeLock(record({ bootId: "boot-old" }), self, alive)).toMatchObject({ kind: "stale" });
  });

  it("is stale when it records this process's pid (this process's own, or a previous holder of the pid)", () => {
    expect(judgeLock(record({ pid: 100, processStart: "5000" }), self, alive)).toMatchObject({
      kind: "stale",
      reason: "it is this process's own",
    });
    expect(judgeLock(record({ pid: 100, processStart: "1" }), self, alive)).toMatchObject({
      kind: "stale",
      reason: "pid 100 is this process now",
    });
  });

  it("is stale when unreadable", () => {
    expect(judgeLock(null, self, null)).toMatchObject({ kind: "stale" });
  });

  it("holds a lock of another host, whose pid cannot be checked from here", () => {
    expect(
      judgeLock(record({ hostname: "other" }), self, {
        alive: false,
        processStart: null,
        command: null,
      }),
    ).toEqual({ kind: "held", otherHost: true });
  });
});

describe("lockedMessage", () => {
  it("names the directory, the holder's pid and command, and how to stop it", () => {
    const message = lockedMessage(
      "/data/pglite",
      record(),
      "node --import tsx server/cli/start.ts -p 3000",
      false,
    );
    expect(message).toContain("/data/pglite");
    expect(message).toContain("pid 200 (node --import tsx server/cli/start.ts -p 3000)");
    expect(message).toContain("kill 200");
  });

  it("for another host, says where the holder runs and which file to delete once it is gone", () => {
    const message = lockedMessage("/data/pglite", record({ hostname: "box-2" }), null, true);
    expect(message).toContain("on host box-2");
    expect(message).toContain("delete /data/pglite/x402-gateway.lock");
  });
});
