import pino, { type Logger } from "pino";

import { redactChainDetails } from "./redact";
import {
  createIsoTimestamp,
  createLineBuffer,
  createLogClock,
  formatAccessLine,
  type AccessLine,
} from "./log-output";

export type Log = Logger;

// Paths whose values must never reach a log line: payment signatures, keys, secrets.
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "signature",
  "*.signature",
  "*.*.signature",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  'headers["x-payment"]',
  'headers["payment-signature"]',
  "privateKey",
  "*.privateKey",
];

/** The gateway's one line per request (see accessLogger). */
export type AccessLog = {
  /** false when the level leaves the line out (LOG_LEVEL above info): the caller can skip building it */
  enabled(): boolean;
  write(entry: AccessLine): void;
};

/**
 * The gateway's one line per request, written to `log`'s destination in `log`'s format (the same
 * JSON as `log.info(entry, "gateway request")`) but serialised by formatAccessLine in one template.
 * That line has a fixed shape of ids, method, path (no query), outcome and timing, none of them
 * secret, so it skips the redaction pass too: pino's generic path was most of the line's cost in a
 * CPU profile of benchmark run (g). Anything else goes through the redacting logger.
 */
export function accessLogger(log: Log): AccessLog {
  const destination = (log as unknown as Record<symbol, pino.DestinationStream>)[
    pino.symbols.streamSym
  ] as pino.DestinationStream;
  return {
    enabled: () => log.isLevelEnabled("info"),
    write(entry) {
      if (log.isLevelEnabled("info")) destination.write(formatAccessLine(stamp(), entry));
    },
  };
}

/**
 * Stdout for the process's logs, written in chunks of about 8 KiB rather than one write(2) per line:
 * at thousands of requests per second the per-line system call was the larger half of the logging
 * cost. Lines are collected by createLineBuffer (an array push each) and handed to sonic-boom one
 * chunk at a time, because sonic-boom's own `minLength` buffering re-measures its whole pending
 * string on every line (see log-output.ts). A quiet process's lines go out within a second; what is
 * buffered is written when the process exits normally (SIGTERM included, through the servers'
 * shutdown); a SIGKILL loses at most the last second or chunk.
 */
export function bufferedStdout(): pino.DestinationStream & {
  flush(cb?: (err?: Error) => void): void;
} {
  const stdout = pino.destination({ dest: 1, sync: false });
  const lines = createLineBuffer({ minChars: 8192, write: (chunk) => void stdout.write(chunk) });
  setInterval(lines.flush, 1000).unref();
  process.on("exit", () => {
    lines.flush();
    try {
      stdout.flushSync();
    } catch {
      // not open yet: nothing was buffered
    }
  });
  return {
    write: (line: string) => lines.push(line),
    flush(cb) {
      lines.flush();
      stdout.flush(cb);
    },
  };
}

/** one per process: every logger's lines in the same second share the formatted time */
const isoTime = createIsoTimestamp();
const clock = createLogClock({
  wall: () => Date.now(),
  monotonic: () => performance.now(),
  resyncMs: 1000,
});
const stamp = () => isoTime(clock());

export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Log {
  return pino(
    {
      level: opts.level,
      base: undefined,
      timestamp: stamp,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      // errors are serialised as usual, then stripped of what a chain call quotes (redact.ts)
      serializers: { err: (err: Error) => redactChainDetails(pino.stdSerializers.err(err)) },
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination,
  );
}
