import { describe, expect, it } from "vitest";

import { checkUpstreamUrl, isPrivateAddress } from "./ssrf";

describe("checkUpstreamUrl", () => {
  const strict = { allowPrivate: false };

  it("accepts a public https URL with a path", () => {
    const result = checkUpstreamUrl("https://api.example.com/v1", strict);
    expect(result.ok && result.url.pathname).toBe("/v1");
  });

  it.each([
    ["not a url", "invalid_url"],
    ["ftp://example.com", "unsupported_protocol"],
    ["file:///etc/passwd", "unsupported_protocol"],
    ["https://user:pw@example.com", "credentials_in_url"],
    ["http://127.0.0.1:8080", "private_address"],
    ["http://localhost:3000", "private_address"],
    ["http://api.internal", "private_address"],
    ["http://10.1.2.3", "private_address"],
    ["http://169.254.169.254/latest/meta-data", "private_address"],
    ["http://[::1]:80", "private_address"],
    ["http://[::ffff:127.0.0.1]", "private_address"],
    ["http://[fd00::1]", "private_address"],
  ])("refuses %s with %s", (raw, reason) => {
    expect(checkUpstreamUrl(raw, strict)).toEqual({ ok: false, reason });
  });

  it("allows loopback when the dev setting allows private upstreams", () => {
    expect(checkUpstreamUrl("http://127.0.0.1:4000", { allowPrivate: true }).ok).toBe(true);
  });
});

describe("isPrivateAddress", () => {
  it.each([
    ["8.8.8.8", false],
    ["1.1.1.1", false],
    ["172.15.255.255", false],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["192.168.1.1", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["224.0.0.1", true],
    ["2606:4700:4700::1111", false],
    ["::", true],
    ["fe80::1%eth0", true],
    ["64:ff9b::a00:1", true],
    ["64:ff9b::808:808", false],
    ["ff02::1", true],
    ["not-an-ip", false],
  ])("%s → %s", (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});
