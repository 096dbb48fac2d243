// Facility bookings for residents (facilities, a day's slots, quote, book, cancel, their
// household's bookings) and for security staff (today's bookings, check-in). Managers'
// calendar lives in manager/BookingsCalendar (FullCalendar, loaded only for them).
import { useMemo, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { BookingStatus } from "../gql/graphql";
import { appErrorOf, type AppError } from "../lib/errors";
import { addDays, formatRupiah, localDateOf, upcomingWindow, zonedInputToIso } from "../lib/format";
import { useFormat } from "../lib/useFormat";
import { Button, Card, Empty, ErrorNote, Loading, Money, Page, Select, StatusBadge, TextField } from "../ui/kit";

const FacilitiesQuery = graphql(`
  query Facilities {
    facilities {
      id
      name
      description
      kind
      capacity
      pricing
      rate
      deposit
      needsApproval
    }
  }
`);

const FacilityQuery = graphql(`
  query Facility($id: ID!) {
    facility(id: $id) {
      id
      name
      description
      rules
      kind
      capacity
      pricing
      rate
      deposit
      needsApproval
      slotMinutes
      minMinutes
      maxMinutes
      bookAheadDays
      cancellationDeadlineHours
    }
    units(first: 20) {
      nodes {
        id
        number
        block {
          id
          name
        }
      }
    }
  }
`);

const AvailabilityQuery = graphql(`
  query Availability($facilityId: ID!, $from: NaiveDate!, $to: NaiveDate!) {
    availability(facilityId: $facilityId, from: $from, to: $to) {
      startsAt
      endsAt
      remaining
      available
    }
  }
`);

const AvailabilityLive = graphql(`
  subscription AvailabilityLive($facilityId: ID!, $date: NaiveDate!) {
    facilityAvailability(facilityId: $facilityId, date: $date) {
      startsAt
      endsAt
      remaining
      available
    }
  }
`);

const QuoteQuery = graphql(`
  query QuoteBooking($input: BookingInput!) {
    quoteBooking(input: $input) {
      lines {
        description
        quantity
        amount
        ppn
      }
      total
      deposit
      amountDue
    }
  }
`);

// What every booking list and action selects (spread by name; codegen inlines it).
graphql(`
  fragment BookingFields on Booking {
    id
    startsAt
    endsAt
    partySize
    status
    total
    deposit
    amountDue
    refundDue
    reason
    note
    holdExpiresAt
    facility {
      id
      name
    }
    unit {
      id
      number
      block {
        id
        name
      }
    }
  }
`);

export const BookingsQuery = graphql(`
  query Bookings($filter: BookingFilterInput!) {
    bookings(filter: $filter) {
      ...BookingFields
    }
  }
`);

const CreateBookingMutation = graphql(`
  mutation CreateBooking($input: BookingInput!) {
    createBooking(input: $input) {
      ...BookingFields
    }
  }
`);

const CancelBookingMutation = graphql(`
  mutation CancelBooking($id: ID!, $reason: String) {
    cancelBooking(id: $id, reason: $reason) {
      ...BookingFields
    }
  }
`);

const PayBookingMutation = graphql(`
  mutation PayBooking($bookingId: ID!) {
    payBooking(bookingId: $bookingId) {
      orderId
      redirectUrl
    }
  }
`);

const BookingLive = graphql(`
  subscription BookingLive($id: ID!) {
    bookingUpdated(id: $id) {
      id
      status
      amountDue
      paid
      refundDue
      reason
      holdExpiresAt
    }
  }
`);

/** Keeps one booking's status current (the cache puts it on the Booking). */
function WatchBooking({ id }: { id: string }) {
  useSubscription({ query: BookingLive, variables: { id } });
  return null;
}

export const CheckInMutation = graphql(`
  mutation CheckInBooking($id: ID!) {
    checkInBooking(id: $id) {
      ...BookingFields
    }
  }
`);


/** The statuses in which a booking still holds its slot. */
export const HOLDING: BookingStatus[] = ["PENDING_PAYMENT", "PENDING_APPROVAL", "CONFIRMED", "CHECKED_IN"];

/** Residents: the estate's facilities and their household's bookings. */
export function ResidentBookings() {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: FacilitiesQuery });
  return (
    <Page title={t("bookings.title")}>
      <ErrorNote error={appErrorOf(error)} />
      <Card title={t("bookings.facilities")}>
        {fetching && !data ? (
          <Loading />
        ) : (data?.facilities ?? []).length === 0 ? (
          <Empty>{t("bookings.noFacilities")}</Empty>
        ) : (
          <ul className="divide-y divide-slate-100">
            {data?.facilities.map((f) => (
              <li key={f.id}>
                <Link to={`/bookings/${encodeURIComponent(f.id)}`} className="flex items-center justify-between gap-3 py-3">
                  <span>
                    <span className="block font-medium">{f.name}</span>
                    <span className="block text-xs text-slate-600">
                      {t(`bookings.kind.${f.kind}`, { capacity: f.capacity })}
                      {f.needsApproval && ` · ${t("bookings.needsApproval")}`}
                    </span>
                  </span>
                  <span className="shrink-0 text-right text-sm">
                    {f.pricing !== "FREE" && <Money amount={f.rate} className="block font-semibold" />}
                    <span className="block text-xs text-slate-600">{t(`bookings.pricing.${f.pricing}`)}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <MyBookings />
      <CalendarFeed />
    </Page>
  );
}

function MyBookings() {
  const { t } = useTranslation();
  const f = useFormat();
  const [{ now, range }] = useState(() => {
    const now = Date.now();
    return { now, range: upcomingWindow(now) };
  });
  const [{ data, fetching, error }] = useQuery({ query: BookingsQuery, variables: { filter: range } });
  const [cancelling, cancel] = useMutation(CancelBookingMutation);
  const [paying, startPayment] = useMutation(PayBookingMutation);
  const [actionError, setActionError] = useState<AppError | null>(null);

  async function pay(bookingId: string) {
    // Snap opens beside this page, as for bills; the booking turns CONFIRMED live.
    const popup = window.open("", "_blank");
    const r = await startPayment({ bookingId });
    setActionError(appErrorOf(r.error));
    if (!r.data) {
      popup?.close();
      return;
    }
    if (popup) popup.location.href = r.data.payBooking.redirectUrl;
    else window.location.assign(r.data.payBooking.redirectUrl);
  }

  const bookings = (data?.bookings ?? []).filter((b) => new Date(b.endsAt).getTime() > now || HOLDING.includes(b.status));
  return (
    <Card title={t("bookings.mine")}>
      <ErrorNote error={appErrorOf(error) ?? actionError} />
      {fetching && !data ? (
        <Loading />
      ) : bookings.length === 0 ? (
        <Empty>{t("bookings.none")}</Empty>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="my-bookings">
          {bookings.map((b) => (
            <li key={b.id} data-booking={b.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
              <span>
                <span className="block font-medium">{b.facility.name}</span>
                <span className="block text-xs text-slate-600">
                  {f.dateTime(b.startsAt)}–{f.time(b.endsAt)} · {t("bills.unit", { unit: b.unit.number })}
                </span>
                {b.refundDue != null && b.refundDue > 0 && (
                  <span className="block text-xs text-slate-600">{t("bookings.refundDue")} <Money amount={b.refundDue} /></span>
                )}
              </span>
              <span className="flex shrink-0 items-center gap-2">
                {HOLDING.includes(b.status) && <WatchBooking id={b.id} />}
                <StatusBadge group="booking" status={b.status} />
                {b.status === "PENDING_PAYMENT" && b.amountDue > 0 && (
                  <Button
                    disabled={paying.fetching}
                    aria-label={t("bookings.payOne", { facility: b.facility.name, amount: formatRupiah(b.amountDue) })}
                    onClick={() => void pay(b.id)}
                  >
                    {t("bookings.pay")}
                  </Button>
                )}
                {(b.status === "PENDING_PAYMENT" || b.status === "PENDING_APPROVAL" || b.status === "CONFIRMED") && (
                  <Button
                    variant="secondary"
                    disabled={cancelling.fetching}
                    aria-label={t("bookings.cancelOne", { facility: b.facility.name, when: f.dateTime(b.startsAt) })}
                    onClick={async () => {
                      const r = await cancel({ id: b.id, reason: null });
                      setActionError(appErrorOf(r.error));
                    }}
                  >
                    {t("bookings.cancel")}
                  </Button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

const RotateFeedMutation = graphql(`
  mutation RotateCalendarFeed {
    rotateCalendarFeed {
      path
    }
  }
`);

const RevokeFeedMutation = graphql(`
  mutation RevokeCalendarFeed {
    revokeCalendarFeed
  }
`);

/** Residents: a private iCalendar link to their household's bookings, for Google Calendar
 * or a phone. The server keeps only a hash of it, so a link is shown once, when made; a
 * new one replaces the old, and turning it off ends it. */
function CalendarFeed() {
  const { t } = useTranslation();
  const [rotating, rotate] = useMutation(RotateFeedMutation);
  const [revoking, revoke] = useMutation(RevokeFeedMutation);
  const [url, setUrl] = useState<string | null>(null);
  const [notice, setNotice] = useState<"copied" | "made" | "replaced" | "revoked" | "noneLive" | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const field = useRef<HTMLInputElement>(null);

  async function make() {
    const r = await rotate({});
    setError(appErrorOf(r.error));
    if (!r.data) return;
    setNotice(url ? "replaced" : "made");
    setUrl(new URL(r.data.rotateCalendarFeed.path, window.location.origin).toString());
  }

  async function turnOff() {
    const r = await revoke({});
    setError(appErrorOf(r.error));
    if (!r.data) return;
    setUrl(null);
    setNotice(r.data.revokeCalendarFeed ? "revoked" : "noneLive");
  }

  async function copy() {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard API (or no permission): the selected text, the old way.
      field.current?.select();
      document.execCommand("copy");
    }
    setNotice("copied");
  }

  const busy = rotating.fetching || revoking.fetching;
  return (
    <Card title={t("bookings.feed.title")}>
      <p className="text-sm text-slate-700">{t("bookings.feed.intro")}</p>
      <ErrorNote error={error} />
      {url ? (
        <div className="mt-3 space-y-3" data-testid="calendar-feed">
          <TextField
            ref={field}
            label={t("bookings.feed.link")}
            name="calendarFeed"
            readOnly
            value={url}
            hint={t("bookings.feed.private")}
            onFocus={(e) => e.currentTarget.select()}
          />
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => void copy()}>{t("bookings.feed.copy")}</Button>
            <a
              href={url.replace(/^https?:/, "webcal:")}
              className="inline-flex min-h-11 items-center rounded-lg px-2 text-sm font-medium text-teal-800 underline"
            >
              {t("bookings.feed.open")}
            </a>
          </div>
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-700">{t("bookings.feed.shownOnce")}</p>
      )}
      <p role="status" className="mt-2 min-h-5 text-sm text-green-800">
        {notice && t(`bookings.feed.notice.${notice}`)}
      </p>
      <div className="mt-2 flex flex-wrap gap-2">
        <Button variant={url ? "secondary" : "primary"} disabled={busy} onClick={() => void make()}>
          {url ? t("bookings.feed.replace") : t("bookings.feed.make")}
        </Button>
        <Button variant="danger" disabled={busy} onClick={() => void turnOff()}>
          {t("bookings.feed.revoke")}
        </Button>
      </div>
    </Card>
  );
}

/** Residents: one facility's slots on a day, a quote, and the booking. */
export function BookFacility() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const today = localDateOf(new Date(), f.timeZone);
  const [{ data, fetching, error }] = useQuery({ query: FacilityQuery, variables: { id } });
  const [day, setDay] = useState(today);
  const [slot, setSlot] = useState<string | null>(null);
  const [minutes, setMinutes] = useState<number | null>(null);
  const [partySize, setPartySize] = useState("1");
  const [unitId, setUnitId] = useState("");
  const [{ data: slotData, operation: slotsOf }, reloadSlots] = useQuery({
    query: AvailabilityQuery,
    variables: { facilityId: id, from: day, to: day },
    requestPolicy: "cache-and-network",
  });
  // Live: others' bookings take slots (and cancellations free them) while the page is open.
  const [{ data: liveData, operation: liveOf }] = useSubscription({ query: AvailabilityLive, variables: { facilityId: id, date: day } });
  // Only the picked day's slots: another day's, still shown while this one loads, would
  // book the wrong day.
  const slots =
    liveOf?.variables.date === day && liveData
      ? liveData.facilityAvailability
      : slotsOf?.variables.from === day
        ? slotData?.availability
        : undefined;
  const [booking, book] = useMutation(CreateBookingMutation);
  const [bookError, setBookError] = useState<AppError | null>(null);
  const [booked, setBooked] = useState<{ status: BookingStatus; amountDue: number } | null>(null);

  const facility = data?.facility;
  const units = data?.units.nodes ?? [];
  const unit = unitId || units[0]?.id || "";
  const duration = minutes ?? facility?.minMinutes ?? 60;
  const input = useMemo(
    () =>
      slot && unit
        ? {
            facilityId: id,
            unitId: unit,
            startsAt: slot,
            endsAt: new Date(new Date(slot).getTime() + duration * 60_000).toISOString(),
            partySize: Math.max(1, Number(partySize) || 1),
          }
        : null,
    [id, unit, slot, duration, partySize],
  );
  const [{ data: quote, error: quoteError }] = useQuery({ query: QuoteQuery, variables: { input: input! }, pause: !input });

  if (fetching && !data) return <Loading />;
  if (!facility) return <Page title={t("bookings.title")}><ErrorNote error={appErrorOf(error)} /></Page>;

  const days = Array.from({ length: Math.min(7, facility.bookAheadDays + 1) }, (_, i) => addDays(today, i));
  const durations: number[] = [];
  for (let m = facility.minMinutes; m <= facility.maxMinutes; m += facility.slotMinutes) durations.push(m);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!input) return;
    setBooked(null);
    const r = await book({ input });
    setBookError(appErrorOf(r.error));
    reloadSlots({ requestPolicy: "network-only" });
    if (r.data) {
      setBooked({ status: r.data.createBooking.status, amountDue: r.data.createBooking.amountDue });
      setSlot(null);
    }
  }

  return (
    <Page title={facility.name} actions={<Link to="/bookings" className="min-h-11 py-3 text-sm font-medium text-teal-800 underline">{t("bookings.mine")}</Link>}>
      <Card>
        {facility.description && <p className="whitespace-pre-line text-sm">{facility.description}</p>}
        <p className="mt-1 text-sm text-slate-700">
          {t(`bookings.kind.${facility.kind}`, { capacity: facility.capacity })} ·{" "}
          {facility.pricing !== "FREE" && <><Money amount={facility.rate} /> </>}
          {t(`bookings.pricing.${facility.pricing}`)}
          {facility.deposit > 0 && <> · {t("bookings.deposit")} <Money amount={facility.deposit} /></>}
        </p>
        {facility.rules && <p className="mt-2 whitespace-pre-line text-xs text-slate-700">{facility.rules}</p>}
        <p className="mt-1 text-xs text-slate-700">{t("bookings.cancelRule", { hours: facility.cancellationDeadlineHours })}</p>
      </Card>
      <Card title={t("bookings.pickDay")}>
        <div role="radiogroup" aria-label={t("bookings.pickDay")} className="grid grid-cols-4 gap-2 sm:grid-cols-7">
          {days.map((d) => (
            <button
              key={d}
              type="button"
              role="radio"
              aria-checked={d === day}
              onClick={() => {
                setDay(d);
                setSlot(null);
              }}
              className={`min-h-11 rounded-lg border px-2 py-2 text-sm ${d === day ? "border-teal-700 bg-teal-700 font-semibold text-white" : "border-slate-300 bg-white text-slate-800"}`}
            >
              {f.day(d)}
            </button>
          ))}
        </div>
        <h3 className="mb-2 mt-4 text-sm font-semibold text-slate-800">{t("bookings.slots", { day: f.date(day) })}</h3>
        {!slots ? (
          <Loading />
        ) : slots.length === 0 ? (
          <Empty>{t("bookings.closed")}</Empty>
        ) : (
          <ul className="grid grid-cols-3 gap-2 sm:grid-cols-6" data-testid="slots">
            {slots.map((s) => (
              <li key={s.startsAt}>
                <button
                  type="button"
                  aria-pressed={slot === s.startsAt}
                  disabled={!s.available}
                  data-testid={`slot-${f.time(s.startsAt)}`}
                  data-available={s.available}
                  onClick={() => setSlot(s.startsAt)}
                  className={`min-h-11 w-full rounded-lg border px-2 py-2 text-sm tabular-nums ${
                    slot === s.startsAt
                      ? "border-teal-700 bg-teal-700 font-semibold text-white"
                      : s.available
                        ? "border-slate-300 bg-white text-slate-900"
                        : "border-slate-200 bg-slate-100 text-slate-600 line-through"
                  }`}
                >
                  {f.time(s.startsAt)}
                  <span className="sr-only">{s.available ? "" : ` ${t("bookings.taken")}`}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t("bookings.details")}>
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" noValidate>
          <Select
            label={t("bookings.duration")}
            name="duration"
            value={String(duration)}
            onChange={(e) => setMinutes(Number(e.target.value))}
            options={durations.map((m) => ({ value: String(m), label: t("bookings.minutes", { count: m }) }))}
          />
          {(facility.kind === "SHARED" || facility.pricing === "PER_USAGE") && (
            <TextField label={t("bookings.partySize")} name="partySize" inputMode="numeric" value={partySize} onChange={(e) => setPartySize(e.target.value)} error={bookError} />
          )}
          {units.length > 1 && (
            <Select
              label={t("bookings.unit")}
              name="unitId"
              value={unit}
              onChange={(e) => setUnitId(e.target.value)}
              options={units.map((u) => ({ value: u.id, label: `${u.block.name} · ${u.number}` }))}
            />
          )}
          <div className="sm:col-span-3" aria-live="polite">
            {!slot ? (
              <p className="text-sm text-slate-700">{t("bookings.pickSlot")}</p>
            ) : quote ? (
              <dl className="grid grid-cols-2 gap-y-1 text-sm" data-testid="quote">
                {quote.quoteBooking.lines.map((l, i) => (
                  <div key={i} className="contents">
                    <dt>{l.description}</dt>
                    <dd className="text-right"><Money amount={l.amount + l.ppn} /></dd>
                  </div>
                ))}
                {quote.quoteBooking.deposit > 0 && (
                  <div className="contents">
                    <dt>{t("bookings.deposit")}</dt>
                    <dd className="text-right"><Money amount={quote.quoteBooking.deposit} /></dd>
                  </div>
                )}
                <div className="contents font-semibold">
                  <dt>{t("bookings.amountDue")}</dt>
                  <dd className="text-right"><Money amount={quote.quoteBooking.amountDue} /></dd>
                </div>
              </dl>
            ) : (
              <ErrorNote error={appErrorOf(quoteError)} />
            )}
          </div>
          <div className="sm:col-span-3">
            <Button type="submit" disabled={!input || booking.fetching}>{t("bookings.book")}</Button>
            <ErrorNote error={bookError} fields={["partySize"]} />
            {booked && (
              <p role="status" className="mt-2 text-sm text-green-800" data-testid="booked">
                {t(`bookings.booked.${booked.status}`, { defaultValue: t("bookings.booked.CONFIRMED") })}
              </p>
            )}
          </div>
        </form>
      </Card>
    </Page>
  );
}

/** Security staff (and managers): today's bookings, checked in at the gate. */
export function TodayBookings() {
  const { t } = useTranslation();
  const f = useFormat();
  const [range] = useState(() => {
    const today = localDateOf(new Date(), f.timeZone);
    return {
      from: zonedInputToIso(`${today}T00:00`, f.timeZone),
      to: zonedInputToIso(`${addDays(today, 1)}T00:00`, f.timeZone),
      status: HOLDING,
    };
  });
  const [{ data, fetching, error }] = useQuery({ query: BookingsQuery, variables: { filter: range } });
  const [checking, checkIn] = useMutation(CheckInMutation);
  const [actionError, setActionError] = useState<AppError | null>(null);
  return (
    <Page title={t("bookings.today")}>
      <ErrorNote error={appErrorOf(error) ?? actionError} />
      {fetching && !data ? (
        <Loading />
      ) : (data?.bookings ?? []).length === 0 ? (
        <Empty>{t("bookings.noneToday")}</Empty>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100">
            {data?.bookings.map((b) => (
              <li key={b.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <span>
                  <span className="block font-medium">
                    {f.time(b.startsAt)}–{f.time(b.endsAt)} · {b.facility.name}
                  </span>
                  <span className="block text-xs text-slate-600">
                    {b.unit.block.name} · {t("bills.unit", { unit: b.unit.number })} · {t("bookings.people", { count: b.partySize })}
                  </span>
                </span>
                <span className="flex shrink-0 items-center gap-2">
                  <StatusBadge group="booking" status={b.status} />
                  {b.status === "CONFIRMED" && (
                    <Button
                      disabled={checking.fetching}
                      aria-label={t("bookings.checkInOne", { facility: b.facility.name, unit: b.unit.number })}
                      onClick={async () => {
                        const r = await checkIn({ id: b.id });
                        setActionError(appErrorOf(r.error));
                      }}
                    >
                      {t("bookings.checkIn")}
                    </Button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </Page>
  );
}
