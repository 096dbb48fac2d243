// The frame around every signed-in page: estate name, navigation for the caller's role,
// language switch, sign-out, and the connection banner (offline / reconnecting).
import { useEffect, useRef, type ReactNode } from "react";
import { NavLink, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useTenant } from "../tenant";
import { useConnection } from "../lib/connection";
import { logout } from "../auth/session";
import type { Role } from "../gql/graphql";

const NAV: Record<Role, { to: string; key: string }[]> = {
  RESIDENT: [
    { to: "/", key: "nav.home" },
    { to: "/bills", key: "nav.bills" },
    { to: "/polls", key: "nav.polls" },
    { to: "/bookings", key: "nav.bookings" },
    { to: "/complaints", key: "nav.complaints" },
    { to: "/announcements", key: "nav.announcements" },
    { to: "/profile", key: "nav.profile" },
  ],
  MANAGER: [
    { to: "/", key: "nav.dashboard" },
    { to: "/units", key: "nav.units" },
    { to: "/residents", key: "nav.residents" },
    { to: "/billing", key: "nav.billing" },
    { to: "/complaints", key: "nav.complaints" },
    { to: "/polls", key: "nav.polls" },
    { to: "/bookings", key: "nav.bookings" },
    { to: "/announcements", key: "nav.announcements" },
    { to: "/settings", key: "nav.settings" },
  ],
  SECURITY: [
    { to: "/", key: "nav.assigned" },
    { to: "/bookings", key: "nav.todayBookings" },
  ],
  SUPER_ADMIN: [],
};

/** Tabs shown on phones; the rest sit behind "more". */
const PHONE_TABS = 3;

const tabClass = ({ isActive }: { isActive: boolean }) =>
  `block min-h-11 whitespace-nowrap px-3 py-3 text-sm ${isActive ? "border-b-4 border-white font-semibold" : "text-teal-50"}`;

/** The role's pages: all of them in one row from `lg` up; on phones the first few and a
 * "more" menu, so every page is reachable without scrolling sideways. */
function Nav({ items }: { items: { to: string; key: string }[] }) {
  const { t } = useTranslation();
  const more = useRef<HTMLDetailsElement>(null);
  const { pathname } = useLocation();
  // Navigating closes the menu.
  useEffect(() => {
    if (more.current) more.current.open = false;
  }, [pathname]);
  const overflow = items.length > PHONE_TABS + 1 ? items.slice(PHONE_TABS) : [];
  const inMore = overflow.some((item) => pathname === item.to || pathname.startsWith(`${item.to}/`));
  return (
    <nav aria-label={t("nav.label")} className="mx-auto max-w-5xl px-2">
      <ul className="flex flex-wrap gap-x-1">
        {items.map((item, i) => (
          <li key={item.to} className={overflow.length > 0 && i >= PHONE_TABS ? "hidden lg:block" : undefined}>
            <NavLink to={item.to} end={item.to === "/"} className={tabClass}>
              {t(item.key)}
            </NavLink>
          </li>
        ))}
        {overflow.length > 0 && (
          <li className="relative ml-auto lg:hidden">
            <details ref={more}>
              <summary
                className={`flex min-h-11 cursor-pointer list-none items-center gap-1 px-3 py-3 text-sm ${inMore ? "border-b-4 border-white font-semibold" : "text-teal-50"}`}
              >
                {t("nav.more")}
                <span aria-hidden="true">▾</span>
              </summary>
              <ul className="absolute right-0 z-20 mt-1 w-56 rounded-lg bg-teal-900 py-1 shadow-lg">
                {overflow.map((item) => (
                  <li key={item.to}>
                    <NavLink
                      to={item.to}
                      className={({ isActive }) =>
                        `block min-h-11 px-4 py-3 text-sm ${isActive ? "font-semibold text-white underline" : "text-teal-50"}`
                      }
                    >
                      {t(item.key)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </details>
          </li>
        )}
      </ul>
    </nav>
  );
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next = i18n.language.startsWith("en") ? "id" : "en";
  return (
    <button
      type="button"
      lang={next}
      onClick={() => void i18n.changeLanguage(next)}
      className="min-h-11 rounded-lg px-3 text-sm font-medium text-teal-50 underline-offset-2 hover:underline"
    >
      {t("common.switchLanguage")}
    </button>
  );
}

export function ConnectionBanner() {
  const { t } = useTranslation();
  const state = useConnection();
  if (state === "online") return null;
  return (
    <div role="status" data-testid="connection" className="bg-amber-200 px-4 py-2 text-center text-sm font-medium text-amber-950">
      {t(`connection.${state}`)}
    </div>
  );
}

export function Shell({ role, children }: { role: Role; children: ReactNode }) {
  const { t } = useTranslation();
  const tenant = useTenant();
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        {t("common.skip")}
      </a>
      <header className="bg-teal-800 text-white">
        {/* The estate's name keeps its line: when the buttons do not fit beside it (English
            on a phone), they move under it, each on one line. */}
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-2 px-4 py-2">
          <span className="min-w-0 py-2 font-semibold">{tenant.displayName ?? "Klustera"}</span>
          <div className="ml-auto flex shrink-0 items-center gap-1 whitespace-nowrap">
            <LanguageSwitch />
            <button
              type="button"
              onClick={() => void logout()}
              className="min-h-11 rounded-lg px-3 text-sm font-medium text-teal-50 hover:underline"
            >
              {t("common.signOut")}
            </button>
          </div>
        </div>
        <Nav items={NAV[role]} />
      </header>
      <ConnectionBanner />
      <main id="main" className="flex-1">
        {children}
      </main>
    </div>
  );
}
