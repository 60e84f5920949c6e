import net from "node:net";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proxyToUpstream } from "./proxy";

// Node's keep-alive race: the upstream closes an idle kept-alive socket just as the gateway reuses
// it. This upstream answers the first request on a connection and resets the connection when a
// second request arrives on it, as a server whose keep-alive timer fired would.

let server: net.Server;
let url: string;
const requestsPerConnection: number[] = [];

beforeAll(async () => {
  server = net.createServer((socket) => {
    const index = requestsPerConnection.push(0) - 1;
    socket.on("data", (chunk) => {
      if (!chunk.toString("latin1").includes("\r\n\r\n")) return;
      requestsPerConnection[index] = (requestsPerConnection[index] ?? 0) + 1;
      if ((requestsPerConnection[index] ?? 0) > 1) return socket.resetAndDestroy();
      const body = JSON.stringify({ connection: index });
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`,
      );
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const call = (method: string, body: string | null = null) =>
  proxyToUpstream({
    method,
    url: new URL(`${url}/x`),
    headers: body ? { "content-length": String(body.length) } : {},
    body: body ? new Blob([body]).stream() : null,
    declaredLength: body ? body.length : null,
    timeoutMs: 5_000,
    maxBodyBytes: 1024,
    allowPrivate: true,
  });

async function read(outcome: Awaited<ReturnType<typeof call>>): Promise<unknown> {
  if (outcome.kind !== "response" || !outcome.body) return outcome;
  const chunks: Buffer[] = [];
  for await (const chunk of outcome.body) chunks.push(Buffer.from(chunk as Buffer));
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

describe("proxyToUpstream on a kept-alive socket the upstream reset", () => {
  it("sends a bodiless request once more on a fresh connection", async () => {
    const first = await read(await call("GET"));
    expect(first).toEqual({ connection: 0 });
    const second = await read(await call("GET"));
    // the reused socket was reset; the retry went out on a new connection and was answered there
    expect(second).toEqual({ connection: 1 });
    expect(requestsPerConnection.slice(0, 2)).toEqual([2, 1]);
  });

  it("does not resend a request with a body (it may have reached the upstream): the error is reported", async () => {
    await read(await call("GET"));
    const outcome = await call("POST", "{}");
    expect(outcome).toMatchObject({ kind: "error", message: "ECONNRESET" });
  });
});
