import type { ChainClientRegistry } from "@/server/chain/clients";
import { facilitatorPrivateKeys, type ServerEnv } from "@/server/env";
import type { Log } from "@/server/observability/logger";
import { DISABLED_METRICS, type Metrics } from "@/server/observability/metrics";

import { createHostedFacilitator, type HostedFacilitatorConfig } from "./hosted/hosted-facilitator";
import { hostedConfigFromEnv } from "./hosted/hosted-settings";
import { instrumentFacilitator } from "./instrumented";
import { createLocalFacilitator } from "./local/local-facilitator";
import type { Facilitator, FacilitatorKind } from "./types";

export type { Facilitator, FacilitatorKind } from "./types";

export type Facilitators = {
  local: Facilitator | null;
  /** the hosted facilitator for the config in force now (it can change at runtime: admin settings) */
  readonly hosted: Facilitator | null;
  /** The facilitator a merchant settles through, or null when that kind is not configured. */
  forKind(kind: FacilitatorKind): Facilitator | null;
};

export function createFacilitators(deps: {
  env: Pick<
    ServerEnv,
    | "FACILITATOR_PRIVATE_KEY"
    | "FACILITATOR_PRIVATE_KEYS"
    | "HOSTED_FACILITATOR_URL"
    | "HOSTED_FACILITATOR_TOKEN"
    | "CDP_API_KEY_ID"
    | "CDP_API_KEY_SECRET"
  >;
  chains: ChainClientRegistry;
  log: Log;
  metrics?: Metrics;
  /** where the hosted config comes from (default: the environment, fixed) */
  hostedConfig?: { current(): HostedFacilitatorConfig | null };
}): Facilitators {
  const instrument = (f: Facilitator) =>
    instrumentFacilitator(f, { metrics: deps.metrics ?? DISABLED_METRICS, log: deps.log });
  const local =
    facilitatorPrivateKeys(deps.env).length > 0
      ? instrument(createLocalFacilitator({ chains: deps.chains, log: deps.log }))
      : null;
  const fromEnv = hostedConfigFromEnv(deps.env);
  const hostedConfig = deps.hostedConfig ?? { current: () => fromEnv };
  // one client per distinct config, rebuilt only when the config changes
  let built: { key: string; facilitator: Facilitator } | null = null;
  const hostedNow = (): Facilitator | null => {
    const config = hostedConfig.current();
    if (!config) return null;
    const key = JSON.stringify([
      config.url,
      config.cdpApiKeyId,
      config.cdpApiKeySecret,
      config.bearerToken,
    ]);
    if (built?.key !== key)
      built = { key, facilitator: instrument(createHostedFacilitator(config, { log: deps.log })) };
    return built.facilitator;
  };
  return {
    local,
    get hosted() {
      return hostedNow();
    },
    forKind: (kind) => (kind === "LOCAL" ? local : hostedNow()),
  };
}
