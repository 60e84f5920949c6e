// ANY /api/demo/* — the demo merchant's upstream API, served by the app itself for the embedded setup.
// Like a real merchant API it accepts only calls the gateway signed (see server/demo/upstream.ts).
import { getRuntime } from "@/server/runtime";
import { createDemoUpstream } from "@/server/demo/upstream";

const handler = createDemoUpstream(() => getRuntime().deps);

export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
