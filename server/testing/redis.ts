import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";

import { freePort } from "@/server/chain/anvil";

// A Redis of the test run's own: a real `redis-server` (Debian's package; .ci/run installs it when
// missing) on a free loopback port, without persistence, stopped with the run. Tests never rely on
// a Redis that happens to be running on the machine.

export type TestRedis = { url: string; stop: () => Promise<void> };

const CANDIDATES = [
  process.env.REDIS_SERVER_BINARY,
  "/usr/bin/redis-server",
  "/usr/local/bin/redis-server",
];

export function redisServerBinary(): string {
  const found = CANDIDATES.find((p): p is string => Boolean(p && existsSync(p)));
  if (!found) {
    throw new Error(
      "No redis-server found for the Redis tests (looked at $REDIS_SERVER_BINARY, /usr/bin/redis-server).\n" +
        "Install Debian's Redis:  sudo apt-get update && sudo apt-get install -y redis-server",
    );
  }
  return found;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.write("PING\r\n"));
    socket.setTimeout(1_000, () => (socket.destroy(), resolve(false)));
    socket.once("data", (data) => (socket.destroy(), resolve(data.toString().startsWith("+PONG"))));
    socket.once("error", () => resolve(false));
  });
}

export async function startTestRedis(
  options: { readyTimeoutMs?: number } = {},
): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn(
    redisServerBinary(),
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
    ],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let exited = false;
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => ((exited = true), resolve())),
  );
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (!(await answersPing(port))) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `redis-server did not start on port ${port}${stderr ? `: ${stderr.trim()}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (exited) return;
      child.kill("SIGTERM");
      await exit;
    },
  };
}
