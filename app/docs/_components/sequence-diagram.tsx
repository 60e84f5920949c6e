// The x402 flow as a sequence diagram, drawn with plain markup (no diagram library needed).

const ACTORS = ["Client", "Gateway", "Facilitator", "Your API"] as const;

const STEPS: { from: number; to: number; label: string }[] = [
  { from: 0, to: 1, label: "GET /mer_…/api/signal/btc" },
  { from: 1, to: 0, label: "402 + requirements (PAYMENT-REQUIRED)" },
  { from: 0, to: 1, label: "retry with PAYMENT-SIGNATURE (signed EIP-3009)" },
  { from: 1, to: 2, label: "verify (signature, balance, nonce)" },
  { from: 1, to: 3, label: "proxy the request" },
  { from: 3, to: 1, label: "200 response" },
  { from: 1, to: 2, label: "settle on chain" },
  { from: 1, to: 0, label: "200 + PAYMENT-RESPONSE (tx hash)" },
];

export function SequenceDiagram() {
  return (
    <figure className="my-6 overflow-x-auto rounded-lg border p-4" aria-label="Sequence diagram of a paid call">
      <div className="grid min-w-[36rem] grid-cols-4 text-center text-xs font-medium">
        {ACTORS.map((a) => (
          <div key={a} className="rounded bg-muted px-2 py-1">
            {a}
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
                {step.label}
                <div className="mx-[12.5%] border-t-2 border-primary" aria-hidden>
                  <span className={step.to > step.from ? "float-right -mt-[9px]" : "float-left -mt-[9px]"}>{step.to > step.from ? "▶" : "◀"}</span>
                </div>
              </div>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}
