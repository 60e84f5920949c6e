// Which upstream statuses the gateway relays, and which of them carry no body (pure).

/** A final status the gateway relays as it is (RFC 9110 §15: 2xx–5xx). */
export function isRelayableStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}

/** Statuses whose response has no content (RFC 9110 §15.3.5, §15.3.6, §15.4.5): a fetch Response refuses a body with them. */
export function isNullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}
