import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { hostname as osHostname } from "node:os";
import path from "node:path";

import { processSingleton } from "../process-global";

// PGlite is PostgreSQL in one process: a second process on the same data directory is not refused by
// PGlite itself (every wasm instance writes the same pid, -42, to postmaster.pid, so PostgreSQL's own
// check passes) and it loses data — a writer's rows vanished once another process had opened the directory, and one directory
// could not be opened at all afterwards (`Aborted()`). So every file-backed open takes this lock
// first (server/db/adapter.ts `openPglite`), and a second opener stops before PGlite touches a file.
//
// The lock is a file in the data directory holding its owner's identity. It is created complete (a
// temporary file hard-linked to the lock's name: `link` fails if the name exists, so creation is
// atomic and no reader ever sees a half-written lock) and removed on close or process exit. A lock
// whose owner is gone — its pid has exited, or belongs to another process now (its start time
// differs), or it was taken before the machine's last boot — is stale: the next opener takes it
// over. Taking over is serialised by a guard file named after the stale lock's nonce, so of several
// processes that find the same stale lock exactly one removes it; they then race on `link` again.
// Linux's /proc gives start times and command lines; elsewhere only the pid is checked.

export const DATA_DIR_LOCK_FILE = "x402-gateway.lock";

/** What the lock file records about its owner. */
export type LockRecord = {
  pid: number;
  hostname: string;
  /** /proc/sys/kernel/random/boot_id: a pid from another boot means nothing */
  bootId: string | null;
  /** the process's start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a recycled pid apart */
  processStart: string | null;
  startedAt: string;
  command: string;
  /** unique per acquisition, so a lock can be told apart from a newer one of the same process */
  nonce: string;
};

export type ProcessProbe = { alive: boolean; processStart: string | null; command: string | null };

export type LockVerdict =
  | {
      kind: "held";
      /** the owner is on another host: its pid cannot be checked from here */ otherHost: boolean;
    }
  | { kind: "stale"; reason: string };

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockRecord | null,
    message: string,
  ) {
    super(message);
    this.name = "DataDirLockedError";
  }
}

export type DataDirLock = { readonly dir: string; readonly path: string; release(): void };

// ───────────────────────────── pure parts ─────────────────────────────

export function parseLockRecord(text: string): LockRecord | null {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (
      !Number.isInteger(value.pid) ||
      (value.pid ?? 0) <= 0 ||
      typeof value.hostname !== "string" ||
      typeof value.nonce !== "string"
    )
      return null;
    return {
      pid: value.pid as number,
      hostname: value.hostname,
      bootId: typeof value.bootId === "string" ? value.bootId : null,
      processStart: typeof value.processStart === "string" ? value.processStart : null,
      startedAt: typeof value.startedAt === "string" ? value.startedAt : "",
      command: typeof value.command === "string" ? value.command : "",
      nonce: value.nonce,
    };
  } catch {
    return null;
  }
}

/** State and start time from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseProcStat(text: string): { state: string; processStart: string } | null {
  const fields = text
    .slice(text.lastIndexOf(")") + 2)
    .trim()
    .split(" ");
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19]
  const state = fields[0];
  const processStart = fields[19];
  if (!state || !processStart || !/^\d+$/.test(processStart)) return null;
  return { state, processStart };
}

/**
 * Whether a lock still has an owner. `self` is this process; `probe` is what the OS says about the
 * recorded pid (null: not asked, e.g. the record is unreadable).
 */
export function judgeLock(
  record: LockRecord | null,
  self: Pick<LockRecord, "pid" | "hostname" | "bootId" | "processStart">,
  probe: ProcessProbe | null,
): LockVerdict {
  // our writer links a complete file into place, so an unreadable lock was not written by a running
  // opener (a crash of the machine before the file reached the disk, or a hand edit)
  if (!record) return { kind: "stale", reason: "the lock file is unreadable" };
  if (record.hostname !== self.hostname) return { kind: "held", otherHost: true };
  if (record.bootId && self.bootId && record.bootId !== self.bootId)
    return { kind: "stale", reason: "it was taken before this machine's last boot" };
  if (record.pid === self.pid) {
    // our own pid: either an earlier open of this process that was not released, or a previous
    // process that had our pid (a container's pid 1 after a restart)
    return {
      kind: "stale",
      reason:
        record.processStart === self.processStart
          ? "it is this process's own"
          : `pid ${record.pid} is this process now`,
    };
  }
  if (!probe?.alive) return { kind: "stale", reason: `process ${record.pid} has exited` };
  if (record.processStart && probe.processStart && record.processStart !== probe.processStart) {
    return { kind: "stale", reason: `pid ${record.pid} belongs to another process now` };
  }
  return { kind: "held", otherHost: false };
}

export function lockedMessage(
  dir: string,
  record: LockRecord,
  liveCommand: string | null,
  otherHost: boolean,
): string {
  const command = liveCommand ?? record.command;
  const who = `pid ${record.pid}${command ? ` (${command})` : ""}${record.startedAt ? `, opened at ${record.startedAt}` : ""}`;
  const lockPath = path.join(dir, DATA_DIR_LOCK_FILE);
  if (otherHost) {
    return (
      `the embedded database ${dir} is in use by ${who} on host ${record.hostname}, which this machine cannot check. ` +
      `Stop that process first; if it is gone, delete ${lockPath}.`
    );
  }
  return (
    `the embedded database ${dir} is in use by another process: ${who}. ` +
    "PGlite opens a data directory from one process at a time; a second one would lose data. " +
    `Stop that process first (kill ${record.pid}), or set DATABASE_URL=pglite:<another directory>.`
  );
}

// ───────────────────────────── the lock ─────────────────────────────

type Held = { lock: DataDirLock; record: LockRecord };

// One registry per process (server/process-global.ts): Next loads this module in several bundles of one process.
function heldLocks(): Map<string, Held> {
  return processSingleton("data-dir-locks", () => {
    const locks = new Map<string, Held>();
    // process.exit() without closing the database (an error path): the process is gone, so is its claim
    process.once("exit", () => {
      for (const held of locks.values()) held.lock.release();
    });
    return locks;
  });
}

/**
 * Takes the data directory's lock for this process, or throws DataDirLockedError naming the process
 * that holds it. The directory must exist. Within one process the lock can be taken again once
 * released; a second PGlite on a directory this process has open is refused like another process's
 * (two instances in one process corrupt it just the same).
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const dir = fs.realpathSync(dataDir);
  const held = heldLocks().get(dir);
  if (held) {
    throw new DataDirLockedError(
      dir,
      held.record,
      `the embedded database ${dir} is already open in this process (pid ${process.pid}): close it before opening it again.`,
    );
  }
  const lockPath = path.join(dir, DATA_DIR_LOCK_FILE);
  const self = ownIdentity();
  const record: LockRecord = {
    ...self,
    startedAt: new Date().toISOString(),
    command: commandOf(process.pid) ?? process.argv.join(" "),
    nonce: randomBytes(12).toString("hex"),
  };
  const text = JSON.stringify(record);
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(lockPath, text)) {
      let released = false;
      const lock: DataDirLock = {
        dir,
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          heldLocks().delete(dir);
          // only our own: never remove a lock someone else holds now
          if (parseLockRecord(readOrNull(lockPath) ?? "")?.nonce === record.nonce)
            unlinkQuietly(lockPath);
        },
      };
      heldLocks().set(dir, { lock, record });
      return lock;
    }
    const existingText = readOrNull(lockPath);
    if (existingText === null) continue; // released in the meantime
    const existing = parseLockRecord(existingText);
    const probe = existing ? probeProcess(existing.pid) : null;
    const verdict = judgeLock(existing, self, probe);
    if (verdict.kind === "held" && existing)
      throw new DataDirLockedError(
        dir,
        existing,
        lockedMessage(dir, existing, probe?.command ?? null, verdict.otherHost),
      );
    removeStaleLock(lockPath, existingText, existing?.nonce ?? `unreadable-${hash(existingText)}`);
  }
  throw new Error(`could not take the lock ${lockPath}: it changed hands 20 times in a row`);
}

/** Throws DataDirLockedError if a live process holds `dataDir` (e.g. before deleting it); creates nothing. */
export function assertDataDirNotLocked(dataDir: string): void {
  if (!fs.existsSync(dataDir)) return;
  const dir = fs.realpathSync(dataDir);
  const text = readOrNull(path.join(dir, DATA_DIR_LOCK_FILE));
  if (text === null) return;
  const record = parseLockRecord(text);
  const probe = record ? probeProcess(record.pid) : null;
  const verdict = judgeLock(record, ownIdentity(), probe);
  if (verdict.kind === "held" && record)
    throw new DataDirLockedError(
      dir,
      record,
      lockedMessage(dir, record, probe?.command ?? null, verdict.otherHost),
    );
  const own = heldLocks().get(dir);
  if (own)
    throw new DataDirLockedError(
      dir,
      own.record,
      `the embedded database ${dir} is open in this process (pid ${process.pid}).`,
    );
}

// Creates `target` with `text` unless it exists: the content is written under a temporary name first
// and hard-linked into place, so the lock never exists half-written.
function createExclusive(target: string, text: string): boolean {
  const temp = `${target}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(temp, text, { flag: "wx" });
  try {
    fs.linkSync(temp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
}

// Removes the lock at `lockPath` if it still is `staleText`. Every process that judged this same
// lock stale competes for one guard named after its nonce; only the winner re-reads and removes the
// lock, so a taker that is late can never remove the fresh lock another one has just created. The
// guard is held for a few synchronous file operations; if its owner died in that window (its guard
// stays), the takers move on to the next guard name.
function removeStaleLock(lockPath: string, staleText: string, staleNonce: string): void {
  for (let level = 0; level < 10; level++) {
    const guard = `${lockPath}.takeover-${staleNonce.replace(/[^a-z0-9-]/gi, "")}-${level}`;
    const guardRecord = JSON.stringify({
      ...ownIdentity(),
      startedAt: new Date().toISOString(),
      command: "",
      nonce: `guard-${level}`,
    });
    if (createExclusive(guard, guardRecord)) {
      try {
        if (readOrNull(lockPath) === staleText) unlinkQuietly(lockPath);
      } finally {
        unlinkQuietly(guard);
      }
      return;
    }
    // another process is removing it right now: wait (briefly) for its guard to go
    const deadline = Date.now() + 2_000;
    for (;;) {
      const owner = parseLockRecord(readOrNull(guard) ?? "");
      if (!owner) return; // done: the caller re-reads the lock
      if (judgeLock(owner, ownIdentity(), probeProcess(owner.pid)).kind === "stale") break;
      if (Date.now() > deadline) return; // a live owner that is stuck: the caller tries again
      sleepSync(5);
    }
    // the guard's owner died while holding it: the next level's guard decides
  }
}

// ───────────────────────────── the OS ─────────────────────────────

let identity: Pick<LockRecord, "pid" | "hostname" | "bootId" | "processStart"> | undefined;

function ownIdentity(): Pick<LockRecord, "pid" | "hostname" | "bootId" | "processStart"> {
  if (identity?.pid !== process.pid) {
    identity = {
      pid: process.pid,
      hostname: osHostname(),
      bootId: readOrNull("/proc/sys/kernel/random/boot_id")?.trim() ?? null,
      processStart: procStat(process.pid)?.processStart ?? null,
    };
  }
  return identity;
}

function probeProcess(pid: number): ProcessProbe {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user
    if ((error as NodeJS.ErrnoException).code === "ESRCH")
      return { alive: false, processStart: null, command: null };
  }
  const stat = procStat(pid);
  // a zombie has exited; only its exit status waits for its parent
  if (stat?.state === "Z") return { alive: false, processStart: null, command: null };
  return { alive: true, processStart: stat?.processStart ?? null, command: commandOf(pid) };
}

function procStat(pid: number): { state: string; processStart: string } | null {
  const text = readOrNull(`/proc/${pid}/stat`);
  return text === null ? null : parseProcStat(text);
}

function commandOf(pid: number): string | null {
  const text = readOrNull(`/proc/${pid}/cmdline`);
  if (!text) return null;
  const command = text.split("\0").filter(Boolean).join(" ");
  return command.length > 300 ? `${command.slice(0, 297)}...` : command;
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function unlinkQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone
  }
}

function hash(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
