"""Verify that a request reached your API through the x402 Gateway.

Standard library only (Python 3.8+). Use it from any framework: pass the method, the request
line's path and query exactly as received, and the headers with lower-case names.

    verifier = GatewayVerifier(secrets=[os.environ["GATEWAY_SIGNING_SECRET"]])
    facts = verifier.verify(request.method, request.full_path_as_received, lower_case_headers)
    if facts["kind"] == "paid":
        print(facts["payer"], facts["paymentId"], facts["txHash"])

X-Gateway-Signature: t=<unix seconds>,n=<nonce>,v1=<hex>[,v1=<hex>...]
v1 = hex(HMAC-SHA256(secret, "x402-gateway.v1\\n<t>\\n<n>\\n<X-Request-Id>\\n<METHOD>\\n<path>\\n<query>\\n<X-Gateway-Payment>"))
"""
import base64
import hashlib
import hmac
import json
import re
import sys
import time

SIGNATURE_VERSION = "x402-gateway.v1"
DEFAULT_TOLERANCE_SECONDS = 300


class GatewayVerificationError(Exception):
    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


class GatewayVerifier:
    """Checks X-Gateway-Signature; remembers nonces for the tolerance window to refuse replays."""

    def __init__(self, secrets, tolerance_seconds=DEFAULT_TOLERANCE_SECONDS, now=time.time):
        self.secrets = [secrets] if isinstance(secrets, str) else list(secrets)
        self.tolerance = tolerance_seconds
        self.now = now
        self._seen = {}  # nonce -> unix seconds after which it may be forgotten

    def verify(self, method, path_and_query, headers):
        signature = headers.get("x-gateway-signature")
        if not signature:
            raise GatewayVerificationError("missing_signature", "no X-Gateway-Signature header")
        parsed = _parse_signature(signature)
        if parsed is None:
            raise GatewayVerificationError("malformed_signature", "X-Gateway-Signature is malformed")
        timestamp, nonce, given = parsed
        now = int(self.now())
        if abs(now - timestamp) > self.tolerance:
            raise GatewayVerificationError("stale_timestamp", "timestamp outside the tolerance window")

        path, _, query = path_and_query.partition("?")
        payment = headers.get("x-gateway-payment", "")
        payload = "\n".join([SIGNATURE_VERSION, str(timestamp), nonce, headers.get("x-request-id", ""), method.upper(), path, query, payment])
        expected = [hmac.new(s.encode(), payload.encode(), hashlib.sha256).hexdigest() for s in self.secrets]
        if not any(hmac.compare_digest(e, g) for e in expected for g in given):
            raise GatewayVerificationError("bad_signature", "the signature does not match")

        try:
            facts = json.loads(base64.urlsafe_b64decode(payment + "=" * (-len(payment) % 4)))
        except ValueError:
            raise GatewayVerificationError("malformed_payment", "X-Gateway-Payment is malformed")
        if not isinstance(facts, dict) or "kind" not in facts:
            raise GatewayVerificationError("malformed_payment", "X-Gateway-Payment is malformed")

        # only a valid signature's nonce is remembered, so forgeries cannot fill the set
        self._seen = {n: exp for n, exp in self._seen.items() if exp > now}
        if nonce in self._seen:
            raise GatewayVerificationError("replayed", "this request was already received")
        self._seen[nonce] = timestamp + self.tolerance
        return facts


def _parse_signature(value):
    timestamp, nonce, signatures = None, None, []
    for part in value.split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            return None
        if key == "t" and re.fullmatch(r"\d{1,12}", val):
            timestamp = int(val)
        elif key == "n" and re.fullmatch(r"[0-9a-f]{8,64}", val):
            nonce = val
        elif key == "v1" and re.fullmatch(r"[0-9a-f]{64}", val):
            signatures.append(val)
    if timestamp is None or nonce is None or not signatures:
        return None
    return timestamp, nonce, signatures


if __name__ == "__main__":
    # Test driver: {"secrets": [...], "now": <unix seconds>, "requests": [{"method", "url", "headers"}]}
    # on stdin; one JSON result per request on stdout, verified in order by one verifier.
    case = json.load(sys.stdin)
    verifier = GatewayVerifier(case["secrets"], now=lambda: case["now"])
    for request in case["requests"]:
        try:
            facts = verifier.verify(request["method"], request["url"], request["headers"])
            print(json.dumps({"ok": True, "facts": facts}))
        except GatewayVerificationError as err:
            print(json.dumps({"ok": False, "reason": err.reason}))
