import { describe, expect, it } from "vitest";

import { createIsoTimestamp, createLineBuffer, createLogClock, jsonString } from "./log-output";

describe("log timestamps", () => {
  it("formats every millisecond exactly as Date#toISOString, across second, day and year boundaries", () => {
    const stamp = createIsoTimestamp();
    const starts = [
      Date.UTC(2024, 1, 28, 23, 59, 58, 990),
      Date.UTC(2024, 11, 31, 23, 59, 59, 0),
      0,
      Date.UTC(1999, 0, 1),
      Date.UTC(2100, 5, 15, 12, 0, 0, 5),
    ];
    for (const start of starts) {
      const times = Array.from({ length: 2500 }, (_, i) => start + i);
      expect(times.map(stamp)).toEqual(
        times.map((ms) => `,"time":"${new Date(ms).toISOString()}"`),
      );
    }
  });

  it("gives the right time when the clock goes back or jumps", () => {
    const stamp = createIsoTimestamp();
    for (const ms of [
      Date.UTC(2030, 0, 1, 0, 0, 1, 7),
      Date.UTC(2030, 0, 1, 0, 0, 0, 999),
      Date.UTC(2031, 6, 4, 10, 20, 30, 40),
      Date.UTC(2030, 0, 1, 0, 0, 1, 8),
    ]) {
      expect(stamp(ms)).toBe(`,"time":"${new Date(ms).toISOString()}"`);
    }
  });

  it("drops sub-millisecond fractions as toISOString does", () => {
    const stamp = createIsoTimestamp();
    const ms = Date.UTC(2025, 2, 3, 4, 5, 6, 789);
    expect(stamp(ms + 0.6)).toBe(`,"time":"${new Date(ms).toISOString()}"`);
  });
});

describe("log line buffer", () => {
  it("holds lines until they reach the threshold, then hands them on in order as one chunk", () => {
    const chunks: string[] = [];
    const buffer = createLineBuffer({ minChars: 10, write: (chunk) => chunks.push(chunk) });
    buffer.push("abc\n");
    buffer.push("def\n");
    expect(chunks).toEqual([]);
    expect(buffer.pending()).toBe(8);
    buffer.push("ghi\n");
    expect(chunks).toEqual(["abc\ndef\nghi\n"]);
    expect(buffer.pending()).toBe(0);
  });

  it("hands a single long line on at once", () => {
    const chunks: string[] = [];
    const buffer = createLineBuffer({ minChars: 4, write: (chunk) => chunks.push(chunk) });
    buffer.push("a long line\n");
    expect(chunks).toEqual(["a long line\n"]);
  });

  it("flushes what is kept, and nothing when empty", () => {
    const chunks: string[] = [];
    const buffer = createLineBuffer({ minChars: 1000, write: (chunk) => chunks.push(chunk) });
    buffer.flush();
    expect(chunks).toEqual([]);
    buffer.push("one\n");
    buffer.push("two\n");
    buffer.flush();
    buffer.flush();
    expect(chunks).toEqual(["one\ntwo\n"]);
    expect(buffer.pending()).toBe(0);
  });

  it("loses no line and keeps their order over many chunks", () => {
    const chunks: string[] = [];
    const buffer = createLineBuffer({ minChars: 100, write: (chunk) => chunks.push(chunk) });
    const lines = Array.from({ length: 1000 }, (_, i) => `{"n":${i}}\n`);
    for (const line of lines) buffer.push(line);
    buffer.flush();
    expect(chunks.join("")).toBe(lines.join(""));
    expect(chunks.slice(0, -1).every((c) => c.length >= 100)).toBe(true);
  });
});

describe("JSON strings for the access line", () => {
  it("quotes exactly as JSON.stringify does, for plain and for escaped characters", () => {
    const samples = [
      "",
      "GET",
      "/api/signal/btc",
      "req_0123456789abcdefghij",
      'a"b',
      "a\\b",
      "tab\there",
      "nl\n",
      "\u0000",
      "\u001f",
      "\u007f",
      "é",
      "😀",
      "\ud800",
      "\udc00x",
      "/%22/%5C",
      " ~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
    ];
    for (const s of samples) expect(jsonString(s)).toBe(JSON.stringify(s));
  });

  it("agrees with JSON.stringify on every single UTF-16 code unit and on random strings", () => {
    for (let c = 0; c < 0x10000; c++) {
      const s = `x${String.fromCharCode(c)}y`;
      if (jsonString(s) !== JSON.stringify(s)) expect(jsonString(s)).toBe(JSON.stringify(s));
    }
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: next() % 12 }, () =>
        String.fromCharCode(next() % 3 === 0 ? next() % 0x10000 : 0x20 + (next() % 0x5f)),
      ).join("");
      expect(jsonString(s)).toBe(JSON.stringify(s));
    }
  });
});

describe("log clock", () => {
  it("follows the monotonic clock from the wall clock's reading, and reads the wall clock again once per resync period", () => {
    let wall = 1_700_000_000_000;
    let mono = 500;
    let wallReads = 0;
    const clock = createLogClock({
      wall: () => (wallReads++, wall),
      monotonic: () => mono,
      resyncMs: 1000,
    });
    expect(clock()).toBe(1_700_000_000_000);
    mono += 250.5;
    wall += 250.5;
    expect(clock()).toBe(1_700_000_000_250.5);
    // the wall clock was stepped forward 5 s: seen at the next re-anchoring, not before
    wall += 5000;
    mono += 700;
    wall += 700;
    expect(clock()).toBe(1_700_000_000_950.5);
    mono += 100;
    wall += 100;
    expect(clock()).toBe(1_700_000_006_050.5);
    expect(wallReads).toBe(2);
  });

  it("re-anchors when the monotonic reading goes back", () => {
    let mono = 10_000;
    const clock = createLogClock({ wall: () => 42_000, monotonic: () => mono, resyncMs: 1000 });
    mono = 5;
    expect(clock()).toBe(42_000);
  });
});
