// The benchmark's upstream: the cheapest possible JSON API, in its own process.
import http from "node:http";
import type { AddressInfo } from "node:net";

const body = JSON.stringify({ symbol: "BTC", signal: "buy", confidence: 0.73 });
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () =>
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`),
);
