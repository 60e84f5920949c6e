import { expect, test } from "@playwright/test";

// Issue 25: "on the playground the paid-endpoint select runs under the path input (its text
// overlaps the field)". The select's box and the path input's box stay apart at both widths.
for (const width of [1280, 390]) {
  test(`the paid-endpoint select and the path input do not overlap at ${width} px`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/docs/playground");
    await expect(page.locator("[data-testid=rk-connect-button]")).toBeVisible();
    const select = await page.getByTestId("pg-endpoint").boundingBox();
    const path = await page.getByLabel("Path").boundingBox();
    expect(select).not.toBeNull();
    expect(path).not.toBeNull();
    if (!select || !path) return;
    const apart =
      select.x + select.width <= path.x ||
      path.x + path.width <= select.x ||
      select.y + select.height <= path.y ||
      path.y + path.height <= select.y;
    expect(apart, `select ${JSON.stringify(select)} vs path ${JSON.stringify(path)}`).toBe(true);
    // the chosen endpoint's text stays inside the trigger (it is cut, not spilled)
    const spill = await page.getByTestId("pg-endpoint").evaluate((el) => {
      const value = el.querySelector("[data-slot=select-value]");
      return value ? value.getBoundingClientRect().right - el.getBoundingClientRect().right : 0;
    });
    expect(spill).toBeLessThanOrEqual(0);
  });
}
