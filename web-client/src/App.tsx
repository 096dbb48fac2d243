import { lazy, Suspense, useEffect, useState } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { refresh } from "./auth/session";
import { useSession } from "./auth/useSession";
import { Shell } from "./ui/Shell";
import { Loading, Page } from "./ui/kit";
import { SignIn } from "./pages/SignIn";
import { ResidentHome } from "./pages/resident/Home";
import { Profile } from "./pages/resident/Profile";
import { Bills } from "./pages/Bills";
import { BillDetail } from "./pages/BillDetail";
import { PollDetail, Polls } from "./pages/Polls";
import { ComplaintDetail, Complaints, FileComplaint } from "./pages/Complaints";
import { Announcements } from "./pages/Announcements";

// Staff pages (and Chart.js) load only for staff: the resident portal stays small.
const Dashboard = lazy(() => import("./pages/manager/Dashboard").then((m) => ({ default: m.Dashboard })));
const Billing = lazy(() => import("./pages/manager/Billing").then((m) => ({ default: m.Billing })));
const Units = lazy(() => import("./pages/manager/People").then((m) => ({ default: m.Units })));
const Residents = lazy(() => import("./pages/manager/People").then((m) => ({ default: m.Residents })));
const BookingsCalendar = lazy(() => import("./pages/manager/BookingsCalendar").then((m) => ({ default: m.BookingsCalendar })));
// Bookings load when first opened (residents' first page stays small).
const ResidentBookings = lazy(() => import("./pages/Bookings").then((m) => ({ default: m.ResidentBookings })));
const BookFacility = lazy(() => import("./pages/Bookings").then((m) => ({ default: m.BookFacility })));
const TodayBookings = lazy(() => import("./pages/Bookings").then((m) => ({ default: m.TodayBookings })));
const Settings = lazy(() => import("./pages/manager/Settings").then((m) => ({ default: m.Settings })));

function NotFound() {
  const { t } = useTranslation();
  return (
    <Page title={t("common.notFound")}>
      <p>{t("common.notFoundHint")}</p>
    </Page>
  );
}

function Routed() {
  const session = useSession();
  if (!session) {
    return (
      <Routes>
        <Route path="*" element={<SignIn />} />
      </Routes>
    );
  }
  const shared = [
    <Route key="bills" path="/bills" element={<Bills />} />,
    <Route key="bill" path="/bills/:id" element={<BillDetail />} />,
    <Route key="polls" path="/polls" element={<Polls />} />,
    <Route key="poll" path="/polls/:id" element={<PollDetail />} />,
    <Route key="complaints" path="/complaints" element={<Complaints />} />,
    <Route key="complaint" path="/complaints/:id" element={<ComplaintDetail />} />,
    <Route key="announcements" path="/announcements" element={<Announcements />} />,
    <Route key="login" path="/login" element={<Navigate to="/" replace />} />,
    <Route key="none" path="*" element={<NotFound />} />,
  ];
  return (
    <Shell role={session.role}>
      <Suspense fallback={<Loading />}>
        {session.role === "RESIDENT" ? (
          <Routes>
            <Route path="/" element={<ResidentHome />} />
            <Route path="/complaints/new" element={<FileComplaint />} />
            <Route path="/profile" element={<Profile />} />
            <Route path="/bookings" element={<ResidentBookings />} />
            <Route path="/bookings/:id" element={<BookFacility />} />
            {shared}
          </Routes>
        ) : session.role === "MANAGER" ? (
          <Routes>
            <Route path="/" element={<Dashboard />} />
            <Route path="/units" element={<Units />} />
            <Route path="/residents" element={<Residents />} />
            <Route path="/billing" element={<Billing />} />
            <Route path="/settings" element={<Settings />} />
            <Route path="/bookings" element={<BookingsCalendar />} />
            {shared}
          </Routes>
        ) : (
          <Routes>
            <Route path="/" element={<Complaints />} />
            <Route path="/complaints/:id" element={<ComplaintDetail />} />
            <Route path="/bookings" element={<TodayBookings />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        )}
      </Suspense>
    </Shell>
  );
}

export function App() {
  const [restoring, setRestoring] = useState(true);
  // A reload keeps the sign-in: the cookie buys a new access token.
  useEffect(() => {
    void refresh().finally(() => setRestoring(false));
  }, []);
  if (restoring) return <Loading />;
  return (
    <BrowserRouter>
      <Routed />
    </BrowserRouter>
  );
}
