// Managers' bookings: what waits for approval, the week's calendar (FullCalendar, in this
// lazily loaded page only) and one booking's actions: approve, reject, check in, cancel.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import FullCalendar from "@fullcalendar/react";
import timeGridPlugin from "@fullcalendar/react/timegrid";
import listPlugin from "@fullcalendar/react/list";
import classicThemePlugin from "@fullcalendar/react/themes/classic";
import idLocale from "@fullcalendar/react/locales/id";
import "@fullcalendar/react/skeleton.css";
import "@fullcalendar/react/themes/classic/theme.css";
import "@fullcalendar/react/themes/classic/palette.css";
import { graphql } from "../../gql";
import type { BookingFieldsFragment } from "../../gql/graphql";
import { appErrorOf, type AppError } from "../../lib/errors";
import { wallClockOf, zonedInputToIso } from "../../lib/format";
import { useFormat } from "../../lib/useFormat";
import { Button, Card, Empty, ErrorNote, Money, Page, StatusBadge, TextField } from "../../ui/kit";
import { BookingsQuery, CheckInMutation } from "../Bookings";

const ApproveMutation = graphql(`
  mutation ApproveBooking($id: ID!) {
    approveBooking(id: $id) {
      ...BookingFields
    }
  }
`);

const RejectMutation = graphql(`
  mutation RejectBooking($id: ID!, $reason: String!) {
    rejectBooking(id: $id, reason: $reason) {
      ...BookingFields
    }
  }
`);

const COLOURS: Record<string, string> = {
  PENDING_APPROVAL: "#b45309",
  PENDING_PAYMENT: "#b45309",
  CONFIRMED: "#0f766e",
  CHECKED_IN: "#0369a1",
};

/** The next 31 days (what one `bookings` read may span). */
function nextMonth() {
  const now = Date.now();
  return { from: new Date(now).toISOString(), to: new Date(now + 31 * 86_400_000).toISOString() };
}

export function BookingsCalendar() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  // The calendar shows wall-clock times of the estate's zone, read as UTC.
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const [{ data }] = useQuery({ query: BookingsQuery, variables: { filter: range! }, pause: !range });
  const [pendingRange] = useState(nextMonth);
  const [{ data: pending }] = useQuery({
    query: BookingsQuery,
    variables: { filter: { ...pendingRange, status: ["PENDING_APPROVAL"] } },
  });
  const [selected, setSelected] = useState<string | null>(null);
  const all = [...(data?.bookings ?? []), ...(pending?.bookings ?? [])];
  const booking = all.find((b) => b.id === selected) ?? null;
  const wide = typeof window === "undefined" || window.matchMedia("(min-width: 768px)").matches;

  return (
    <Page title={t("bookings.calendar")}>
      <Card title={t("bookings.awaitingApproval")}>
        {(pending?.bookings ?? []).length === 0 ? (
          <Empty>{t("bookings.noneAwaiting")}</Empty>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="awaiting">
            {pending?.bookings.map((b) => (
              <li key={b.id}>
                <button type="button" className="flex min-h-11 w-full items-center justify-between gap-2 py-2 text-left" onClick={() => setSelected(b.id)}>
                  <span>
                    <span className="block font-medium">{b.facility.name}</span>
                    <span className="block text-xs text-slate-600">
                      {f.dateTime(b.startsAt)}–{f.time(b.endsAt)} · {b.unit.block.name} · {t("bills.unit", { unit: b.unit.number })}
                    </span>
                  </span>
                  <StatusBadge group="booking" status={b.status} />
                </button>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {booking && <BookingPanel booking={booking} onClose={() => setSelected(null)} />}
      <Card>
        <FullCalendar
          plugins={[timeGridPlugin, listPlugin, classicThemePlugin]}
          initialView={wide ? "timeGridWeek" : "listWeek"}
          headerToolbar={{ start: "prev,next today", center: "title", end: "timeGridWeek,listWeek" }}
          timeZone="UTC"
          locales={[idLocale]}
          locale={i18n.language.startsWith("en") ? "en" : "id"}
          firstDay={1}
          allDaySlot={false}
          slotMinTime="05:00:00"
          slotMaxTime="24:00:00"
          height="auto"
          datesSet={(info) => {
            const from = zonedInputToIso(info.startStr.slice(0, 16), f.timeZone);
            const to = zonedInputToIso(info.endStr.slice(0, 16), f.timeZone);
            // The calendar tells again on every render: a new range only when it moved.
            setRange((r) => (r?.from === from && r.to === to ? r : { from, to }));
          }}
          events={(data?.bookings ?? []).map((b) => ({
            id: b.id,
            title: `${b.facility.name} · ${b.unit.number} · ${t(`booking.status.${b.status}`)}`,
            start: wallClockOf(b.startsAt, f.timeZone),
            end: wallClockOf(b.endsAt, f.timeZone),
            color: COLOURS[b.status] ?? "#475569",
          }))}
          eventClick={(info) => {
            info.jsEvent.preventDefault();
            setSelected(info.event.id);
          }}
        />
      </Card>
    </Page>
  );
}

function BookingPanel({ booking: b, onClose }: { booking: BookingFieldsFragment; onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [approving, approve] = useMutation(ApproveMutation);
  const [rejecting, reject] = useMutation(RejectMutation);
  const [checking, checkIn] = useMutation(CheckInMutation);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const busy = approving.fetching || rejecting.fetching || checking.fetching;

  async function submitReject(e: FormEvent) {
    e.preventDefault();
    const r = await reject({ id: b.id, reason });
    setError(appErrorOf(r.error));
  }

  return (
    <Card title={t("bookings.booking", { facility: b.facility.name })}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm">
          {f.dateTime(b.startsAt)}–{f.time(b.endsAt)} · {b.unit.block.name} · {t("bills.unit", { unit: b.unit.number })} ·{" "}
          {t("bookings.people", { count: b.partySize })}
        </p>
        <StatusBadge group="booking" status={b.status} testId="booking-status" />
      </div>
      <p className="mt-1 text-sm">
        {t("bookings.amountDue")}: <Money amount={b.amountDue} />
      </p>
      {b.note && <p className="mt-1 whitespace-pre-line text-sm text-slate-700">{b.note}</p>}
      {b.reason && <p className="mt-1 text-sm text-slate-700">{t("bookings.reasonShown", { reason: b.reason })}</p>}
      <div className="mt-3 flex flex-wrap gap-2">
        {b.status === "PENDING_APPROVAL" && (
          <Button
            disabled={busy}
            onClick={async () => {
              const r = await approve({ id: b.id });
              setError(appErrorOf(r.error));
            }}
          >
            {t("bookings.approve")}
          </Button>
        )}
        {b.status === "CONFIRMED" && (
          <Button
            disabled={busy}
            onClick={async () => {
              const r = await checkIn({ id: b.id });
              setError(appErrorOf(r.error));
            }}
          >
            {t("bookings.checkIn")}
          </Button>
        )}
        <Button variant="secondary" onClick={onClose}>
          {t("bookings.close")}
        </Button>
      </div>
      {(b.status === "PENDING_APPROVAL" || b.status === "PENDING_PAYMENT") && (
        <form onSubmit={submitReject} className="mt-3 flex flex-wrap items-end gap-2" noValidate>
          <TextField label={t("bookings.rejectReason")} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} error={error} />
          <Button type="submit" variant="danger" disabled={busy || !reason.trim()}>
            {t("bookings.reject")}
          </Button>
        </form>
      )}
      <ErrorNote error={error} fields={["reason"]} />
    </Card>
  );
}
