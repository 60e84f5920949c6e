// The floor any reverse proxy pays: node:http in, node:http out with a keep-alive agent, headers
// copied, bodies piped. Nothing else. Targets from argv: with several, requests go round-robin
// (the load balancer of the two-instance line (h)).
import http from "node:http";
import type { AddressInfo } from "node:net";

const targets = (process.argv.length > 2 ? process.argv.slice(2) : ["http://127.0.0.1:1"]).map(
  (t) => new URL(t),
);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let next = 0;
const server = http.createServer((req, res) => {
  const target = targets[next++ % targets.length] as URL;
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      agent,
    },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    },
  );
  upstream.on("error", () => {
    res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () =>
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`),
);
// an orderly exit on SIGTERM, so a --cpu-prof profile is written
process.on("SIGTERM", () => process.exit(0));
