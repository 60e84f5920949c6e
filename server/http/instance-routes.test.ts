import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { routeOwner } from "./instance-role";
import { allowedMethods, INSTANCE_ROUTES } from "./instance-routes";

// `npm start` serves the gateway instance's routes from INSTANCE_ROUTES without Next.js, and Next.js
// serves them from app/: both must be the same routes with the same methods, and each app/ route
// file must be the table's handler, so the two servers cannot answer differently.

const APP_DIR = path.resolve(__dirname, "..", "..", "app");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Every app/ route file with its URL path (route groups dropped) and the methods it exports. */
function appRoutes(): { path: string; file: string; methods: string[]; source: string }[] {
  const found: { path: string; file: string; methods: string[]; source: string }[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        const grouped = entry.name.startsWith("(") && entry.name.endsWith(")");
        walk(path.join(dir, entry.name), grouped ? segments : [...segments, entry.name]);
      } else if (entry.name === "route.ts") {
        const file = path.join(dir, entry.name);
        const source = readFileSync(file, "utf8");
        const methods = HTTP_METHODS.filter((m) =>
          new RegExp(`export (const|(async )?function) ${m}\\b`).test(source),
        );
        found.push({ path: `/${segments.join("/")}`, file, methods, source });
      }
    }
  };
  walk(APP_DIR, []);
  return found;
}

describe("the gateway instance's route table", () => {
  const routes = appRoutes();
  const instanceOwned = routes.filter(
    (r) => !r.path.includes("[") && routeOwner(r.path) !== "console",
  );

  it("finds the app's route files", () => {
    expect(routes.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/api/health", "/api/facilitator/verify", "/api/trpc/[trpc]"]),
    );
  });

  it("holds every route a gateway instance answers, with the app's methods", () => {
    const table = Object.fromEntries(
      Object.entries(INSTANCE_ROUTES).map(([p, methods]) => [p, Object.keys(methods).sort()]),
    );
    const app = Object.fromEntries(instanceOwned.map((r) => [r.path, [...r.methods].sort()]));
    expect(table).toEqual(app);
  });

  it("is what each of those app/ route files exports", () => {
    for (const route of instanceOwned)
      for (const method of route.methods)
        expect(route.source, route.file).toContain(
          `export const ${method} = INSTANCE_ROUTES["${route.path}"].${method};`,
        );
  });

  it("names HEAD with GET in a 405's Allow", () => {
    expect(allowedMethods(INSTANCE_ROUTES["/api/health"])).toBe("GET, HEAD");
    expect(allowedMethods(INSTANCE_ROUTES["/api/facilitator/verify"])).toBe("POST");
  });
});
