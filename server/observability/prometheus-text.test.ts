import { describe, expect, it } from "vitest";

import { parsePrometheusText, sampleValue } from "./prometheus-text";

describe("parsePrometheusText", () => {
  it("reads samples with escaped labels and sums by label subset", () => {
    const samples = parsePrometheusText(
      [
        "# HELP x y",
        'x_total{a="1",b="q\\"uote"} 2',
        'x_total{a="1",b="c"} 3',
        'x_total{a="2"} 5',
        'h_bucket{le="+Inf"} 7',
        "up 1",
      ].join("\n"),
    );
    expect(sampleValue(samples, "x_total", { a: "1" })).toBe(5);
    expect(sampleValue(samples, "x_total", { b: 'q"uote' })).toBe(2);
    expect(sampleValue(samples, "x_total")).toBe(10);
    expect(sampleValue(samples, "h_bucket", { le: "+Inf" })).toBe(7);
    expect(sampleValue(samples, "missing")).toBe(0);
  });
});
