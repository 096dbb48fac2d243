import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const PASSWORD = "demo-pass-2024";
export const RESIDENT = "+6281200000001";
export const MANAGER = "manager@demo.test";

/** Signs in on the estate's sign-in page (Bahasa Indonesia, the default). */
export async function signIn(page: Page, identifier: string): Promise<void> {
  await page.goto("/");
  await expect(page.getByTestId("estate-name")).toHaveText("Perumahan Demo Asri");
  await page.getByLabel("Email atau nomor HP").fill(identifier);
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("navigation")).toBeVisible();
}

export async function signedIn(browser: Browser, identifier: string, viewport = { width: 360, height: 780 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signIn(page, identifier);
  return page;
}

/** No serious or critical accessibility violations on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    `axe on ${page.url()}`,
  ).toEqual([]);
}

/** Makes sure this month's bills exist (as the manager, over the API; idempotent). */
export async function ensureBills(request: APIRequestContext, baseURL: string): Promise<void> {
  // Node does not resolve `*.localhost`: the loopback address, the tenant in a header.
  const url = new URL("/graphql", baseURL);
  url.hostname = "127.0.0.1";
  const gql = async (query: string, variables: object, token?: string) => {
    const resp = await request.post(url.toString(), {
      data: { query, variables },
      headers: {
        accept: "application/json",
        "x-tenant": "demo",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    return (await resp.json()) as { data?: Record<string, Record<string, unknown>> };
  };
  const login = await gql(
    "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken } }",
    { i: MANAGER, p: PASSWORD },
  );
  const token = login.data?.login?.accessToken as string;
  const period = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", timeZone: "Asia/Jakarta" })
    .format(new Date())
    .slice(0, 7);
  const job = await gql("mutation($p: String!) { generateMonthlyBills(period: $p) { id } }", { p: period }, token);
  const id = job.data?.generateMonthlyBills?.id as string;
  await expect
    .poll(async () => (await gql("query($id: ID!) { job(id: $id) { status } }", { id }, token)).data?.job?.status, {
      timeout: 60_000,
    })
    .toBe("DONE");
}
