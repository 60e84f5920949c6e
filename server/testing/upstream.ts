import http from "node:http";
import type { AddressInfo } from "node:net";

// A real HTTP upstream for gateway tests: it records what it received, so tests can check the
// gateway's header hygiene, and it can fail or stall on demand.

export type SeenRequest = {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
};

export type TestUpstream = {
  url: string;
  seen: SeenRequest[];
  /** Resolves with the first request received (before or after the call) whose path and query start with `prefix`. */
  arrived: (prefix: string) => Promise<SeenRequest>;
  /** Answers every request held with `?hold=1` (200), in the order they came. */
  releaseHeld: () => void;
  close: () => Promise<void>;
};

export async function startTestUpstream(): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const waiting: { prefix: string; resolve: (request: SeenRequest) => void }[] = [];
  let held: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      seen.push(request);
      for (const waiter of waiting.filter((w) => request.url.startsWith(w.prefix))) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(request);
      }
      const url = new URL(req.url ?? "/", "http://upstream");
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };
      if (url.pathname.startsWith("/api/fail")) return send(500, { error: "upstream exploded" });
      // answers without echoing anything it received (tests that look for leaked credentials)
      if (url.pathname.startsWith("/api/quiet")) return send(200, { ok: true });
      if (url.pathname.startsWith("/api/missing")) return send(404, { error: "no such thing" });
      if (url.pathname.startsWith("/api/slow") || url.pathname.startsWith("/api/free/slow")) {
        // held until the test says so: "the first attempt is still running" without guessing how long it takes
        if (url.searchParams.get("hold") === "1") {
          const answer = () => send(200, { slow: true });
          held.push(answer);
          res.on("close", () => (held = held.filter((a) => a !== answer)));
          return;
        }
        const timer = setTimeout(
          () => send(200, { slow: true }),
          Number(url.searchParams.get("ms") ?? 5000),
        );
        res.on("close", () => clearTimeout(timer));
        return;
      }
      if (url.pathname.startsWith("/api/text")) {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("plain words, not JSON");
      }
      // a hostile merchant's page: script that calls the console's API, cookies and origin-wide headers
      if (url.pathname.startsWith("/api/html")) {
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "set-cookie": ["next-auth.session-token=planted; Path=/", "merchant=1; Path=/; HttpOnly"],
          "content-security-policy": "default-src *",
          "clear-site-data": '"cookies", "storage"',
          "strict-transport-security": "max-age=63072000; includeSubDomains; preload",
          nel: '{"report_to":"merchant","max_age":31536000}',
          "report-to":
            '{"group":"merchant","max_age":31536000,"endpoints":[{"url":"https://merchant.example/reports"}]}',
          "alt-svc": 'h3=":443"; ma=86400',
          "service-worker-allowed": "/",
          "access-control-allow-credentials": "true",
          "x-merchant": "kept",
        });
        return res.end(
          `<!doctype html><title>merchant</title><script>fetch("/api/trpc/auth.me",{credentials:"include"}).then(r=>r.text()).then(t=>{document.title="stolen:"+t})</script>`,
        );
      }
      // a metered API: reports what the call used in X-Usage-Amount (atomic units), when told to
      if (url.pathname.startsWith("/api/metered")) {
        const used = url.searchParams.get("used");
        return send(200, { metered: true, used }, used === null ? {} : { "x-usage-amount": used });
      }
      if (url.pathname.startsWith("/api/echo"))
        return send(200, { method: req.method, path: url.pathname, query: url.search, body });
      const symbol = url.pathname.split("/").at(-1) ?? "";
      return send(
        200,
        {
          symbol: symbol.toUpperCase(),
          signal: "buy",
          path: url.pathname,
          query: url.search,
          paidBy: req.headers["x-x402-payer"] ?? null,
        },
        { "set-cookie": "upstream=1; Path=/" },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    arrived: (prefix) => {
      const already = seen.find((r) => r.url.startsWith(prefix));
      return already
        ? Promise.resolve(already)
        : new Promise((resolve) => waiting.push({ prefix, resolve }));
    },
    releaseHeld: () => {
      const answers = held;
      held = [];
      for (const answer of answers) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
