//! Facility and booking fields. Thin: guard, parse, one service call, map.

use std::future::ready;

use async_graphql::{Context, InputObject, Object, Result, Subscription};
use chrono::{DateTime, FixedOffset, NaiveDate};
use futures::{Stream, StreamExt};

use super::calendar;
use super::model::{
    Booking, BookingStatus, BookingUpdate, CalendarFeed, Facility, FacilityClosure, FacilityKind,
    OpeningHours, PeakWindow, Pricing, Quote, Slot,
};
use super::service::{self, BookingFilter, BookingRequest, DayRange, FacilitySettings, Step};
use super::{payment, prefetch};
use crate::common::batch::Row;
use crate::common::context::ContextExt;
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::guard::RoleGuard;
use crate::common::ids::{BookingId, FacilityClosureId, FacilityId, Fetch, UnitId, kind};
use crate::common::inline::Inline;
use crate::common::live::{Burst, Live, Opening, changes_only};
use crate::common::types::Rupiah;
use crate::common::viewer::Viewer;
use crate::domains::billing::midtrans::SnapClient;
use crate::domains::billing::model::Checkout;
use klustera_entities::states::FacilityPayment;

#[async_trait::async_trait]
impl Fetch for Facility {
    type Kind = kind::Facility;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        Ok(service::get_facility(ctx.tenant_tx()?, viewer, id)
            .await?
            .into())
    }
}

#[async_trait::async_trait]
impl Fetch for Booking {
    type Kind = kind::Booking;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        Ok(service::get_booking(ctx.tenant_tx()?, viewer, id)
            .await?
            .into())
    }
}

/// A booking to quote or make. Times are instants; the facility's grid, hours and
/// closures are its tenant's local time.
#[derive(InputObject)]
pub struct BookingInput {
    facility_id: FacilityId,
    unit_id: UnitId,
    starts_at: DateTime<FixedOffset>,
    ends_at: DateTime<FixedOffset>,
    #[graphql(default = 1)]
    party_size: i32,
    note: Option<String>,
}

impl BookingInput {
    fn parse(self) -> ApiResult<BookingRequest> {
        Ok(BookingRequest {
            facility_id: self.facility_id.row()?,
            unit_id: self.unit_id.row()?,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            party_size: self.party_size,
            note: self.note.unwrap_or_default(),
        })
    }
}

#[derive(InputObject)]
pub struct BookingFilterInput {
    facility_id: Option<FacilityId>,
    unit_id: Option<UnitId>,
    /// Any of these; empty or absent: all.
    status: Option<Vec<BookingStatus>>,
    from: DateTime<FixedOffset>,
    /// At most 31 days after `from`.
    to: DateTime<FixedOffset>,
}

#[derive(Default)]
pub struct BookingQuery;

#[Object]
impl BookingQuery {
    /// Facilities by name: active ones; staff may ask for inactive ones too.
    #[graphql(guard = "RoleGuard::member()")]
    async fn facilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_inactive: bool,
    ) -> Result<Vec<Facility>> {
        let viewer = ctx.viewer().await?;
        let rows = service::list_facilities(ctx.tenant_tx()?, viewer, include_inactive).await?;
        Ok(rows.into_iter().map(Facility::from).collect())
    }

    #[graphql(guard = "RoleGuard::member()")]
    async fn facility(&self, ctx: &Context<'_>, id: FacilityId) -> Result<Facility> {
        Ok(Facility::fetch(ctx, id.row()?).await?)
    }

    /// The price of a booking, checked against the facility's rules, without booking.
    #[graphql(guard = "RoleGuard::member()")]
    async fn quote_booking(&self, ctx: &Context<'_>, input: BookingInput) -> Result<Quote> {
        let req = input.parse()?;
        let viewer = ctx.viewer().await?;
        let time_zone = &ctx.request()?.tenant()?.time_zone;
        Ok(service::quote(ctx.tenant_tx()?, viewer, time_zone, &req)
            .await?
            .into())
    }

    /// The facility's slots on local dates `from` to `to` (at most 31 days), with what is
    /// left of each. Other households' bookings show only as taken places.
    #[graphql(guard = "RoleGuard::member()")]
    async fn availability(
        &self,
        ctx: &Context<'_>,
        facility_id: FacilityId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Slot>> {
        let viewer = ctx.viewer().await?;
        let time_zone = &ctx.request()?.tenant()?.time_zone;
        let rows = service::availability(
            ctx.tenant_tx()?,
            viewer,
            time_zone,
            facility_id.row()?,
            from,
            to,
        )
        .await?;
        Ok(rows.into_iter().map(Slot::from).collect())
    }

    /// The calendar: bookings overlapping `from`..`to`, by start. Staff see all of them;
    /// residents their household's.
    #[graphql(guard = "RoleGuard::member()")]
    async fn bookings(
        &self,
        ctx: &Context<'_>,
        filter: BookingFilterInput,
    ) -> Result<Vec<Inline<Booking>>> {
        let filter = BookingFilter {
            facility_id: filter.facility_id.map(|f| f.row()).transpose()?,
            unit_id: filter.unit_id.map(|u| u.row()).transpose()?,
            statuses: filter.status.unwrap_or_default(),
            from: filter.from,
            to: filter.to,
        };
        let viewer = ctx.viewer().await?;
        let rows = service::list_bookings(ctx.tenant_tx()?, viewer, &filter).await?;
        let rows = Row::each(rows);
        prefetch::bookings(ctx, ctx.look_ahead(), &rows).await?;
        Ok(rows.into_iter().map(|b| Inline(Booking(b))).collect())
    }

    #[graphql(guard = "RoleGuard::member()")]
    async fn booking(&self, ctx: &Context<'_>, id: BookingId) -> Result<Booking> {
        Ok(Booking::fetch(ctx, id.row()?).await?)
    }
}

#[derive(InputObject)]
pub struct FacilityInput {
    name: String,
    #[graphql(default)]
    description: String,
    #[graphql(default)]
    rules: String,
    #[graphql(default)]
    photo_urls: Vec<String>,
    kind: FacilityKind,
    capacity: i32,
    pricing: Pricing,
    #[graphql(default)]
    rate: Rupiah,
    #[graphql(default)]
    deposit: Rupiah,
    #[graphql(default)]
    ppn_rate_bp: i32,
    #[graphql(default)]
    needs_approval: bool,
    #[graphql(default = 60)]
    slot_minutes: i32,
    #[graphql(default = 60)]
    min_minutes: i32,
    #[graphql(default = 120)]
    max_minutes: i32,
    #[graphql(default = 30)]
    book_ahead_days: i32,
    #[graphql(default = 24)]
    cancellation_deadline_hours: i32,
    weekly_quota_minutes: Option<i32>,
    #[graphql(default = 30)]
    hold_minutes: i32,
    #[graphql(default = true)]
    active: bool,
    /// How bookings are paid (priced facilities).
    #[graphql(default_with = "FacilityPayment::Midtrans")]
    payment: FacilityPayment,
}

impl From<FacilityInput> for FacilitySettings {
    fn from(i: FacilityInput) -> Self {
        Self {
            name: i.name,
            description: i.description,
            rules: i.rules,
            photo_urls: i.photo_urls,
            kind: i.kind,
            capacity: i.capacity,
            pricing: i.pricing,
            rate: i.rate.0,
            deposit: i.deposit.0,
            ppn_rate_bp: i.ppn_rate_bp,
            needs_approval: i.needs_approval,
            slot_minutes: i.slot_minutes,
            min_minutes: i.min_minutes,
            max_minutes: i.max_minutes,
            book_ahead_days: i.book_ahead_days,
            cancel_deadline_hours: i.cancellation_deadline_hours,
            weekly_quota_minutes: i.weekly_quota_minutes,
            hold_minutes: i.hold_minutes,
            active: i.active,
            payment: i.payment,
        }
    }
}

/// Opening hours of one weekday, local time.
#[derive(InputObject)]
pub struct OpeningHoursInput {
    /// 1 = Monday ... 7 = Sunday.
    weekday: i32,
    /// `HH:MM`.
    opens: String,
    /// `HH:MM`, up to `24:00`.
    closes: String,
}

#[derive(InputObject)]
pub struct PeakWindowInput {
    weekday: i32,
    starts: String,
    ends: String,
    rate: Rupiah,
}

#[derive(Default)]
pub struct BookingMutation;

#[Object]
impl BookingMutation {
    #[graphql(guard = "RoleGuard::manager()")]
    async fn create_facility(&self, ctx: &Context<'_>, input: FacilityInput) -> Result<Facility> {
        let row = service::create_facility(ctx.tenant_tx()?, input.into()).await?;
        ctx.request()?.audit_target(row.id);
        Ok(row.into())
    }

    /// Replaces a facility's settings (its kind cannot change).
    #[graphql(guard = "RoleGuard::manager()")]
    async fn update_facility(
        &self,
        ctx: &Context<'_>,
        id: FacilityId,
        input: FacilityInput,
    ) -> Result<Facility> {
        let id = id.row()?;
        let row = service::update_facility(ctx.tenant_tx()?, id, input.into()).await?;
        ctx.request()?.audit_target(id);
        Ok(row.into())
    }

    /// Replaces the weekly opening hours; weekdays not given are closed.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn set_facility_schedule(
        &self,
        ctx: &Context<'_>,
        facility_id: FacilityId,
        hours: Vec<OpeningHoursInput>,
    ) -> Result<Vec<OpeningHours>> {
        let id = facility_id.row()?;
        let hours = hours
            .iter()
            .map(|h| DayRange::parse("hours", h.weekday, &h.opens, &h.closes))
            .collect::<ApiResult<Vec<_>>>()?;
        let rows = service::set_schedule(ctx.tenant_tx()?, id, &hours).await?;
        ctx.request()?.audit_target(id);
        Ok(rows.iter().map(OpeningHours::from).collect())
    }

    /// Replaces the peak windows.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn set_facility_peak_windows(
        &self,
        ctx: &Context<'_>,
        facility_id: FacilityId,
        windows: Vec<PeakWindowInput>,
    ) -> Result<Vec<PeakWindow>> {
        let id = facility_id.row()?;
        let windows = windows
            .iter()
            .map(|w| {
                Ok((
                    DayRange::parse("windows", w.weekday, &w.starts, &w.ends)?,
                    w.rate.0,
                ))
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let rows = service::set_peak_windows(ctx.tenant_tx()?, id, &windows).await?;
        ctx.request()?.audit_target(id);
        Ok(rows.iter().map(PeakWindow::from).collect())
    }

    /// Closes the facility on local dates `startsOn` to `endsOn` (maintenance, Lebaran).
    #[graphql(guard = "RoleGuard::manager()")]
    async fn add_facility_closure(
        &self,
        ctx: &Context<'_>,
        facility_id: FacilityId,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        reason: String,
    ) -> Result<FacilityClosure> {
        let id = facility_id.row()?;
        let row = service::add_closure(ctx.tenant_tx()?, id, starts_on, ends_on, &reason).await?;
        ctx.request()?.audit_target(row.id);
        Ok((&row).into())
    }

    /// Removes a closure; returns its facility.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn remove_facility_closure(
        &self,
        ctx: &Context<'_>,
        id: FacilityClosureId,
    ) -> Result<Facility> {
        let id = id.row()?;
        let tx = ctx.tenant_tx()?;
        let facility = service::remove_closure(tx, id).await?;
        ctx.request()?.audit_target(id);
        Ok(Facility::fetch(ctx, facility).await?)
    }

    /// Books a facility: residents for their household's unit, managers for any unit.
    /// A slot taken meanwhile, a full SHARED slot or a spent quota: `CONFLICT`.
    #[graphql(guard = "RoleGuard::member()")]
    async fn create_booking(&self, ctx: &Context<'_>, input: BookingInput) -> Result<Booking> {
        let req = input.parse()?;
        let viewer = ctx.viewer().await?;
        let time_zone = &ctx.request()?.tenant()?.time_zone;
        let row = service::create_booking(ctx.tenant_tx()?, viewer, time_zone, req).await?;
        let req = ctx.request()?;
        req.audit_target(row.id);
        req.emit(service::changed(&row));
        Ok(row.into())
    }

    /// Opens a Midtrans Snap checkout for what a booking held for payment still owes (its
    /// household or staff; facilities paid through Midtrans). The settlement confirms it.
    #[graphql(guard = "RoleGuard::member()")]
    async fn pay_booking(&self, ctx: &Context<'_>, booking_id: BookingId) -> Result<Checkout> {
        let snap = ctx.data_opt::<SnapClient>().ok_or(ApiError::Forbidden(
            "online payments are not configured (MIDTRANS_SERVER_KEY)",
        ))?;
        let id = booking_id.row()?;
        let viewer = ctx.viewer().await?;
        let req = ctx.request()?;
        let checkout =
            payment::checkout(ctx.tenant_tx()?, snap, &req.tenant()?.slug, viewer, id).await?;
        req.audit_target(format!("booking:{id}"));
        req.audit_target(format!("order:{}", checkout.order_id));
        Ok(Checkout {
            order_id: checkout.order_id,
            gross_amount: Rupiah(checkout.gross_amount),
            token: checkout.token.token,
            redirect_url: checkout.token.redirect_url,
        })
    }

    /// A new private iCalendar feed, revoking the live one: a resident's own (their
    /// household's bookings; no `facilityId`), or a facility's (managers). Subscribe to
    /// `path` on this server; the token is shown only now.
    #[graphql(guard = "RoleGuard::member()")]
    async fn rotate_calendar_feed(
        &self,
        ctx: &Context<'_>,
        facility_id: Option<FacilityId>,
    ) -> Result<CalendarFeed> {
        let facility = facility_id.map(|f| f.row()).transpose()?;
        let viewer = ctx.viewer().await?;
        let req = ctx.request()?;
        let token =
            calendar::rotate(ctx.tenant_tx()?, &req.tenant()?.slug, viewer, facility).await?;
        Ok(CalendarFeed {
            path: format!("/calendar/{token}.ics"),
            token,
        })
    }

    /// Revokes the live feed (the caller's, or a facility's for managers); whether there
    /// was one.
    #[graphql(guard = "RoleGuard::member()")]
    async fn revoke_calendar_feed(
        &self,
        ctx: &Context<'_>,
        facility_id: Option<FacilityId>,
    ) -> Result<bool> {
        let facility = facility_id.map(|f| f.row()).transpose()?;
        let viewer = ctx.viewer().await?;
        Ok(calendar::revoke(ctx.tenant_tx()?, viewer, facility).await?)
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn approve_booking(&self, ctx: &Context<'_>, id: BookingId) -> Result<Booking> {
        step(ctx, id, Step::Approve, None).await
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn reject_booking(
        &self,
        ctx: &Context<'_>,
        id: BookingId,
        reason: String,
    ) -> Result<Booking> {
        step(ctx, id, Step::Reject, Some(reason)).await
    }

    /// Residents before the facility's cancellation deadline; managers always. What is
    /// owed back is recorded as `refundDue`.
    #[graphql(guard = "RoleGuard::member()")]
    async fn cancel_booking(
        &self,
        ctx: &Context<'_>,
        id: BookingId,
        reason: Option<String>,
    ) -> Result<Booking> {
        step(ctx, id, Step::Cancel, reason).await
    }

    #[graphql(guard = "RoleGuard::staff()")]
    async fn check_in_booking(&self, ctx: &Context<'_>, id: BookingId) -> Result<Booking> {
        step(ctx, id, Step::CheckIn, None).await
    }

    #[graphql(guard = "RoleGuard::staff()")]
    async fn complete_booking(&self, ctx: &Context<'_>, id: BookingId) -> Result<Booking> {
        step(ctx, id, Step::Complete, None).await
    }

    #[graphql(guard = "RoleGuard::staff()")]
    async fn mark_no_show(&self, ctx: &Context<'_>, id: BookingId) -> Result<Booking> {
        step(ctx, id, Step::NoShow, None).await
    }
}

/// One lifecycle step: the one service call the step resolvers share.
async fn step(
    ctx: &Context<'_>,
    id: BookingId,
    step: Step,
    reason: Option<String>,
) -> Result<Booking> {
    let id = id.row()?;
    let viewer = ctx.viewer().await?;
    let row = service::transition(ctx.tenant_tx()?, viewer, id, step, reason).await?;
    let req = ctx.request()?;
    req.audit_target(id);
    req.emit(service::changed(&row));
    Ok(row.into())
}

#[derive(Default)]
pub struct BookingSubscription;

#[Subscription]
impl BookingSubscription {
    /// The facility's slots on local date `date`, as `availability` gives them: now, then
    /// again whenever a booking of that facility on that day is made, approved, rejected,
    /// cancelled, paid or expires (one read per burst; only values that differ are sent).
    #[graphql(guard = "RoleGuard::member()")]
    async fn facility_availability(
        &self,
        ctx: &Context<'_>,
        facility_id: FacilityId,
        date: NaiveDate,
    ) -> Result<impl Stream<Item = Result<Vec<Slot>>> + use<>> {
        let facility = facility_id.row()?;
        let Opening {
            live,
            bursts,
            tx,
            viewer,
        } = Live::open(ctx).await?;
        let current = read_slots(&tx, &live, &viewer, facility, date).await?;
        let day = service::local_day(&tx, &live.time_zone, date).await?;
        tx.commit().await?;
        let rereads = bursts
            .filter(move |burst| {
                ready(touches_bookings(burst, |_, f, starts, ends| {
                    f == facility && starts < day.1 && ends > day.0
                }))
            })
            .then(move |_| {
                let (live, viewer) = (live.clone(), viewer.clone());
                async move {
                    let tx = live.begin().await?;
                    let slots = read_slots(&tx, &live, &viewer, facility, date).await?;
                    tx.commit().await?;
                    Ok(slots)
                }
            });
        Ok(changes_only(current, rereads))
    }

    /// One booking's status and money: now, then after each change of it. Residents may
    /// watch only their household's bookings (else NOT_FOUND); staff any.
    #[graphql(guard = "RoleGuard::member()")]
    async fn booking_updated(
        &self,
        ctx: &Context<'_>,
        id: BookingId,
    ) -> Result<impl Stream<Item = Result<BookingUpdate>> + use<>> {
        let id = id.row()?;
        let Opening {
            live,
            bursts,
            tx,
            viewer,
        } = Live::open(ctx).await?;
        let current = service::get_booking(&tx, &viewer, id).await?;
        tx.commit().await?;
        let rereads = bursts
            .filter(move |burst| ready(touches_bookings(burst, |booking, _, _, _| booking == id)))
            .then(move |_| {
                let (live, viewer) = (live.clone(), viewer.clone());
                async move {
                    let tx = live.begin().await?;
                    let row = service::get_booking(&tx, &viewer, id).await?;
                    tx.commit().await?;
                    Ok(BookingUpdate::from(&row))
                }
            });
        Ok(changes_only(BookingUpdate::from(&current), rereads))
    }
}

async fn read_slots(
    tx: &crate::common::tenancy::TenantTx,
    live: &Live,
    viewer: &Viewer,
    facility: i64,
    date: NaiveDate,
) -> ApiResult<Vec<Slot>> {
    let rows = service::availability(tx, viewer, &live.time_zone, facility, date, date).await?;
    Ok(rows.into_iter().map(Slot::from).collect())
}

/// Whether a burst may have changed bookings matching `wanted(booking, facility, starts,
/// ends)`: a dropped event could have been anything, so a lagged burst always counts.
fn touches_bookings(
    burst: &Burst,
    wanted: impl Fn(i64, i64, DateTime<FixedOffset>, DateTime<FixedOffset>) -> bool,
) -> bool {
    burst.lagged
        || burst.events.iter().any(|e| match **e {
            DomainEvent::BookingChanged {
                booking_id,
                facility_id,
                starts_at,
                ends_at,
            } => wanted(booking_id, facility_id, starts_at, ends_at),
            _ => false,
        })
}
