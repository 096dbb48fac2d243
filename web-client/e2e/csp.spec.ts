import { expect, test, type Page } from "@playwright/test";
import { MANAGER, RESIDENT, SECURITY, ensureCourt, signedIn } from "./support";

// Every page of the client runs under the Content-Security-Policy the gateway sends in
// both profiles: no console error, no `securitypolicyviolation` event, on the pages with
// the most third-party output (Chart.js on the dashboard, FullCalendar on the bookings
// calendar, Tailwind everywhere).
const PAGES: [string, string[]][] = [
  [RESIDENT, ["/", "/bills", "/polls", "/bookings", "/complaints", "/complaints/new", "/announcements", "/profile"]],
  [MANAGER, ["/", "/units", "/residents", "/billing", "/bills", "/complaints", "/polls", "/bookings", "/announcements", "/settings"]],
  [SECURITY, ["/", "/bookings"]],
];

/** Collects CSP violations (the browser's own console errors and the DOM events). */
async function watchPolicy(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|securitypolicyviolation/i.test(message.text())) {
      violations.push(`${page.url()}: ${message.text()}`);
    }
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return violations;
}

test.beforeAll(async ({ request, baseURL }) => {
  await ensureCourt(request, baseURL ?? "");
});

test("the client runs under its Content-Security-Policy without a violation", async ({ browser }) => {
  for (const [who, paths] of PAGES) {
    const page = await signedIn(browser, who);
    const violations = await watchPolicy(page);
    for (const path of paths) {
      const response = await page.goto(path);
      const csp = response?.headers()["content-security-policy"] ?? "";
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(response?.headers()["x-content-type-options"]).toBe("nosniff");
      await expect(page.locator("main h1")).toBeVisible();
      await expect(page.getByText(/^(Memuat…|Loading…)$/)).toHaveCount(0);
      if (who === MANAGER && path === "/") await expect(page.locator("canvas").first()).toBeVisible();
      if (who === MANAGER && path === "/bookings") await expect(page.locator("[class*='fc']").first()).toBeVisible();
      await page.waitForLoadState("networkidle");
    }
    expect(violations, who).toEqual([]);
    await page.context().close();
  }
});
