//! GraphQL objects of facilities and bookings, built from entities; nested fields through
//! the request's loaders.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset, NaiveDate};

use klustera_entities::states::{FacilityPayment, RefundSource};
use klustera_entities::tenant::{booking, facility};

use super::loaders::{
    ClosuresOfFacility, FacilityById, HoursOfFacility, PeaksOfFacility, RefundsOfBooking,
};
use super::pricing::{self, hhmm};
use super::service::{ClosureRow, OpeningRow, PeakRow, RefundRow, SlotRow};
use crate::common::batch::Row;
use crate::common::by_id::UnitById;
use crate::common::context::ContextExt;
use crate::common::error::ApiError;
use crate::common::ids::{BookingId, BookingRefundId, FacilityClosureId, FacilityId};
use crate::common::inline::{Inline, row_object};
use crate::common::types::Rupiah;
use crate::domains::property::model::Unit;

pub use klustera_entities::states::{BookingStatus, FacilityKind, Pricing};

/// Opening hours of one weekday, local time.
#[derive(SimpleObject, Debug, Clone)]
pub struct OpeningHours {
    /// 1 = Monday ... 7 = Sunday.
    pub weekday: i32,
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM`, up to `24:00`.
    pub closes: String,
}

impl From<&OpeningRow> for OpeningHours {
    fn from(r: &OpeningRow) -> Self {
        Self {
            weekday: r.weekday,
            opens: hhmm(r.opens_minute.into()),
            closes: hhmm(r.closes_minute.into()),
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct FacilityClosure {
    pub id: FacilityClosureId,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
}

impl From<&ClosureRow> for FacilityClosure {
    fn from(r: &ClosureRow) -> Self {
        Self {
            id: FacilityClosureId::new(r.id),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            reason: r.reason.clone(),
        }
    }
}

/// A weekday and local time range with a rate of its own.
#[derive(SimpleObject, Debug, Clone)]
pub struct PeakWindow {
    pub weekday: i32,
    pub starts: String,
    pub ends: String,
    pub rate: Rupiah,
}

impl From<&PeakRow> for PeakWindow {
    fn from(r: &PeakRow) -> Self {
        Self {
            weekday: r.weekday,
            starts: hhmm(r.starts_minute.into()),
            ends: hhmm(r.ends_minute.into()),
            rate: Rupiah(r.rate),
        }
    }
}

/// A bookable facility.
pub struct Facility(pub Row<facility::Model>);

impl From<facility::Model> for Facility {
    fn from(row: facility::Model) -> Self {
        Self(Row::from(row))
    }
}

row_object! {
    #[Object]
    Facility(f: facility::Model) {
        plain {
            "id" id: FacilityId = FacilityId::new(f.id);
            "name" name: &str = &f.name;
            "description" description: &str = &f.description;
            "rules" rules: &str = &f.rules;
            "kind" kind: FacilityKind = f.kind;
            "capacity" capacity: i32 = f.capacity;
            "pricing" pricing: Pricing = f.pricing;
            /// Per hour (HOURLY), session (DAILY) or person (PER_USAGE).
            "rate" rate: Rupiah = Rupiah(f.rate);
            /// Refundable, not taxed.
            "deposit" deposit: Rupiah = Rupiah(f.deposit);
            "ppnRateBp" ppn_rate_bp: i32 = f.ppn_rate_bp;
            "needsApproval" needs_approval: bool = f.needs_approval;
            "slotMinutes" slot_minutes: i32 = f.slot_minutes;
            "minMinutes" min_minutes: i32 = f.min_minutes;
            "maxMinutes" max_minutes: i32 = f.max_minutes;
            "bookAheadDays" book_ahead_days: i32 = f.book_ahead_days;
            "cancellationDeadlineHours" cancellation_deadline_hours: i32 =
                f.cancel_deadline_hours;
            /// Minutes a unit may book per week (Monday to Sunday, local); null: no quota.
            "weeklyQuotaMinutes" weekly_quota_minutes: Option<i32> = f.weekly_quota_minutes;
            /// How long an unpaid booking holds its slot.
            "holdMinutes" hold_minutes: i32 = f.hold_minutes;
            "active" active: bool = f.active;
            /// How bookings are paid: a Midtrans checkout (`payBooking`) or the unit's next bill.
            "payment" payment: FacilityPayment = f.payment;
        }
    async fn photo_urls(&self) -> &[String] {
        &self.0.photo_urls
    }
    async fn opening_hours(&self, ctx: &Context<'_>) -> Result<Vec<OpeningHours>> {
        let rows = ctx.loader()?.load_one(HoursOfFacility(self.0.id)).await?;
        Ok(rows
            .iter()
            .flat_map(|r| r.iter())
            .map(OpeningHours::from)
            .collect())
    }
    /// Closures that are not over yet.
    async fn closures(&self, ctx: &Context<'_>) -> Result<Vec<FacilityClosure>> {
        let rows = ctx
            .loader()?
            .load_one(ClosuresOfFacility(self.0.id))
            .await?;
        Ok(rows
            .iter()
            .flat_map(|r| r.iter())
            .map(FacilityClosure::from)
            .collect())
    }
    async fn peak_windows(&self, ctx: &Context<'_>) -> Result<Vec<PeakWindow>> {
        let rows = ctx.loader()?.load_one(PeaksOfFacility(self.0.id)).await?;
        Ok(rows
            .iter()
            .flat_map(|r| r.iter())
            .map(PeakWindow::from)
            .collect())
    }
}
}

/// A line of a quote or a booking.
#[derive(SimpleObject, Debug, Clone)]
pub struct QuoteLine {
    pub description: String,
    /// Minutes (HOURLY), sessions (DAILY) or people (PER_USAGE).
    pub quantity: i64,
    pub unit_price: Rupiah,
    pub amount: Rupiah,
    pub ppn: Rupiah,
}

impl From<pricing::Line> for QuoteLine {
    fn from(l: pricing::Line) -> Self {
        Self {
            description: l.description,
            quantity: l.quantity,
            unit_price: Rupiah(l.unit_price),
            amount: Rupiah(l.amount),
            ppn: Rupiah(l.ppn),
        }
    }
}

/// A price breakdown: what a booking would cost.
#[derive(SimpleObject, Debug, Clone)]
pub struct Quote {
    pub lines: Vec<QuoteLine>,
    pub subtotal: Rupiah,
    pub ppn: Rupiah,
    pub total: Rupiah,
    /// Refundable, not taxed, not part of the total.
    pub deposit: Rupiah,
    /// `total + deposit`.
    pub amount_due: Rupiah,
}

impl From<pricing::Quote> for Quote {
    fn from(q: pricing::Quote) -> Self {
        Self {
            amount_due: Rupiah(q.amount_due()),
            subtotal: Rupiah(q.subtotal),
            ppn: Rupiah(q.ppn),
            total: Rupiah(q.total),
            deposit: Rupiah(q.deposit),
            lines: q.lines.into_iter().map(QuoteLine::from).collect(),
        }
    }
}

/// One slot of a facility's grid.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    /// Places left (EXCLUSIVE: the capacity when free, 0 when taken).
    pub remaining: i64,
    /// Free and not started yet.
    pub available: bool,
}

impl From<SlotRow> for Slot {
    fn from(r: SlotRow) -> Self {
        Self {
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            remaining: r.remaining,
            available: r.available,
        }
    }
}

/// A booking, as its household and staff see it.
pub struct Booking(pub Row<booking::Model>);

impl From<booking::Model> for Booking {
    fn from(row: booking::Model) -> Self {
        Self(Row::from(row))
    }
}

type Timestamp = DateTime<FixedOffset>;

row_object! {
    #[Object]
    Booking(b: booking::Model) {
        plain {
            "id" id: BookingId = BookingId::new(b.id);
            "startsAt" starts_at: Timestamp = b.starts_at;
            "endsAt" ends_at: Timestamp = b.ends_at;
            "partySize" party_size: i32 = b.party_size;
            "status" status: BookingStatus = b.status;
            "subtotal" subtotal: Rupiah = Rupiah(b.subtotal);
            "ppn" ppn: Rupiah = Rupiah(b.ppn);
            "total" total: Rupiah = Rupiah(b.total);
            "deposit" deposit: Rupiah = Rupiah(b.deposit);
            /// `total + deposit - paid`.
            "amountDue" amount_due: Rupiah = Rupiah(b.total + b.deposit - b.paid);
            "paid" paid: Rupiah = Rupiah(b.paid);
            /// What a cancellation or rejection owes back (recorded; paid out by the office).
            "refundDue" refund_due: Option<Rupiah> = b.refund_due.map(Rupiah);
            "note" note: &str = &b.note;
            /// Why it was rejected or cancelled.
            "reason" reason: Option<&str> = b.reason.as_deref();
            /// Until when an unpaid booking holds its slot.
            "holdExpiresAt" hold_expires_at: Option<Timestamp> = b.hold_expires_at;
            "createdAt" created_at: Timestamp = b.created_at;
            "updatedAt" updated_at: Timestamp = b.updated_at;
        }
    async fn facility(&self, ctx: &Context<'_>) -> Result<Inline<Facility>> {
        let f = ctx
            .loader()?
            .load_one(FacilityById(self.0.facility_id))
            .await?;
        f.map(|f| Inline(Facility(f)))
            .ok_or_else(|| ApiError::NotFound("facility").into())
    }
    async fn unit(&self, ctx: &Context<'_>) -> Result<Inline<Unit>> {
        let unit = ctx.loader()?.load_one(UnitById(self.0.unit_id)).await?;
        unit.map(|u| Inline(Unit(u)))
            .ok_or_else(|| ApiError::NotFound("unit").into())
    }
    /// Money Midtrans gave back on the booking's payments, oldest first: each is already
    /// taken off `paid` and off `refundDue`.
    async fn refunds(&self, ctx: &Context<'_>) -> Result<Vec<BookingRefund>> {
        let rows = ctx.loader()?.load_one(RefundsOfBooking(self.0.id)).await?;
        Ok(rows
            .iter()
            .flat_map(|r| r.iter())
            .map(BookingRefund::from)
            .collect())
    }
    /// The quote the booking was made at.
    async fn lines(&self) -> Vec<QuoteLine> {
        serde_json::from_value::<Vec<pricing::Line>>(self.0.lines.clone())
            .unwrap_or_default()
            .into_iter()
            .map(QuoteLine::from)
            .collect()
    }
}
}

/// Money given back on a booking: part or all of one of its payments.
#[derive(SimpleObject, Debug, Clone)]
pub struct BookingRefund {
    pub id: BookingRefundId,
    pub amount: Rupiah,
    pub source: RefundSource,
    /// The Midtrans order whose payment it takes back.
    pub order_id: Option<String>,
    pub created_at: DateTime<FixedOffset>,
}

impl From<&RefundRow> for BookingRefund {
    fn from(r: &RefundRow) -> Self {
        Self {
            id: BookingRefundId::new(r.id),
            amount: Rupiah(r.amount),
            source: r.source,
            order_id: r.order_id.clone(),
            created_at: r.created_at,
        }
    }
}

/// A booking's state as a `bookingUpdated` subscription streams it (self-contained: no
/// loaders).
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct BookingUpdate {
    pub id: BookingId,
    pub status: BookingStatus,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub amount_due: Rupiah,
    pub paid: Rupiah,
    pub refund_due: Option<Rupiah>,
    pub reason: Option<String>,
    pub hold_expires_at: Option<DateTime<FixedOffset>>,
}

impl From<&booking::Model> for BookingUpdate {
    fn from(b: &booking::Model) -> Self {
        Self {
            id: BookingId::new(b.id),
            status: b.status,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            amount_due: Rupiah(b.total + b.deposit - b.paid),
            paid: Rupiah(b.paid),
            refund_due: b.refund_due.map(Rupiah),
            reason: b.reason.clone(),
            hold_expires_at: b.hold_expires_at,
        }
    }
}

/// A private iCalendar feed: `GET <path>` on this server.
#[derive(SimpleObject, Debug, Clone)]
pub struct CalendarFeed {
    /// `<tenant>.<secret>`: shown once; rotate to replace it.
    pub token: String,
    pub path: String,
}
