/** The value of `--name value` or `--name=value` (or a short alias like `-p 3000`) among `args`; "" for a flag left without one. */
export function flagValue(args: readonly string[], ...names: string[]): string | undefined {
  for (const name of names) {
    const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i === -1) continue;
    const arg = args[i] as string;
    return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : (args[i + 1] ?? "");
  }
  return undefined;
}

/** The listen port from `-p` / `--port` (either form), else PORT, else `fallback`; refuses anything but 1–65535. */
export function portFrom(
  args: readonly string[],
  envPort: string | undefined,
  fallback = 3000,
): number {
  const raw = flagValue(args, "-p", "--port") ?? envPort ?? String(fallback);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`port: "${raw}" is not a port number (1–65535)`);
  return port;
}
