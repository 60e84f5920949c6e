import { expect, test } from "@playwright/test";

import { measureLayout } from "./layout-checks";

// The layout checks find what they look for: a page built to break each rule is reported.
test("the layout checks report overflow, overlapping controls and a clipped placeholder", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 600 });
  await page.setContent(`<!doctype html><body style="margin:0">
    <main>
      <input id="path" placeholder="a placeholder far longer than its little box" style="width:80px">
      <select id="endpoint" style="position:absolute; left:20px; top:0; width:200px"><option>choose</option></select>
      <div style="width:600px">wide</div>
      <button style="position:absolute; left:300px; top:200px" aria-hidden="true">hidden</button>
    </main></body>`);
  const report = await measureLayout(page);
  expect(report.scrollWidth).toBeGreaterThan(report.viewportWidth);
  expect(report.overlaps).toEqual([expect.stringMatching(/^input#path .*⨯ select#endpoint/)]);
  expect(report.clippedInputs).toEqual([expect.stringMatching(/^input#path/)]);
});
