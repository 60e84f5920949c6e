// Next's startup hook: `register()` runs once per server process before it serves requests.

export async function register() {
  // Next inlines NEXT_RUNTIME per bundle, so the edge bundle (middleware.ts) drops the Node-only
  // import below; `next build` loads this file too, where production secrets are absent by design.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build")
    return;
  const { checkAtBoot } = await import("./server/boot");
  await checkAtBoot();
}
