import pino, { type Logger } from "pino";

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

export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Log {
  return pino(
    {
      level: opts.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination,
  );
}
