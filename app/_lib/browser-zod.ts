import { z } from "zod";

import { issueMessage } from "@/server/i18n/validation-keys";

// In the browser zod must not try eval: the pages' CSP forbids it (server/http/page-security.ts),
// and zod's probe for it ("can I JIT-compile parsers?") is itself reported as a violation. The
// server keeps zod's compiled parsers.
//
// Built-in issues get locale-free validation messages, like the server's field errors, and the
// page shows them in its language (<FormMessage>, useValidationText): one mechanism for both
// sides and every locale, explained in server/i18n/validation-keys.ts. A schema's own message
// (a key too) wins over this, as zod's precedence has it.
if (typeof window !== "undefined") z.config({ jitless: true, customError: issueMessage });
