import { useTranslations } from "next-intl";

// The x402 flow as a sequence diagram, drawn with plain markup (no diagram library needed).

const ACTORS = ["client", "gateway", "facilitator", "api"] as const;

type StepLabel = "requirements" | "retry" | "verify" | "proxy" | "response" | "settle" | "paid";
// the first step is the request line itself (code, the same in every language)
const STEPS: { from: number; to: number; label: StepLabel | null }[] = [
  { from: 0, to: 1, label: null },
  { from: 1, to: 0, label: "requirements" },
  { from: 0, to: 1, label: "retry" },
  { from: 1, to: 2, label: "verify" },
  { from: 1, to: 3, label: "proxy" },
  { from: 3, to: 1, label: "response" },
  { from: 1, to: 2, label: "settle" },
  { from: 1, to: 0, label: "paid" },
];

export function SequenceDiagram() {
  const t = useTranslations("docs");
  return (
    <figure className="my-6 overflow-x-auto rounded-lg border p-4" aria-label={t("sequence.label")}>
      <div className="grid min-w-[36rem] grid-cols-4 text-center text-xs font-medium">
        {ACTORS.map((a) => (
          <div key={a} className="rounded bg-muted px-2 py-1">
            {t(`sequence.${a}`)}
          </div>
        ))}
      </div>
      <ol className="relative mt-2 grid min-w-[36rem] gap-2">
        {STEPS.map((step, i) => {
          const left = Math.min(step.from, step.to);
          const right = Math.max(step.from, step.to);
          return (
            <li key={i} className="grid grid-cols-4 items-center text-[11px]">
              <div className="text-center" style={{ gridColumn: `${left + 1} / ${right + 2}` }}>
                <span className="text-muted-foreground">{i + 1}. </span>
                {step.label ? t(`sequence.${step.label}`) : <code>GET /mer_…/api/signal/btc</code>}
                <div className="mx-[12.5%] border-t-2 border-primary" aria-hidden>
                  <span
                    className={
                      step.to > step.from ? "float-right -mt-[9px]" : "float-left -mt-[9px]"
                    }
                  >
                    {step.to > step.from ? "▶" : "◀"}
                  </span>
                </div>
              </div>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}
