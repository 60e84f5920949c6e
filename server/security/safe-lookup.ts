import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";

import { isPrivateAddress } from "./ssrf";

// The connect-time half of the SSRF rules: a DNS `lookup` for http(s) agents that refuses names
// resolving to private addresses, so a name re-pointed after validation (DNS rebinding) is still
// refused. Used by the gateway's upstream leg and by webhook delivery. Literal IPs never reach a
// lookup: callers check them with isPrivateAddress first.

export class PrivateAddressError extends Error {
  constructor(hostname: string) {
    super(`${hostname} resolves to a private address`);
    this.name = "PrivateAddressError";
  }
}

/** Whether an http(s) request error is (or wraps) the lookup's refusal. */
export function isPrivateAddressRefusal(err: unknown): boolean {
  return (
    err instanceof PrivateAddressError ||
    (err as { cause?: unknown } | null)?.cause instanceof PrivateAddressError
  );
}

export function safeLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return (callback as (e: Error | null, a: LookupAddress[]) => void)(err, []);
      if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
        return (callback as (e: Error | null, a: LookupAddress[]) => void)(
          new PrivateAddressError(hostname),
          [],
        );
      }
      if (options.all)
        return (callback as (e: Error | null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first)
        return (callback as (e: Error | null, a: string, f: number) => void)(
          new Error(`no address for ${hostname}`),
          "",
          4,
        );
      (callback as (e: Error | null, a: string, f: number) => void)(
        null,
        first.address,
        first.family,
      );
    });
  };
}
