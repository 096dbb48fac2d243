import { useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../../gql";
import { appErrorOf } from "../../lib/errors";
import { upcomingWindow } from "../../lib/format";
import { useFormat } from "../../lib/useFormat";
import { Card, Empty, ErrorNote, Loading, Money, Page, StatusBadge } from "../../ui/kit";

const HomeQuery = graphql(`
  query ResidentHome($from: DateTime!, $to: DateTime!) {
    bills(first: 50) {
      nodes {
        id
        period
        dueOn
        status
        total
        outstanding
        unit {
          id
          number
        }
      }
    }
    complaints(first: 20) {
      nodes {
        id
        title
        status
        createdAt
      }
    }
    bookings(filter: { from: $from, to: $to, status: [PENDING_PAYMENT, PENDING_APPROVAL, CONFIRMED, CHECKED_IN] }) {
      id
      startsAt
      endsAt
      status
      facility {
        id
        name
      }
    }
    announcements(first: 3) {
      nodes {
        id
        title
        body
        publishAt
      }
    }
  }
`);

export function ResidentHome() {
  const { t } = useTranslation();
  const f = useFormat();
  const [{ now, range }] = useState(() => {
    const now = Date.now();
    return { now, range: upcomingWindow(now) };
  });
  const [{ data, fetching, error }] = useQuery({ query: HomeQuery, variables: range });
  if (fetching && !data) return <Loading />;
  const due = (data?.bills.nodes ?? []).filter((b) => b.outstanding > 0 && b.status !== "VOID");
  const total = due.reduce((sum, b) => sum + b.outstanding, 0);
  // In the API's order (start, then booking): the next three still to come.
  const upcoming = (data?.bookings ?? []).filter((b) => new Date(b.endsAt).getTime() > now).slice(0, 3);
  const open = (data?.complaints.nodes ?? []).filter((c) => c.status !== "CLOSED" && c.status !== "RESOLVED");
  return (
    <Page title={t("home.title")}>
      <ErrorNote error={appErrorOf(error)} />
      <Card title={t("home.totalDue")}>
        <p className="text-3xl font-bold text-slate-900" data-testid="total-due">
          <Money amount={total} />
        </p>
        {due.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">{t("home.allPaid")}</p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100">
            {due.map((b) => (
              <li key={b.id}>
                <Link to={`/bills/${encodeURIComponent(b.id)}`} className="flex items-center justify-between gap-2 py-3">
                  <span>
                    <span className="block font-medium">{f.period(b.period)}</span>
                    <span className="block text-xs text-slate-600">
                      {t("bills.unit", { unit: b.unit.number })} · {t("bills.dueOn", { date: f.date(b.dueOn) })}
                    </span>
                  </span>
                  <span className="shrink-0 text-right">
                    <Money amount={b.outstanding} className="block font-semibold" />
                    <StatusBadge group="bill" status={b.status} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t("home.nextBooking")}>
        {upcoming.length === 0 ? (
          <Empty>{t("home.noBooking")}</Empty>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="next-bookings">
            {upcoming.map((b) => (
              <li key={b.id}>
                <Link to="/bookings" className="flex items-center justify-between gap-2 py-3">
                  <span>
                    <span className="block font-medium">{b.facility.name}</span>
                    <span className="block text-xs text-slate-600">{f.dateTime(b.startsAt)}</span>
                  </span>
                  <StatusBadge group="booking" status={b.status} />
                </Link>
              </li>
            ))}
          </ul>
        )}
        <Link to="/bookings" className="mt-2 inline-block min-h-11 py-3 text-sm font-medium text-teal-800 underline">
          {t("home.book")}
        </Link>
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        <Card title={t("home.openComplaints")}>
          {open.length === 0 ? (
            <Empty>{t("home.noComplaints")}</Empty>
          ) : (
            <ul className="divide-y divide-slate-100">
              {open.map((c) => (
                <li key={c.id}>
                  <Link to={`/complaints/${encodeURIComponent(c.id)}`} className="flex justify-between gap-2 py-3">
                    <span className="font-medium">{c.title}</span>
                    <StatusBadge group="complaint" status={c.status} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <Link to="/complaints/new" className="mt-2 inline-block min-h-11 py-3 text-sm font-medium text-teal-800 underline">
            {t("complaints.file")}
          </Link>
        </Card>
        <Card title={t("home.announcements")}>
          {(data?.announcements.nodes ?? []).length === 0 ? (
            <Empty>{t("announcements.none")}</Empty>
          ) : (
            <ul className="space-y-3">
              {data?.announcements.nodes.map((a) => (
                <li key={a.id}>
                  <p className="font-medium">{a.title}</p>
                  <p className="text-xs text-slate-600">{f.dateTime(a.publishAt)}</p>
                  <p className="line-clamp-2 text-sm text-slate-700">{a.body}</p>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </Page>
  );
}
