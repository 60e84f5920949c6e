// The cheap parts of writing log lines, kept pure so they are tested on their own. The gateway
// writes one line per request, so what each line costs beyond its own bytes adds up: a CPU profile
// of the free path (`npm run bench`, run (g)) put the line at 2.8 % of the server's busy time, most
// of it pino's generic serialisation and its per-line ISO time (a Date built through the wrapper
// Next.js installs around Date).

/**
 * pino's `timestamp` output (`,"time":"<ISO 8601>"`) for a time in epoch milliseconds. pino's
 * `isoTime` builds a Date and formats it on every line (a sixth of the line's cost in the profile);
 * lines in the same second share the formatted date and time here, and only the milliseconds are
 * formatted per line.
 */
export function createIsoTimestamp(): (epochMs: number) => string {
  let second = Number.NaN;
  let prefix = "";
  return (epochMs) => {
    const ms = Math.floor(epochMs);
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      // "…T12:34:56.000Z" without its "000Z" (the slice works for extended years too)
      prefix = `,"time":"${new Date(s * 1000).toISOString().slice(0, -4)}`;
    }
    const frac = ms - s * 1000;
    return `${prefix}${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}Z"`;
  };
}

/**
 * Epoch milliseconds for log lines: the monotonic clock, re-anchored to the wall clock once per
 * `resyncMs`. Next.js wraps `Date.now` for its prerender checks (two AsyncLocalStorage reads per
 * call, measured at about a third of the timestamp's cost on the gateway's free path); between
 * re-anchorings a line's time is within the monotonic clock's drift of the wall clock.
 */
export function createLogClock(opts: {
  wall: () => number;
  monotonic: () => number;
  resyncMs: number;
}): () => number {
  let anchoredAt = opts.monotonic();
  let offset = opts.wall() - anchoredAt;
  return () => {
    const now = opts.monotonic();
    if (now - anchoredAt >= opts.resyncMs || now < anchoredAt) {
      anchoredAt = now;
      offset = opts.wall() - now;
    }
    return offset + now;
  };
}

export type LineBuffer = {
  /** Keeps the line; hands the kept lines on as one chunk once they reach the threshold. */
  push(line: string): void;
  /** Hands on whatever is kept (nothing when empty). */
  flush(): void;
  /** Characters kept and not yet handed on. */
  pending(): number;
};

/**
 * Collects log lines and hands them on in chunks of at least `minChars` characters, joined once.
 * sonic-boom's own `minLength` buffering appends each line to one growing string and measures its
 * byte length on every write, which flattens (copies) the whole pending string per line: ~3 µs a
 * line in a micro-benchmark. Here a line costs an array push; the join copies each byte once.
 */
export function createLineBuffer(opts: {
  minChars: number;
  write: (chunk: string) => void;
}): LineBuffer {
  let lines: string[] = [];
  let chars = 0;
  const flush = () => {
    if (lines.length === 0) return;
    const chunk = lines.length === 1 ? (lines[0] as string) : lines.join("");
    lines = [];
    chars = 0;
    opts.write(chunk);
  };
  return {
    push(line) {
      lines.push(line);
      chars += line.length;
      if (chars >= opts.minChars) flush();
    },
    flush,
    pending: () => chars,
  };
}

/** The fields of the gateway's one line per request (ids, method, path without query, outcome, timing). */
export type AccessLine = {
  requestId: string;
  merchantId: string;
  method: string;
  path: string;
  outcome: string;
  reason: string;
  ms: number;
};

/**
 * The access-log line as pino writes `log.info(entry, "gateway request")` with createLogger's
 * options (level label, ISO time, no base fields), built in one template: pino's generic path
 * (child bindings, serializers, per-key stringifiers) cost more than the line itself. `time` is
 * createIsoTimestamp's output. Every string is JSON-quoted (jsonString), so any value stays valid
 * JSON.
 */
export function formatAccessLine(time: string, e: AccessLine): string {
  return (
    `{"level":"info"${time},"requestId":${jsonString(e.requestId)},"merchantId":${jsonString(e.merchantId)},"method":${jsonString(e.method)},` +
    `"path":${jsonString(e.path)},"outcome":${jsonString(e.outcome)},"reason":${jsonString(e.reason)},"ms":${Number.isFinite(e.ms) ? e.ms : null},"msg":"gateway request"}\n`
  );
}

/** printable ASCII other than `"` and `\`: what JSON.stringify leaves as it is */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** JSON.stringify(value) for a string, without its escaping pass when there is nothing to escape. */
export function jsonString(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}
