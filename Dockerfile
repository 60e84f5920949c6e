# syntax=docker/dockerfile:1
# x402 Gateway, self-hosted: the standalone server (`node server.js`: our front door, which answers
# malformed requests with the JSON error body, in front of Next's handler) in a small image, plus a
# `migrate` target that applies the committed migrations (the deploy step; see docker-compose.yml).
#   docker build -t x402-gateway .                        the app (target runner)
#   docker build -t x402-gateway-migrate --target migrate .
#   docker build -t x402-gateway-node --target node-server .   (optional: the custom server)
# Not built on the project's machines (no Docker daemon there); e2e/deploy/docker-check.ts builds and
# starts it with docker-compose.yml where one exists. The standalone server it runs is tested by
# e2e/deploy/standalone.spec.ts from the same `npm run build:standalone` output.

ARG NODE_IMAGE=node:20-bookworm-slim

# ── dependencies: the full tree (the build and the migration runner need dev tools: tsx, typescript)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
# Nothing depends on install scripts (shared/NOTES.md: npm 11 skips them), and skipping them keeps
# node-gyp and network fetches out of the build; native parts come as prebuilt optional packages.
RUN npm ci --ignore-scripts --no-audit --no-fund

# ── migrations: `tsx prisma/migrate.ts apply` over Prisma's wasm schema engine (no native engine)
FROM deps AS migrate
ENV NODE_ENV=production
COPY package.json tsconfig.json ./
COPY prisma ./prisma
COPY server ./server
USER node
# NODE_ENV=production makes the runner refuse a missing or non-PostgreSQL DATABASE_URL, as the app does
CMD ["node", "--import", "tsx", "prisma/migrate.ts", "apply"]

# ── build: Prisma client, `next build` (output: "standalone"), static files copied next to server.js,
# and server.js replaced by server/cli/standalone-server.ts bundled with esbuild (server/cli/prepare-standalone.ts)
FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm run build:standalone

# ── node-server (optional target): the full install running `npm start`'s custom server, whose
# node:http fast path serves gateway calls without Next's request pipeline (README: "Serving");
# larger image, same environment, same migrate step
FROM build AS node-server
ENV NODE_ENV=production PORT=3000
# Next writes its cache under .next at runtime
RUN chown -R node:node .next
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", ".next/server-start.mjs", "-H", "0.0.0.0"]

# ── runner (the default): only the traced standalone output; no source, no dev dependencies, not root
FROM ${NODE_IMAGE} AS runner
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
COPY --from=build --chown=node:node /app/.next/standalone ./
USER node
EXPOSE 3000
# /api/health says the process answers (the image has no curl; Node 20 has fetch)
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exits at once, naming the variable, when the production environment is incomplete (instrumentation.ts)
CMD ["node", "--max-semi-space-size=8", "server.js"]
