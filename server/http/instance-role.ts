import { MERCHANT_ID_PATTERN } from "@/server/db/id-patterns";

// One build, several fleets (seed 7: gateway and back office decoupled): INSTANCE_ROLE picks which
// routes an instance answers. The gateway fleet serves paid traffic and the facilitator API; the
// console fleet serves the consoles, docs and APIs; both answer health, readiness, metrics and
// the cron route so a platform can probe and drive either.

export type InstanceRole = "all" | "gateway" | "console";
export type RouteOwner = "gateway" | "console" | "shared";

// /.well-known/did.json holds the receipt keys: the gateway's origin must answer it (did:web)
const SHARED_ROUTES = ["/api/health", "/api/ready", "/api/metrics", "/api/cron", "/.well-known"];

const under = (pathname: string, route: string) =>
  pathname === route || pathname.startsWith(`${route}/`);

export function routeOwner(pathname: string): RouteOwner {
  const end = pathname.indexOf("/", 1);
  const first = pathname.slice(1, end === -1 ? undefined : end);
  if (MERCHANT_ID_PATTERN.test(first)) return "gateway";
  if (under(pathname, "/api/facilitator")) return "gateway";
  if (SHARED_ROUTES.some((route) => under(pathname, route))) return "shared";
  return "console";
}

export function roleServes(role: InstanceRole, pathname: string): boolean {
  if (role === "all") return true;
  const owner = routeOwner(pathname);
  return owner === "shared" || owner === role;
}

/** The body of the 404 an instance answers for a route its role does not serve. */
export function notServedMessage(role: InstanceRole): string {
  return role === "gateway"
    ? "This instance serves the gateway only (INSTANCE_ROLE=gateway); the consoles and APIs are served by the console instances."
    : "This instance serves the consoles and APIs only (INSTANCE_ROLE=console); gateway calls go to the gateway instances.";
}
