import { describe, expect, it } from "vitest";

import { flagValue, portFrom } from "./args";

describe("command-line flags", () => {
  it("reads a flag in either form, by any of its names", () => {
    expect(flagValue(["-p", "4000"], "-p", "--port")).toBe("4000");
    expect(flagValue(["--port=4001"], "-p", "--port")).toBe("4001");
    expect(flagValue(["--dev", "--port", "4002"], "-p", "--port")).toBe("4002");
    expect(flagValue(["--hostname=a=b"], "--hostname")).toBe("a=b");
    expect(flagValue(["--dev"], "-p", "--port")).toBeUndefined();
    expect(flagValue(["-p"], "-p", "--port")).toBe("");
  });

  it("takes the port from the flags, then PORT, then the default, and refuses a bad one", () => {
    expect(portFrom(["-p", "4000"], "5000")).toBe(4000);
    expect(portFrom([], "5000")).toBe(5000);
    expect(portFrom([], undefined)).toBe(3000);
    expect(() => portFrom(["--port=http"], undefined)).toThrow(
      'port: "http" is not a port number (1–65535)',
    );
    expect(() => portFrom(["-p"], undefined)).toThrow(/not a port number/);
  });
});
