// ANY /<merchantId>/<path> — THE GATEWAY: price, 402, verify, proxy, settle, record
import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { getEnv } from "@/server/env";
import { getRuntime } from "@/server/runtime";
import { notServedMessage } from "@/server/http/instance-role";
import { errorResponse } from "@/server/http/respond";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handler(req: Request, ctx: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await ctx.params;
  const role = getEnv().INSTANCE_ROLE;
  if (role === "console") return errorResponse("not_found", notServedMessage(role));
  return handleGatewayRequest(getRuntime().gateway, req, { merchantId });
}

export {
  handler as DELETE,
  handler as GET,
  handler as HEAD,
  handler as OPTIONS,
  handler as PATCH,
  handler as POST,
  handler as PUT,
};
