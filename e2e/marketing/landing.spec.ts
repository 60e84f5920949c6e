import { expect, test } from "@playwright/test";

// public/ holds the favicon, the logo and the share card; the landing page names the card in its
// Open Graph tags with an absolute URL (crawlers do not resolve relative ones).
test("the landing page links its favicon and share card, and public/ serves them", async ({
  page,
  request,
}) => {
  await page.goto("/");
  await expect(
    page.getByRole("heading", { name: "Charge for every API call in stablecoins", level: 1 }),
  ).toBeVisible();

  const ogImage = await page.locator('meta[property="og:image"]').getAttribute("content");
  expect(ogImage).toMatch(/^https?:\/\/[^/]+\/og\.png$/);
  await expect(page.locator('meta[property="og:image:width"]')).toHaveAttribute("content", "1200");
  await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute(
    "content",
    "summary_large_image",
  );
  await expect(page.locator('link[rel="icon"][href^="/favicon.ico"]')).toHaveCount(1);
  await expect(page.locator('link[rel="icon"][href^="/logo.svg"]')).toHaveCount(1);

  for (const [path, type, magic] of [
    ["/og.png", "image/png", "89504e47"],
    ["/favicon.ico", "image/x-icon", "00000100"],
    ["/logo.svg", "image/svg+xml", "3c737667"],
  ] as const) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()["content-type"], path).toContain(type);
    expect((await res.body()).subarray(0, 4).toString("hex"), path).toBe(magic);
  }
});
