import type { ChainClientRegistry } from "@/server/chain/clients";
import { facilitatorPrivateKeys, type ServerEnv } from "@/server/env";
import type { Log } from "@/server/observability/logger";
import { DISABLED_METRICS, type Metrics } from "@/server/observability/metrics";

import { createHostedFacilitator } from "./hosted/hosted-facilitator";
import { instrumentFacilitator } from "./instrumented";
import { createLocalFacilitator } from "./local/local-facilitator";
import type { Facilitator, FacilitatorKind } from "./types";

export type { Facilitator, FacilitatorKind } from "./types";

export type Facilitators = {
  local: Facilitator | null;
  hosted: Facilitator | null;
  /** The facilitator a merchant settles through, or null when that kind is not configured. */
  forKind(kind: FacilitatorKind): Facilitator | null;
};

export function createFacilitators(
  deps: { env: Pick<ServerEnv, "FACILITATOR_PRIVATE_KEY" | "FACILITATOR_PRIVATE_KEYS" | "HOSTED_FACILITATOR_URL" | "HOSTED_FACILITATOR_TOKEN" | "CDP_API_KEY_ID" | "CDP_API_KEY_SECRET">; chains: ChainClientRegistry; log: Log; metrics?: Metrics },
): Facilitators {
  const instrument = (f: Facilitator) => instrumentFacilitator(f, { metrics: deps.metrics ?? DISABLED_METRICS, log: deps.log });
  const local = facilitatorPrivateKeys(deps.env).length > 0 ? instrument(createLocalFacilitator({ chains: deps.chains, log: deps.log })) : null;
  const hostedClient = deps.env.HOSTED_FACILITATOR_URL
    ? createHostedFacilitator(
        { url: deps.env.HOSTED_FACILITATOR_URL, cdpApiKeyId: deps.env.CDP_API_KEY_ID, cdpApiKeySecret: deps.env.CDP_API_KEY_SECRET, bearerToken: deps.env.HOSTED_FACILITATOR_TOKEN },
        { log: deps.log },
      )
    : null;
  const hosted = hostedClient ? instrument(hostedClient) : null;
  return { local, hosted, forKind: (kind) => (kind === "LOCAL" ? local : hosted) };
}
