// `npx tsx e2e/deploy/docker-check.ts` (run by .ci/run; not a test and not counted as one): where a
// Docker daemon and Docker Compose v2 exist, builds the images from the Dockerfile, starts
// docker-compose.yml under a throw-away project name until every service is up (migrate exited 0,
// PostgreSQL, Redis and both apps healthy, the proxy running), checks /api/health and the front
// door through the proxy, then tears everything down with its volumes. Where there is no daemon it
// prints one line saying so and exits 0 at once, so CI without Docker pays nothing for it.
//
// The compose file reads the app's secrets from `.env`; this check never writes one (a developer's
// may exist): it passes them through an override file in a temporary directory instead.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const UP_TIMEOUT_MS = 15 * 60_000; // a cold image build (npm ci + next build) on a small machine
const LONG_RUNNING = ["postgres", "redis", "app1", "app2", "proxy"] as const;
const HEALTH_CHECKED = new Set(["postgres", "redis", "app1", "app2"]);

/** Why Docker cannot be used here, or null when a daemon and Compose v2 answer. */
export function dockerUnavailable(): string | null {
  const server = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], {
    encoding: "utf8",
    timeout: 20_000,
  });
  if (server.error)
    return `no Docker daemon (${(server.error as NodeJS.ErrnoException).code === "ENOENT" ? "the docker command is not installed" : server.error.message})`;
  if (server.status !== 0) {
    const reason =
      `${server.stderr}`.split("\n").find((line) => line.trim() !== "") ??
      `docker version exited ${server.status}`;
    return `no Docker daemon (${reason.trim()})`;
  }
  const compose = spawnSync("docker", ["compose", "version", "--short"], {
    encoding: "utf8",
    timeout: 20_000,
  });
  if (compose.status !== 0)
    return "no Docker Compose v2 (`docker compose version` failed; the compose file needs 2.24 or newer)";
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

type ServiceState = { Service: string; State: string; Health: string; ExitCode: number };

function run(
  args: string[],
  opts: { quiet?: boolean } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("docker", args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!opts.quiet) process.stdout.write(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

/** `docker compose ps` prints one JSON object per line (Compose ≥ 2.21) or one array (older). */
function parsePs(output: string): ServiceState[] {
  const text = output.trim();
  if (text === "") return [];
  if (text.startsWith("[")) return JSON.parse(text) as ServiceState[];
  return text.split("\n").map((line) => JSON.parse(line) as ServiceState);
}

/** Waits until the stack is up; returns a reason when a service failed (or the time ran out). */
async function waitForStack(compose: string[]): Promise<string | null> {
  const deadline = Date.now() + UP_TIMEOUT_MS;
  for (;;) {
    const { code, output } = await run([...compose, "ps", "--all", "--format", "json"], {
      quiet: true,
    });
    if (code !== 0) return `docker compose ps failed: ${output}`;
    const services = new Map(parsePs(output).map((s) => [s.Service, s]));
    const migrate = services.get("migrate");
    if (migrate?.State === "exited" && migrate.ExitCode !== 0)
      return `migrate exited ${migrate.ExitCode}`;
    for (const name of LONG_RUNNING) {
      const s = services.get(name);
      if (s && (s.State === "exited" || s.State === "dead" || s.Health === "unhealthy"))
        return `${name} is ${s.Health || s.State}`;
    }
    const up =
      migrate?.State === "exited" &&
      LONG_RUNNING.every((name) => {
        const s = services.get(name);
        return s?.State === "running" && (!HEALTH_CHECKED.has(name) || s.Health === "healthy");
      });
    if (up) return null;
    if (Date.now() > deadline)
      return `not up within ${UP_TIMEOUT_MS / 60_000} min: ${JSON.stringify([...services.values()])}`;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** TRACE through the proxy must reach the app's front door: a 405 with the one error body. */
function traceStatus(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("error", reject);
    socket.on("close", () => resolve(answer.split("\r\n")[0] ?? ""));
    socket.write("TRACE /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  });
}

async function main(): Promise<number> {
  const unavailable = dockerUnavailable();
  if (unavailable) {
    console.log(`docker-check skipped: ${unavailable}`);
    return 0;
  }
  const tmp = mkdtempSync(path.join(tmpdir(), "x4g-docker-check-"));
  const project = `x402check${randomBytes(3).toString("hex")}`;
  const httpPort = await freePort();
  const httpsPort = await freePort();
  const appUrl = `http://localhost:${httpPort}`;
  // Compose-only variables (interpolation) and the app's own secrets (an override, so no .env is written)
  const envFile = path.join(tmp, "compose.env");
  writeFileSync(
    envFile,
    [
      `POSTGRES_PASSWORD=${randomBytes(16).toString("hex")}`,
      `HTTP_PORT=${httpPort}`,
      `HTTPS_PORT=${httpsPort}`,
      "SITE_ADDRESS=:80",
      "",
    ].join("\n"),
  );
  const appEnvironment = {
    AUTH_SECRET: randomBytes(32).toString("base64"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    APP_URL: appUrl,
    LOG_LEVEL: "warn",
  };
  const override = path.join(tmp, "compose.override.json");
  writeFileSync(
    override,
    JSON.stringify(
      {
        services: Object.fromEntries(
          ["migrate", "app1", "app2"].map((name) => [name, { environment: appEnvironment }]),
        ),
      },
      null,
      2,
    ),
  );
  // the images are tagged per project, so this check never replaces an `x402-gateway:local` of the user's
  const imageOverride = path.join(tmp, "compose.images.json");
  writeFileSync(
    imageOverride,
    JSON.stringify({
      services: {
        app1: { image: `${project}-app:check` },
        app2: { image: `${project}-app:check` },
      },
    }),
  );
  const compose = [
    "compose",
    "--project-name",
    project,
    "--project-directory",
    ROOT,
    "--env-file",
    envFile,
    "-f",
    path.join(ROOT, "docker-compose.yml"),
    "-f",
    override,
    "-f",
    imageOverride,
  ];

  let failure: string | null = null;
  try {
    const config = await run([...compose, "config", "--quiet"]);
    if (config.code !== 0) throw new Error("docker compose config refused the compose file");
    const up = await run([...compose, "up", "--detach", "--build"]);
    if (up.code !== 0) throw new Error(`docker compose up exited ${up.code}`);
    const notUp = await waitForStack(compose);
    if (notUp) throw new Error(notUp);
    const health = await fetch(`${appUrl}/api/health`);
    if (!health.ok) throw new Error(`/api/health through the proxy answered ${health.status}`);
    const trace = await traceStatus(httpPort);
    if (!trace.includes(" 405 "))
      throw new Error(
        `TRACE through the proxy answered "${trace}", not 405 from the app's front door`,
      );
    console.log(
      `docker-check passed: images built, migrate exited 0, postgres, redis, app1, app2 healthy, proxy serving ${appUrl} (/api/health 200, TRACE 405)`,
    );
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    await run([...compose, "logs", "--no-color", "--tail", "100"]);
  } finally {
    await run([...compose, "down", "--volumes", "--remove-orphans", "--rmi", "local"], {
      quiet: true,
    });
    await run(["image", "rm", "--force", `${project}-app:check`], { quiet: true });
    rmSync(tmp, { recursive: true, force: true });
  }
  if (failure) {
    console.error(`docker-check failed: ${failure}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`docker-check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
