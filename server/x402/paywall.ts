import { type Locale } from "@/server/i18n/locales";
import { translatorFor } from "@/server/i18n/translator";
import { formatAtomic } from "@/server/pricing/price";

import { offeredOptions, type PaymentOption, type PricedRoute } from "./requirements";

// Pure: the page a person sees when they open a paid URL in a browser. It says what the call
// costs and sends them to the playground, where a wallet can pay for it. Its texts are the
// `paywall` namespace in the request's language (server/i18n/locales.ts: cookie, then Accept-Language).

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

export function renderPaywall(
  route: PricedRoute,
  opts: { appUrl: string; path: string; locale: Locale },
): string {
  const t = translatorFor(opts.locale, "paywall");
  // the rule's own price, then each further way to pay on a line of its own
  const [own, ...others] = offeredOptions(route) as [PaymentOption, ...PaymentOption[]];
  const priceIn = (o: PaymentOption) =>
    `${formatAtomic(o.amount, o.asset.decimals)} ${o.asset.symbol}`;
  const price = priceIn(own);
  const alternatives = others
    .map(
      (o) =>
        `\n  <p class="muted">${escapeHtml(t("orPay", { price: priceIn(o), network: o.network.name }))}</p>`,
    )
    .join("");
  const playground = `${opts.appUrl}/docs/playground?merchant=${encodeURIComponent(route.merchant.id)}&path=${encodeURIComponent(opts.path)}`;
  const title = t("title", { merchant: route.merchant.name });
  // the message's tags wrap our own text; only the link target comes from configuration and is escaped
  const developers = t.markup("developers", {
    code: (chunks) => `<code>${chunks}</code>`,
    docs: (chunks) => `<a href="${escapeHtml(opts.appUrl)}/docs">${chunks}</a>`,
  });
  return `<!doctype html>
<html lang="${opts.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body{margin:0;font-family:ui-sans-serif,system-ui,sans-serif;background:#f6f5fb;color:#1c1b29;display:grid;place-items:center;min-height:100vh}
  main{background:#fff;border:1px solid #e4e2f0;border-radius:16px;padding:32px;max-width:440px;box-shadow:0 8px 30px rgba(60,40,140,.08)}
  h1{font-size:20px;margin:0 0 4px}.muted{color:#6b6880;font-size:14px}.price{font-size:32px;font-weight:700;margin:20px 0 4px}
  code{background:#f1f0f8;border-radius:6px;padding:2px 6px;font-size:13px;word-break:break-all}
  a.button{display:inline-block;margin-top:20px;background:#5b3df5;color:#fff;text-decoration:none;padding:10px 18px;border-radius:10px;font-weight:600}
</style></head>
<body><main>
  <p class="muted">${escapeHtml(t("eyebrow"))}</p>
  <h1>${escapeHtml(route.merchant.name)}</h1>
  <p class="muted"><code>${escapeHtml(opts.path)}</code></p>
  <p class="price">${escapeHtml(price)}</p>
  <p class="muted">${escapeHtml(t("perCall", { network: route.network.name }))}</p>${alternatives}
  <a class="button" href="${escapeHtml(playground)}">${escapeHtml(t("payInPlayground"))}</a>
  <p class="muted" style="margin-top:20px">${developers}</p>
</main></body></html>`;
}
