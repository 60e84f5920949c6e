import { useTranslations } from "next-intl";

// The 402 → pay → 200 flow as plain markup: three lanes on wide screens, stacked on phones. The
// drawing is one image to assistive technology (role="img" + its own description); the caption
// below it is read as text.

const STEPS = [
  {
    key: "step1",
    wire: "GET /mer_…/api/signal/btc",
    status: "402",
    statusClass: "bg-warning/15 text-warning ring-warning/40",
  },
  {
    key: "step2",
    wire: "PAYMENT-SIGNATURE: eyJ4NDAy…",
    status: "USDC",
    statusClass: "bg-primary/10 text-primary ring-primary/30",
  },
  {
    key: "step3",
    wire: "PAYMENT-RESPONSE: 0x9f3c…",
    status: "200",
    statusClass: "bg-success/15 text-success ring-success/40",
  },
] as const;

export function FlowDiagram() {
  const t = useTranslations("marketing");
  return (
    <figure aria-labelledby="flow-caption" className="grid gap-4">
      <div
        role="img"
        aria-label={t("flow.alt")}
        data-testid="flow-diagram"
        className="grid gap-3 rounded-xl border bg-card p-4 md:p-6"
      >
        <div
          className="hidden grid-cols-3 gap-3 text-center text-xs font-medium text-muted-foreground md:grid"
          aria-hidden
        >
          <span className="rounded bg-muted px-2 py-1">{t("flow.client")}</span>
          <span className="rounded bg-muted px-2 py-1">{t("flow.gateway")}</span>
          <span className="rounded bg-muted px-2 py-1">{t("flow.api")}</span>
        </div>
        <ol className="grid gap-3 md:grid-cols-3">
          {STEPS.map((step, i) => (
            <li
              key={step.key}
              className="relative grid content-start gap-2 rounded-lg border bg-background p-4"
            >
              <div className="flex items-center justify-between gap-2">
                <span className="text-sm font-semibold">
                  {i + 1}. {t(`flow.${step.key}.title`)}
                </span>
                <span
                  className={`rounded-full px-2 py-0.5 font-mono text-xs font-semibold ring-1 ${step.statusClass}`}
                >
                  {step.status}
                </span>
              </div>
              <code className="truncate rounded bg-muted px-2 py-1 font-mono text-[11px] text-muted-foreground">
                {step.wire}
              </code>
              <p className="text-sm text-muted-foreground">{t(`flow.${step.key}.text`)}</p>
              {i < STEPS.length - 1 && (
                <span
                  aria-hidden
                  className="absolute -bottom-3 left-1/2 z-10 -translate-x-1/2 text-primary md:top-1/2 md:-right-3 md:bottom-auto md:left-auto md:translate-x-0 md:-translate-y-1/2"
                >
                  <span className="md:hidden">↓</span>
                  <span className="hidden md:inline">→</span>
                </span>
              )}
            </li>
          ))}
        </ol>
      </div>
      <figcaption id="flow-caption" className="text-center text-sm text-muted-foreground">
        {t("flow.caption")}
      </figcaption>
    </figure>
  );
}
