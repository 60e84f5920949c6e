import {
  declarePaymentIdentifierExtension,
  PAYMENT_IDENTIFIER,
} from "@x402/extensions/payment-identifier";

import { randomHex } from "@/server/db/ids";
import { SIWX_HEADER, siwxDeclaration } from "@/server/entitlements/siwx";
import { localeCookieFrom, resolveLocale, type Locale } from "@/server/i18n/locales";
import { BAZAAR_KEY, bazaarDeclaration, gatewayPathPrefix } from "@/server/x402/discovery";
import { OFFER_RECEIPT } from "@/server/receipts/jws";
import { offersExtension, type AcceptedTerms } from "@/server/receipts/offer-receipt";
import { renderPaywall } from "@/server/x402/paywall";
import {
  describePurchase,
  paymentRequiredBody,
  paymentRequiredV2,
  type PricedRoute,
} from "@/server/x402/requirements";

import type { GatewayDeps } from "./gateway-deps";
import type { GatewayRequest } from "./gateway-request";
import type { PaymentChallenge } from "./outcome";
import type { RequestContext } from "./request-context";
import { served, type Served, type UsageNote } from "./served";

const PAYMENT_IDENTIFIER_DECLARATION = declarePaymentIdentifierExtension(false);

const btoa64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");

export function challengeFor(
  deps: GatewayDeps,
  req: GatewayRequest,
  route: PricedRoute,
  ctx: RequestContext,
  opts: { clientVersion: 1 | 2 | null; error?: string; errorMessage?: string },
): PaymentChallenge {
  const wantsHtml =
    opts.clientVersion === null &&
    !opts.error &&
    (req.headers.get("accept") ?? "").includes("text/html");
  // `error` is the protocol's reason string; `errorMessage` says it in words (clients ignore extra fields)
  // every route accepts a payment identifier (a retried payment gets its first outcome, never a
  // second charge); bundles and passes also declare Sign-In-With-X: how the buyer comes back without paying
  const extensions: Record<string, unknown> = {
    [PAYMENT_IDENTIFIER]: PAYMENT_IDENTIFIER_DECLARATION,
  };
  if (route.rule.billingMode !== "PER_REQUEST") {
    extensions[SIWX_HEADER] = siwxDeclaration({
      appUrl: deps.env.GATEWAY_URL,
      resourceUrl: route.resourceUrl,
      network: route.network.id,
      nonce: randomHex(16),
      issuedAt: deps.now(),
      statement: `Use your ${describePurchase(route)} at ${route.merchant.name}`,
    });
  }
  // discovery: the route as the `bazaar` extension describes it, unless the merchant opted out
  if (route.merchant.discoverable !== false) {
    const declaration = bazaarDeclaration(route.rule, {
      method: req.method,
      path: new URL(route.resourceUrl).pathname,
      prefix: gatewayPathPrefix(deps.env.GATEWAY_URL, route.merchant.id),
    });
    if (declaration) extensions[BAZAAR_KEY] = declaration;
  }
  const v2 = paymentRequiredV2(route, opts.error, extensions);
  // signed offers (`offer-receipt`): one per accepts entry, in the v2 header and in either body
  const offers = signedOffers(deps, v2.resource.url, v2.accepts);
  if (offers) extensions[OFFER_RECEIPT] = offers;
  const built = paymentRequiredBody(route, { ...opts, extensions });
  const body =
    offers && built.x402Version === 1
      ? { ...built, extensions: { [OFFER_RECEIPT]: offers } }
      : built;
  return {
    v2Header: btoa64(v2),
    body: opts.errorMessage ? { ...body, errorMessage: opts.errorMessage } : body,
    html: wantsHtml
      ? renderPaywall(route, { appUrl: deps.env.APP_URL, path: ctx.path, locale: localeOf(req) })
      : undefined,
  };
}

/** The offers of a 402, reused per shape while fresh; none before the signing key has loaded. */
function signedOffers(deps: GatewayDeps, resourceUrl: string, accepts: readonly AcceptedTerms[]) {
  const signer = deps.receipts.current();
  if (!signer) return null;
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  return offersExtension(signer, resourceUrl, accepts, { nowSeconds, cache: deps.receipts.offers });
}

/** The paywall's language: the switch's cookie, else the browser's Accept-Language (as the pages). */
function localeOf(req: GatewayRequest): Locale {
  return resolveLocale({
    cookie: localeCookieFrom(req.headers.get("cookie")),
    acceptLanguage: req.headers.get("accept-language"),
  });
}

/** A refused payment (or proof): a 402 that says why, logged REJECTED with the reason. */
export function rejectPayment(
  deps: GatewayDeps,
  req: GatewayRequest,
  priced: { route: PricedRoute; ruleId: string },
  ctx: RequestContext,
  refusal: { version: 1 | 2 | null; reason: string; message: string },
  usage: Omit<UsageNote, "status" | "reason" | "ruleId"> = {},
): Served {
  const { version, reason, message } = refusal;
  return served(
    {
      kind: "payment_rejected",
      reason,
      message,
      challenge: challengeFor(deps, req, priced.route, ctx, {
        clientVersion: version,
        error: reason,
        errorMessage: message,
      }),
    },
    { ...usage, ruleId: priced.ruleId, status: "REJECTED", reason },
  );
}
