import { EventEmitter } from "node:events";

import { describe, expect, it } from "vitest";

import { installProcessGuards } from "./process-guards";

function recordingLog() {
  const lines: { level: string; obj: { err: unknown }; msg: string }[] = [];
  return {
    lines,
    fatal: (obj: { err: unknown }, msg: string) => void lines.push({ level: "fatal", obj, msg }),
    error: (obj: { err: unknown }, msg: string) => void lines.push({ level: "error", obj, msg }),
  };
}

describe("installProcessGuards", () => {
  it("logs an uncaught exception at fatal level with the error, instead of letting it escape", () => {
    const target = new EventEmitter();
    const log = recordingLog();
    installProcessGuards(target, log as never);
    const err = new TypeError("Cannot read properties of undefined (reading 'destroy')");
    // an EventEmitter with a listener does not rethrow: the process-level event is handled
    expect(target.emit("uncaughtException", err)).toBe(true);
    expect(log.lines).toEqual([
      { level: "fatal", obj: { err }, msg: "uncaught exception: the process keeps serving" },
    ]);
  });

  it("logs an unhandled rejection at error level", () => {
    const target = new EventEmitter();
    const log = recordingLog();
    installProcessGuards(target, log as never);
    const reason = new Error("nobody awaited this");
    expect(target.emit("unhandledRejection", reason)).toBe(true);
    expect(log.lines).toEqual([
      { level: "error", obj: { err: reason }, msg: "unhandled promise rejection" },
    ]);
  });

  it("installs its listeners once however often it is called (boot runs in two bundles)", () => {
    const target = new EventEmitter();
    const log = recordingLog();
    installProcessGuards(target, log as never);
    installProcessGuards(target, log as never);
    expect(target.listenerCount("uncaughtException")).toBe(1);
    expect(target.listenerCount("unhandledRejection")).toBe(1);
  });
});
