// `npm run admin:create -- --email ops@example.com [--name "Ops"]`: the first platform admin of a
// production install (and any later one made from the shell). An existing account with that email
// is promoted and keeps its password; otherwise the account is created with a password read from
// the terminal without echo (typed twice), or from the first line of stdin when it is piped:
//   printf '%s\n' "$ADMIN_PASSWORD" | npm run admin:create -- --email ops@example.com
// Never from an argument, which would land in the shell history and `ps`. Audited as SYSTEM.
// Run it after `npm run db:migrate`; an embedded (PGlite) database must not be open in a running server.
import "dotenv/config";

import { bootstrapPlatformAdmin, findUserIdByEmail } from "@/server/admin/platform-admins";
import { createBaseDeps } from "@/server/deps";
import { getEnv } from "@/server/env";
import { issueMessage } from "@/server/i18n/validation-keys";
import { validationTextIn } from "@/server/i18n/validation-text";
import { emailSchema, passwordSchema } from "@/server/users/schemas";

import { flagValue } from "./args";

const USAGE =
  "usage: npm run admin:create -- --email <email> [--name <name>]  (password on the terminal, or piped on stdin)";

/** Reads one line from a TTY with echo off, so the password never shows on screen. */
function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stdout.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") {
          cleanup();
          process.stdout.write("\n");
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          cleanup();
          process.stdout.write("\n");
          reject(new Error("cancelled"));
          return;
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on("data", onData);
  });
}

/** The first line of piped stdin (a trailing newline or CRLF is not part of the password). */
async function readPipedLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

async function readPassword(): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await readHidden("Password for the new admin: ");
    const checked = passwordSchema.safeParse(password);
    if (!checked.success)
      throw new Error(
        `password refused: ${checked.error.issues.map((i) => validationTextIn("en", issueMessage(i))).join("; ")}`,
      );
    if ((await readHidden("Repeat the password: ")) !== password)
      throw new Error("the passwords do not match");
  } else {
    password = await readPipedLine();
  }
  const checked = passwordSchema.safeParse(password);
  if (!checked.success)
    throw new Error(
      `password refused: ${checked.error.issues.map((i) => validationTextIn("en", issueMessage(i))).join("; ")}`,
    );
  return checked.data;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const rawEmail = flagValue(args, "--email");
  if (!rawEmail) {
    console.error(USAGE);
    return 2;
  }
  const email = emailSchema.safeParse(rawEmail);
  if (!email.success) {
    console.error(`--email: ${email.error.issues[0]?.message ?? "not an email address"}`);
    return 2;
  }
  const name = flagValue(args, "--name") || undefined;
  const deps = createBaseDeps(getEnv());
  const exists = (await findUserIdByEmail(deps, email.data)) !== null;
  const password = exists ? undefined : await readPassword();
  const result = await bootstrapPlatformAdmin(deps, {
    actor: { role: "SYSTEM", requestId: "cli:admin:create" },
    input: { email: email.data, name, password },
  });
  const said = {
    created: `created platform admin ${result.email} (${result.userId}); sign in at /login`,
    promoted: `promoted ${result.email} (${result.userId}) to platform admin; their password is unchanged`,
    unchanged: `${result.email} (${result.userId}) is already a platform admin: nothing changed`,
  } as const;
  console.log(said[result.outcome]);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
