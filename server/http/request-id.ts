import { createId } from "@/server/db/ids";

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The caller's X-Request-Id when it is well-formed, else a fresh one. */
export function requestIdFrom(headers: Pick<Headers, "get">): string {
  const given = headers.get("x-request-id");
  return given && VALID_REQUEST_ID.test(given) ? given : createId("request");
}
