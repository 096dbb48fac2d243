import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const PASSWORD = "demo-pass-2024";
export const RESIDENT = "+6281200000001";
export const MANAGER = "manager@demo.test";
export const SECURITY = "satpam@demo.test";

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

/** Switches the page to English (the header's language button). */
export async function toEnglish(page: Page): Promise<void> {
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
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

/** API sessions of this worker, by identifier: signed in once, then renewed with the
 * refresh token, as an API client does (sign-in attempts are limited per identifier, and
 * the e2e gateway's access tokens live 20 s). */
const apiSessions = new Map<string, { access: string; expiresAt: number; refresh: string }>();

/** GraphQL over the API as `identifier` (Node does not resolve `*.localhost`: the loopback
 * address, the tenant in a header). */
async function apiAs(request: APIRequestContext, baseURL: string, identifier: string) {
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
    return (await resp.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
  };
  const fields = "accessToken accessTokenExpiresAt refreshToken";
  const keep = (payload: Record<string, unknown> | undefined) => {
    if (!payload) return undefined;
    const session = {
      access: payload.accessToken as string,
      expiresAt: payload.accessTokenExpiresAt as number,
      refresh: payload.refreshToken as string,
    };
    apiSessions.set(identifier, session);
    return session;
  };
  let session = apiSessions.get(identifier);
  if (session && session.expiresAt - 5 <= Date.now() / 1000) {
    const renewed = await gql(`mutation($r: String!) { refreshToken(refreshToken: $r) { ${fields} } }`, { r: session.refresh });
    session = keep(renewed.data?.refreshToken);
  }
  if (!session) {
    const login = await gql(`mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { ${fields} } }`, {
      i: identifier,
      p: PASSWORD,
    });
    session = keep(login.data?.login);
  }
  const token = session?.access;
  return (query: string, variables: object = {}) => gql(query, variables, token);
}

/** Makes sure this month's bills exist (as the manager, over the API; idempotent). */
export async function ensureBills(request: APIRequestContext, baseURL: string): Promise<void> {
  const gql = await apiAs(request, baseURL, MANAGER);
  const period = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", timeZone: "Asia/Jakarta" })
    .format(new Date())
    .slice(0, 7);
  const job = await gql("mutation($p: String!) { generateMonthlyBills(period: $p) { id } }", { p: period });
  const id = job.data?.generateMonthlyBills?.id as string;
  await expect
    .poll(async () => (await gql("query($id: ID!) { job(id: $id) { status } }", { id })).data?.job?.status, {
      timeout: 60_000,
    })
    .toBe("DONE");
}

export const COURT = "Lapangan Badminton";

/** Makes sure the estate has a badminton court open every day 06:00-22:00, booked by the
 * hour (as the manager, over the API; idempotent). Returns its id. */
export async function ensureCourt(request: APIRequestContext, baseURL: string): Promise<string> {
  const gql = await apiAs(request, baseURL, MANAGER);
  const existing = await gql("{ facilities { id name } }");
  const found = (existing.data?.facilities as unknown as { id: string; name: string }[] | undefined)?.find((f) => f.name === COURT);
  if (found) return found.id;
  const created = await gql(
    `mutation($i: FacilityInput!) { createFacility(input: $i) { id } }`,
    {
      i: {
        name: COURT,
        description: "Lapangan indoor dengan lampu malam.",
        rules: "Pakai sepatu olahraga. Bawa raket sendiri.",
        kind: "EXCLUSIVE",
        capacity: 4,
        pricing: "HOURLY",
        rate: 50000,
        slotMinutes: 60,
        minMinutes: 60,
        maxMinutes: 120,
        bookAheadDays: 14,
        cancellationDeadlineHours: 2,
      },
    },
  );
  const id = created.data?.createFacility?.id as string;
  expect(id, JSON.stringify(created)).toBeTruthy();
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: "06:00", closes: "22:00" }));
  const schedule = await gql("mutation($f: ID!, $h: [OpeningHoursInput!]!) { setFacilitySchedule(facilityId: $f, hours: $h) { weekday } }", {
    f: id,
    h: hours,
  });
  expect(schedule.errors, JSON.stringify(schedule)).toBeUndefined();
  return id;
}

export const SECOND_RESIDENT = "+6281299990002";

/** A login for a resident of another household than RESIDENT's (as the manager, over the
 * API; idempotent). */
export async function ensureSecondResident(request: APIRequestContext, baseURL: string): Promise<string> {
  const gql = await apiAs(request, baseURL, MANAGER);
  const exists = await (await apiAs(request, baseURL, SECOND_RESIDENT))("{ me { id } }");
  if (exists.data?.me) return SECOND_RESIDENT;
  const residents = await gql("{ residents(first: 50) { nodes { id units { id } } } }");
  const nodes = (residents.data?.residents as unknown as { nodes: { id: string; units: { id: string }[] }[] }).nodes;
  const first = new Set(nodes[0]!.units.map((u) => u.id));
  const other = nodes.find((r) => r.units.length > 0 && r.units.every((u) => !first.has(u.id)))!;
  const created = await gql("mutation($i: CreateAccountInput!) { createUserAccount(input: $i) }", {
    i: { role: "RESIDENT", phone: SECOND_RESIDENT, password: PASSWORD, displayName: "Warga Kedua", residentId: other.id },
  });
  expect(created.errors, JSON.stringify(created)).toBeUndefined();
  return SECOND_RESIDENT;
}

/** Cancels the resident's court bookings listed under "my bookings" (on /bookings). */
export async function cancelCourtBookings(page: Page): Promise<void> {
  const cancels = page.getByTestId("my-bookings").getByRole("button", { name: new RegExp(`Batalkan booking ${COURT}`) });
  await expect(page.getByRole("heading", { name: "Booking saya" })).toBeVisible();
  await expect(page.getByText(/^(Memuat…|Loading…)$/)).toHaveCount(0);
  for (let n = await cancels.count(); n > 0; n -= 1) {
    await cancels.first().click();
    await expect(cancels).toHaveCount(n - 1);
  }
}

/** Books the court as the signed-in resident: `day` days from today (the day picker's
 * radio), one hour from `time` (`HH:MM`). Leaves the page on the facility. */
export async function bookCourt(page: Page, day: number, time: string): Promise<void> {
  await page.goto("/bookings");
  await page.getByRole("link", { name: new RegExp(COURT) }).click();
  await expect(page.getByRole("heading", { level: 1, name: COURT })).toBeVisible();
  await page.getByRole("radio").nth(day).click();
  const slot = page.getByTestId(`slot-${time}`);
  await expect(slot).toBeEnabled();
  await slot.click();
  await expect(page.getByTestId("quote")).toContainText(/Rp\s50\.000/);
  await page.getByRole("button", { name: "Pesan", exact: true }).click();
  await expect(page.getByTestId("booked")).toBeVisible();
}

/** `url` with the loopback address for its host (Node does not resolve `*.localhost`). */
export function loopback(url: string): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  return u.toString();
}
