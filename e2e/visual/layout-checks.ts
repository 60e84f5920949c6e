import { expect, type Page, type TestInfo } from "@playwright/test";

// Layout checks that hold whatever the fonts render like (issue 25): measured from the live page,
// not compared with committed screenshots. The screenshot is attached for a human to look at.

export const WIDTHS = [1280, 390] as const;
export const LOCALES = ["en", "zh-CN"] as const;

export type LayoutReport = {
  viewportWidth: number;
  scrollWidth: number;
  /** interactive elements whose boxes intersect, as "a ⨯ b" descriptions */
  overlaps: string[];
  /** inputs whose placeholder or value is wider than the box shows */
  clippedInputs: string[];
  checkedElements: number;
};

/** Runs in the page: measures overflow, overlapping controls and clipped input text. */
export async function measureLayout(page: Page): Promise<LayoutReport> {
  return page.evaluate(() => {
    const describe = (el: Element) => {
      const name =
        el.getAttribute("aria-label") ?? (el as HTMLElement).innerText?.trim().slice(0, 40) ?? "";
      const id = el.id ? `#${el.id}` : "";
      return `${el.tagName.toLowerCase()}${id}${name ? ` "${name}"` : ""}`;
    };
    const isShown = (el: Element) => {
      if (el.closest("[aria-hidden='true'], [hidden], .sr-only")) return false;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none" || Number(style.opacity) === 0)
        return false;
      const rect = el.getBoundingClientRect();
      return rect.width > 2 && rect.height > 2;
    };

    // the whole page, header and sidebars included: a page's main area can be all text (a docs
    // article), and the shells' controls crowd first on a phone
    const root = document.body;
    const controls = [
      ...root.querySelectorAll(
        "a[href], button, input:not([type=hidden]), select, textarea, [role=combobox], [role=tab]",
      ),
    ].filter(isShown);
    const overlaps: string[] = [];
    const rects = controls.map((el) => el.getBoundingClientRect());
    for (let i = 0; i < controls.length; i++) {
      for (let j = i + 1; j < controls.length; j++) {
        const a = controls[i] as Element;
        const b = controls[j] as Element;
        // a control inside another (an icon button in a link's box, say) is one target, not two
        if (a.contains(b) || b.contains(a)) continue;
        const ra = rects[i] as DOMRect;
        const rb = rects[j] as DOMRect;
        // more than a pixel each way: touching borders are fine
        const dx = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const dy = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (dx > 1 && dy > 1) overlaps.push(`${describe(a)} ⨯ ${describe(b)}`);
      }
    }

    const canvas = document.createElement("canvas").getContext("2d") as CanvasRenderingContext2D;
    const clippedInputs: string[] = [];
    for (const input of root.querySelectorAll<HTMLInputElement>("input[placeholder]")) {
      if (!isShown(input)) continue;
      const style = getComputedStyle(input);
      canvas.font = style.font;
      const text = input.value || input.placeholder;
      const available =
        input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const needed = canvas.measureText(text).width;
      if (input.scrollWidth > input.clientWidth || needed > available + 1)
        clippedInputs.push(
          `${describe(input)}: "${text}" needs ${Math.ceil(needed)}px of ${Math.floor(available)}px`,
        );
    }

    return {
      viewportWidth: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      overlaps,
      clippedInputs,
      checkedElements: controls.length,
    };
  });
}

/** Sets the width, waits for `ready`, asserts the layout checks and attaches a full-page screenshot. */
export async function checkLayoutAt(
  page: Page,
  testInfo: TestInfo,
  opts: { name: string; width: number; locale: string; ready: () => Promise<void> },
) {
  await page.setViewportSize({ width: opts.width, height: 900 });
  await opts.ready();
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const report = await measureLayout(page);
  await testInfo.attach(`${opts.name}-${opts.locale}-${opts.width}px.png`, {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });
  const where = `${opts.name} at ${opts.width}px (${opts.locale})`;
  expect(report.checkedElements, `${where}: interactive elements found`).toBeGreaterThan(0);
  expect(report.scrollWidth, `${where}: horizontal overflow`).toBeLessThanOrEqual(
    report.viewportWidth,
  );
  expect(report.overlaps, `${where}: overlapping interactive elements`).toEqual([]);
  expect(report.clippedInputs, `${where}: text clipped in inputs`).toEqual([]);
}
