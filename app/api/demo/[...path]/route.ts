// ANY /api/demo/* — the demo merchant's upstream API, served by the app itself for the embedded setup
import { handleDemoUpstream } from "@/server/demo/upstream";

async function handler(req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  return handleDemoUpstream(req, (await ctx.params).path);
}

export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
