// Pure: what an audit entry changed, as rows of (field, before, after) for the diff view.

export type AuditDiffRow = {
  field: string;
  before: string | undefined;
  after: string | undefined;
  changed: boolean;
};

function show(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function fields(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  return { value };
}

/** One row per top-level field of either side, in first-seen order; nested values are shown as JSON. */
export function auditDiff(before: unknown, after: unknown): AuditDiffRow[] {
  const b = fields(before);
  const a = fields(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.map((field) => {
    const was = show(b[field]);
    const now = show(a[field]);
    return { field, before: was, after: now, changed: was !== now };
  });
}
