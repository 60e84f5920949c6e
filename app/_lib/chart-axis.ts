// Sizing a chart's value axis for its labels (recharts takes a fixed pixel width, and clips what
// does not fit: "45000" read as "5000" on the admin overview). Pure: the caller formats the labels.

/** The data maximum rounded up to one significant digit, about where the axis puts its top tick. */
export function niceAxisMax(max: number): number {
  if (!(max > 0)) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  return Number((Math.ceil(max / magnitude) * magnitude).toPrecision(12));
}

const CJK = /[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/u;
const TICK_LINE_AND_GAP = 8;
const MIN_WIDTH = 24;

/** Pixels an axis needs for its widest label at `fontSize`: ~0.62 em per Latin glyph, 1 em per CJK glyph. */
export function axisWidthFor(labels: string[], fontSize: number): number {
  let widest = 0;
  for (const label of labels) {
    let width = 0;
    for (const char of label) width += CJK.test(char) ? fontSize : fontSize * 0.62;
    widest = Math.max(widest, width);
  }
  return Math.max(MIN_WIDTH, Math.ceil(widest + TICK_LINE_AND_GAP));
}
