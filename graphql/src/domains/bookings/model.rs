//! GraphQL objects of facilities and bookings, built from entities; nested fields through
//! the request's loaders.

use std::sync::Arc;

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset, NaiveDate};

use klustera_entities::states::FacilityPayment;
use klustera_entities::tenant::{booking, facility};

use super::loaders::{ClosuresOfFacility, FacilityById, HoursOfFacility, PeaksOfFacility};
use super::pricing::{self, hhmm};
use super::service::{ClosureRow, OpeningRow, PeakRow, SlotRow};
use crate::common::by_id::UnitById;
use crate::common::context::ContextExt;
use crate::common::error::ApiError;
use crate::common::ids::{BookingId, FacilityClosureId, FacilityId};
use crate::common::types::Rupiah;
use crate::domains::property::model::Unit;

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "klustera_entities::tenant::facility::FacilityKind")]
pub enum FacilityKind {
    /// One booking at a time (tennis court, clubhouse).
    Exclusive,
    /// Many parties at once, up to the capacity (pool, gym).
    Shared,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "klustera_entities::tenant::facility::Pricing")]
pub enum Pricing {
    Free,
    /// `rate` per hour, pro rata on the slot grid.
    Hourly,
    /// `rate` per session.
    Daily,
    /// `rate` per person.
    PerUsage,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "klustera_entities::tenant::booking::BookingStatus")]
pub enum BookingStatus {
    PendingPayment,
    PendingApproval,
    Confirmed,
    CheckedIn,
    Completed,
    NoShow,
    Cancelled,
    Rejected,
    Expired,
}

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
pub struct Facility(pub Arc<facility::Model>);

impl From<facility::Model> for Facility {
    fn from(row: facility::Model) -> Self {
        Self(Arc::new(row))
    }
}

#[Object]
impl Facility {
    pub async fn id(&self) -> FacilityId {
        FacilityId::new(self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn rules(&self) -> &str {
        &self.0.rules
    }
    async fn photo_urls(&self) -> &[String] {
        &self.0.photo_urls
    }
    async fn kind(&self) -> FacilityKind {
        self.0.kind.into()
    }
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }
    async fn pricing(&self) -> Pricing {
        self.0.pricing.into()
    }
    /// Per hour (HOURLY), session (DAILY) or person (PER_USAGE).
    async fn rate(&self) -> Rupiah {
        Rupiah(self.0.rate)
    }
    /// Refundable, not taxed.
    async fn deposit(&self) -> Rupiah {
        Rupiah(self.0.deposit)
    }
    async fn ppn_rate_bp(&self) -> i32 {
        self.0.ppn_rate_bp
    }
    async fn needs_approval(&self) -> bool {
        self.0.needs_approval
    }
    async fn slot_minutes(&self) -> i32 {
        self.0.slot_minutes
    }
    async fn min_minutes(&self) -> i32 {
        self.0.min_minutes
    }
    async fn max_minutes(&self) -> i32 {
        self.0.max_minutes
    }
    async fn book_ahead_days(&self) -> i32 {
        self.0.book_ahead_days
    }
    async fn cancellation_deadline_hours(&self) -> i32 {
        self.0.cancel_deadline_hours
    }
    /// Minutes a unit may book per week (Monday to Sunday, local); null: no quota.
    async fn weekly_quota_minutes(&self) -> Option<i32> {
        self.0.weekly_quota_minutes
    }
    /// How long an unpaid booking holds its slot.
    async fn hold_minutes(&self) -> i32 {
        self.0.hold_minutes
    }
    async fn active(&self) -> bool {
        self.0.active
    }
    /// How bookings are paid: a Midtrans checkout (`payBooking`) or the unit's next bill.
    async fn payment(&self) -> FacilityPayment {
        self.0.payment
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
pub struct Booking(pub booking::Model);

#[Object]
impl Booking {
    pub async fn id(&self) -> BookingId {
        BookingId::new(self.0.id)
    }
    async fn facility(&self, ctx: &Context<'_>) -> Result<Facility> {
        let f = ctx
            .loader()?
            .load_one(FacilityById(self.0.facility_id))
            .await?;
        f.map(Facility)
            .ok_or_else(|| ApiError::NotFound("facility").into())
    }
    async fn unit(&self, ctx: &Context<'_>) -> Result<Unit> {
        let unit = ctx.loader()?.load_one(UnitById(self.0.unit_id)).await?;
        unit.map(Unit)
            .ok_or_else(|| ApiError::NotFound("unit").into())
    }
    async fn starts_at(&self) -> DateTime<FixedOffset> {
        self.0.starts_at
    }
    async fn ends_at(&self) -> DateTime<FixedOffset> {
        self.0.ends_at
    }
    async fn party_size(&self) -> i32 {
        self.0.party_size
    }
    async fn status(&self) -> BookingStatus {
        self.0.status.into()
    }
    /// The quote the booking was made at.
    async fn lines(&self) -> Vec<QuoteLine> {
        serde_json::from_value::<Vec<pricing::Line>>(self.0.lines.clone())
            .unwrap_or_default()
            .into_iter()
            .map(QuoteLine::from)
            .collect()
    }
    async fn subtotal(&self) -> Rupiah {
        Rupiah(self.0.subtotal)
    }
    async fn ppn(&self) -> Rupiah {
        Rupiah(self.0.ppn)
    }
    async fn total(&self) -> Rupiah {
        Rupiah(self.0.total)
    }
    async fn deposit(&self) -> Rupiah {
        Rupiah(self.0.deposit)
    }
    /// `total + deposit - paid`.
    async fn amount_due(&self) -> Rupiah {
        Rupiah(self.0.total + self.0.deposit - self.0.paid)
    }
    async fn paid(&self) -> Rupiah {
        Rupiah(self.0.paid)
    }
    /// What a cancellation or rejection owes back (recorded; paid out by the office).
    async fn refund_due(&self) -> Option<Rupiah> {
        self.0.refund_due.map(Rupiah)
    }
    async fn note(&self) -> &str {
        &self.0.note
    }
    /// Why it was rejected or cancelled.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Until when an unpaid booking holds its slot.
    async fn hold_expires_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.hold_expires_at
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<FixedOffset> {
        self.0.updated_at
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
            status: b.status.into(),
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
