import { closeFileBackedPglites } from "@/server/db/adapter";

// How the one-shot commands (db:migrate, db:seed, keys:rotate, settlement:run) run and end. Node's
// default for SIGINT / SIGTERM is to die on the spot, and the commands used to `process.exit()` with
// the embedded database still open. A committed row survives either (server/db/adapter.ts), but the
// database is left as after a crash: its next open replays the WAL. Here it is closed instead:
// after the command, and on a signal (the query in progress finishes first).

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs `main`, then closes every embedded database the process has open and exits with main's
 * code (1, with the message printed, if it threw). On SIGINT / SIGTERM: closes the databases, then
 * exits 130 / 143 without reporting the errors that closing causes in `main`; a second signal exits
 * at once. Always exits explicitly: a pg pool left open would keep the process alive.
 */
export function runCommand(main: () => Promise<number>): void {
  let stopping = false;
  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES) => {
    if (stopping) process.exit(SIGNAL_EXIT_CODES[signal]);
    stopping = true;
    console.error(`${signal}: closing the database…`);
    void closeFileBackedPglites().finally(() => process.exit(SIGNAL_EXIT_CODES[signal]));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const finish = (code: number) => {
    if (stopping) return; // the signal handler exits once the databases are closed
    void closeFileBackedPglites().finally(() => process.exit(code));
  };
  main().then(finish, (error: unknown) => {
    if (!stopping) console.error(error instanceof Error ? error.message : error);
    finish(1);
  });
}
