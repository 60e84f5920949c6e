// `npm test`: every layer — lint (ESLint, Prettier), Vitest unit, Vitest integration (real DB + anvil),
// then Playwright e2e against a production build in Debian's Chromium — and one closing line with the total.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

type Counts = { passed: number; failed: number; skipped: number };
type Suite = "lint" | "unit" | "int" | "e2e";

const args = process.argv.slice(2);
const suitesArg = args.find((a) => a.startsWith("--suites="))?.split("=")[1];
const suites = (suitesArg?.split(",") ?? ["lint", "unit", "int", "e2e"]) as Suite[];
const resultsDir = path.resolve("test-results");
mkdirSync(resultsDir, { recursive: true });

function run(cmd: string, cmdArgs: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export function chromiumPath(): string | null {
  const configured = process.env.CHROMIUM_PATH;
  const candidates = [configured, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
    Boolean,
  ) as string[];
  return candidates.find((p) => existsSync(p)) ?? null;
}

function readVitest(file: string): Counts | null {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

function readPlaywright(file: string): Counts | null {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected,
    skipped: report.stats.skipped,
  };
}

async function main() {
  if (suites.includes("e2e") && !chromiumPath()) {
    console.error(
      "\nNo Chromium found for the Playwright suite (looked at $CHROMIUM_PATH, /usr/bin/chromium).\n" +
        "Install Debian's Chromium:  sudo apt-get update && sudo apt-get install -y chromium\n" +
        "or point CHROMIUM_PATH at a Chromium binary. (`npx playwright install` cannot download here.)\n",
    );
    process.exit(1);
  }
  if ((await run("npx", ["tsx", "prisma/generate.ts"])) !== 0) process.exit(1);

  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  let broken = false;
  const add = (name: string, counts: Counts | null, exitCode: number) => {
    if (!counts) {
      console.error(`${name}: no report was written (exit ${exitCode})`);
      broken = true;
      return;
    }
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    if (exitCode !== 0 && counts.failed === 0) {
      console.error(`${name}: exited ${exitCode} without a failed test (setup error?)`);
      broken = true;
    }
    console.log(
      `${name}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`,
    );
  };

  for (const suite of suites) {
    const label = process.env.DATABASE_URL?.startsWith("postgres")
      ? `${suite} (PostgreSQL)`
      : suite;
    if (suite === "lint") {
      // two checks, each passed or failed as a whole: ESLint's rules and Prettier's formatting
      const eslint = await run("npx", ["eslint", "."]);
      const prettier = await run("npx", ["prettier", "--check", "--log-level=warn", "."]);
      const failed = (eslint === 0 ? 0 : 1) + (prettier === 0 ? 0 : 1);
      if (prettier !== 0)
        console.error("lint: formatting differs from Prettier's; run `npm run format`");
      add(label, { passed: 2 - failed, failed, skipped: 0 }, 0);
    } else if (suite === "unit" || suite === "int") {
      const out = path.join(resultsDir, `vitest-${suite}.json`);
      rmSync(out, { force: true });
      const code = await run("npx", [
        "vitest",
        "run",
        "--project",
        suite,
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${out}`,
      ]);
      add(label, readVitest(out), code);
    } else {
      const out = path.join(resultsDir, "playwright.json");
      rmSync(out, { force: true });
      // the browser suite loads the SDK's built bundle, and the app the production build
      if ((await run("npm", ["run", "build", "-w", "sdk"])) !== 0) {
        console.error("e2e: the SDK build failed");
        broken = true;
        continue;
      }
      if ((await run("npx", ["next", "build"], { NEXT_TELEMETRY_DISABLED: "1" })) !== 0) {
        console.error("e2e: next build failed");
        broken = true;
        continue;
      }
      const code = await run("npx", ["playwright", "test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
      add(label, readPlaywright(out), code);
    }
  }

  const summaryFile = process.env.TEST_SUMMARY_FILE;
  if (summaryFile) {
    const previous: Counts = existsSync(summaryFile)
      ? (JSON.parse(readFileSync(summaryFile, "utf8")) as Counts)
      : { passed: 0, failed: 0, skipped: 0 };
    writeFileSync(
      summaryFile,
      JSON.stringify({
        passed: previous.passed + total.passed,
        failed: previous.failed + total.failed + (broken ? 1 : 0),
        skipped: previous.skipped + total.skipped,
      }),
    );
  }
  console.log(
    `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`,
  );
  process.exit(total.failed > 0 || broken ? 1 : 0);
}

await main();
