import { z } from "zod";

// In the browser zod must not try eval: the pages' CSP forbids it (server/http/page-security.ts),
// and zod's probe for it ("can I JIT-compile parsers?") is itself reported as a violation. The
// server keeps zod's compiled parsers.
if (typeof window !== "undefined") z.config({ jitless: true });
