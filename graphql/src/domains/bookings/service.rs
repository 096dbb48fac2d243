//! Booking rules and SQL.
//!
//! # Never double-booked, decided by PostgreSQL
//! - EXCLUSIVE facilities: the `bookings_no_overlap` exclusion constraint. Creating a
//!   booking just inserts; the loser of a race gets `23P01`, answered as `CONFLICT` naming
//!   the slot ([`create_booking`]).
//! - SHARED facilities: the facility row is locked (`FOR NO KEY UPDATE`) for the rest of
//!   the transaction before the load of the slots is read, so concurrent bookings of one
//!   facility are serialised and each sees every committed party before deciding.
//! - Weekly quotas: the unit row is locked the same way before its week is summed, in the
//!   same transaction as the insert. Lock order is always unit, then facility.
//!
//! # Who sees what
//! Staff see every booking. A resident sees the bookings of their household's units only;
//! other households' bookings reach them only as taken slots ([`availability`]).
//! Residents see active facilities only.
//!
//! Local times: opening hours, closures and peak windows are the tenant's local time;
//! instants are converted in SQL (`AT TIME ZONE` the tenant's zone), never in Rust.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryOrder, Statement,
};

use klustera_entities::states::{FacilityPayment, RefundSource};
use klustera_entities::tenant::booking::{self, BookingStatus};
use klustera_entities::tenant::facility::{self, FacilityKind, Pricing};

use super::pricing::{self, PeakWindow, Quote, Rates, Stay, hhmm, minute_of_day};
use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult, EXCLUSION_VIOLATION, sqlstate};
use crate::common::events::DomainEvent;
use crate::common::rows::{self, Declared};
use crate::common::types::required_text;
use crate::common::viewer::Viewer;

fn stmt(sql: &str, values: impl IntoIterator<Item = sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// Statuses that free the slot; every other status holds it (the constraint's predicate).
pub const FREEING: [BookingStatus; 3] = [
    BookingStatus::Cancelled,
    BookingStatus::Rejected,
    BookingStatus::Expired,
];

/// The SQL list of [`FREEING`], as the constraint spells it.
const FREEING_SQL: &str = "('CANCELLED', 'REJECTED', 'EXPIRED')";

/// The longest `availability` range.
pub const MAX_AVAILABILITY_DAYS: i64 = 31;

// ---------------------------------------------------------------------------------------
// Facilities

/// A facility's settings, as managers give them.
#[derive(Debug, Clone)]
pub struct FacilitySettings {
    pub name: String,
    pub description: String,
    pub rules: String,
    pub photo_urls: Vec<String>,
    pub kind: FacilityKind,
    pub capacity: i32,
    pub pricing: Pricing,
    pub rate: i64,
    pub deposit: i64,
    pub ppn_rate_bp: i32,
    pub needs_approval: bool,
    pub slot_minutes: i32,
    pub min_minutes: i32,
    pub max_minutes: i32,
    pub book_ahead_days: i32,
    pub cancel_deadline_hours: i32,
    pub weekly_quota_minutes: Option<i32>,
    pub hold_minutes: i32,
    pub active: bool,
    pub payment: FacilityPayment,
}

impl FacilitySettings {
    /// Checks every setting, naming the field at fault.
    fn validate(mut self) -> ApiResult<Self> {
        self.name = required_text("name", &self.name, 200)?;
        if self.description.chars().count() > 5000 {
            return Err(ApiError::bad_input(
                "description",
                "at most 5000 characters",
            ));
        }
        if self.rules.chars().count() > 5000 {
            return Err(ApiError::bad_input("rules", "at most 5000 characters"));
        }
        for url in &self.photo_urls {
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 2048
                && !url.contains(char::is_whitespace);
            if !ok {
                return Err(ApiError::bad_input(
                    "photoUrls",
                    "each must be an http(s) URL",
                ));
            }
        }
        let within = |field, v: i64, lo: i64, hi: i64| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(ApiError::bad_input(
                    field,
                    format!("must be between {lo} and {hi}"),
                ))
            }
        };
        within("capacity", self.capacity.into(), 1, 10_000)?;
        within("rate", self.rate, 0, 1_000_000_000_000)?;
        within("deposit", self.deposit, 0, 1_000_000_000_000)?;
        within("ppnRateBp", self.ppn_rate_bp.into(), 0, 10_000)?;
        within("slotMinutes", self.slot_minutes.into(), 5, 1440)?;
        within(
            "minMinutes",
            self.min_minutes.into(),
            self.slot_minutes.into(),
            1440,
        )?;
        within(
            "maxMinutes",
            self.max_minutes.into(),
            self.min_minutes.into(),
            1440,
        )?;
        if self.min_minutes % self.slot_minutes != 0 || self.max_minutes % self.slot_minutes != 0 {
            return Err(ApiError::bad_input(
                "minMinutes",
                "minimum and maximum durations must be whole slots",
            ));
        }
        within("bookAheadDays", self.book_ahead_days.into(), 0, 366)?;
        within(
            "cancellationDeadlineHours",
            self.cancel_deadline_hours.into(),
            0,
            8760,
        )?;
        if let Some(q) = self.weekly_quota_minutes {
            within("weeklyQuotaMinutes", q.into(), 1, 10_080)?;
        }
        within("holdMinutes", self.hold_minutes.into(), 1, 10_080)?;
        if self.pricing != Pricing::Free && self.rate == 0 {
            return Err(ApiError::bad_input(
                "rate",
                "a priced facility needs a rate",
            ));
        }
        Ok(self)
    }
}

fn conflict_on_name(err: DbErr) -> ApiError {
    match ApiError::from(err) {
        ApiError::Conflict(_) => {
            ApiError::Conflict("a facility with this name already exists".into())
        }
        other => other,
    }
}

pub async fn create_facility(
    db: &impl ConnectionTrait,
    settings: FacilitySettings,
) -> ApiResult<facility::Model> {
    let s = settings.validate()?;
    facility::ActiveModel {
        name: Set(s.name),
        description: Set(s.description),
        rules: Set(s.rules),
        photo_urls: Set(s.photo_urls),
        kind: Set(s.kind),
        capacity: Set(s.capacity),
        pricing: Set(s.pricing),
        rate: Set(s.rate),
        deposit: Set(s.deposit),
        ppn_rate_bp: Set(s.ppn_rate_bp),
        needs_approval: Set(s.needs_approval),
        slot_minutes: Set(s.slot_minutes),
        min_minutes: Set(s.min_minutes),
        max_minutes: Set(s.max_minutes),
        book_ahead_days: Set(s.book_ahead_days),
        cancel_deadline_hours: Set(s.cancel_deadline_hours),
        weekly_quota_minutes: Set(s.weekly_quota_minutes),
        hold_minutes: Set(s.hold_minutes),
        active: Set(s.active),
        payment: Set(s.payment),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(conflict_on_name)
}

/// Replaces a facility's settings. Its kind cannot change: bookings were checked for
/// overlap (or not) by it.
pub async fn update_facility(
    db: &impl ConnectionTrait,
    id: i64,
    settings: FacilitySettings,
) -> ApiResult<facility::Model> {
    let s = settings.validate()?;
    let row = find_facility(db, id).await?;
    if row.kind != s.kind {
        return Err(ApiError::bad_input(
            "kind",
            "a facility's kind cannot change",
        ));
    }
    let mut am: facility::ActiveModel = row.into();
    am.name = Set(s.name);
    am.description = Set(s.description);
    am.rules = Set(s.rules);
    am.photo_urls = Set(s.photo_urls);
    am.capacity = Set(s.capacity);
    am.pricing = Set(s.pricing);
    am.rate = Set(s.rate);
    am.deposit = Set(s.deposit);
    am.ppn_rate_bp = Set(s.ppn_rate_bp);
    am.needs_approval = Set(s.needs_approval);
    am.slot_minutes = Set(s.slot_minutes);
    am.min_minutes = Set(s.min_minutes);
    am.max_minutes = Set(s.max_minutes);
    am.book_ahead_days = Set(s.book_ahead_days);
    am.cancel_deadline_hours = Set(s.cancel_deadline_hours);
    am.weekly_quota_minutes = Set(s.weekly_quota_minutes);
    am.hold_minutes = Set(s.hold_minutes);
    am.active = Set(s.active);
    am.payment = Set(s.payment);
    am.updated_at = Set(Utc::now().fixed_offset());
    am.update(db).await.map_err(conflict_on_name)
}

pub async fn find_facility(db: &impl ConnectionTrait, id: i64) -> ApiResult<facility::Model> {
    facility::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("facility"))
}

/// Facility `id` as `viewer` may see it: residents see active facilities only.
pub async fn get_facility(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<facility::Model> {
    let row = find_facility(db, id).await?;
    if !row.active && !viewer.is_staff() {
        return Err(ApiError::NotFound("facility"));
    }
    Ok(row)
}

/// Facilities by name; inactive ones for staff who ask.
pub async fn list_facilities(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    include_inactive: bool,
) -> ApiResult<Vec<facility::Model>> {
    let rows = facility::Entity::find()
        .order_by_asc(facility::Column::Name)
        .all(db)
        .await?;
    let all = include_inactive && viewer.is_staff();
    Ok(rows.into_iter().filter(|f| all || f.active).collect())
}

/// Opening hours of one weekday, minutes after local midnight.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct OpeningRow {
    pub facility_id: i64,
    pub weekday: i32,
    pub opens_minute: i32,
    pub closes_minute: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ClosureRow {
    pub id: i64,
    pub facility_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct PeakRow {
    pub id: i64,
    pub facility_id: i64,
    pub weekday: i32,
    pub starts_minute: i32,
    pub ends_minute: i32,
    pub rate: i64,
}

/// `HH:MM` (00:00 to 24:00) as minutes after midnight.
pub fn parse_time_of_day(field: &'static str, raw: &str) -> ApiResult<i32> {
    let bad = || ApiError::bad_input(field, "a time of day is HH:MM, 00:00 to 24:00");
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// One weekday's hours or a peak window, parsed.
#[derive(Debug, Clone, Copy)]
pub struct DayRange {
    pub weekday: i32,
    pub from_minute: i32,
    pub to_minute: i32,
}

impl DayRange {
    pub fn parse(field: &'static str, weekday: i32, from: &str, to: &str) -> ApiResult<Self> {
        if !(1..=7).contains(&weekday) {
            return Err(ApiError::bad_input(
                field,
                "weekday is 1 (Monday) to 7 (Sunday)",
            ));
        }
        let (from_minute, to_minute) = (
            parse_time_of_day(field, from)?,
            parse_time_of_day(field, to)?,
        );
        if from_minute >= to_minute {
            return Err(ApiError::bad_input(
                field,
                "the range must end after it starts",
            ));
        }
        Ok(Self {
            weekday,
            from_minute,
            to_minute,
        })
    }
}

/// Replaces a facility's opening hours (weekdays not given are closed).
pub async fn set_schedule(
    db: &impl ConnectionTrait,
    facility_id: i64,
    hours: &[DayRange],
) -> ApiResult<Vec<OpeningRow>> {
    find_facility(db, facility_id).await?;
    let mut days: Vec<i32> = hours.iter().map(|h| h.weekday).collect();
    days.sort_unstable();
    days.dedup();
    if days.len() != hours.len() {
        return Err(ApiError::bad_input("hours", "one range per weekday"));
    }
    db.execute_raw(stmt(
        "DELETE FROM facility_schedules WHERE facility_id = $1",
        [facility_id.into()],
    ))
    .await?;
    db.execute_raw(stmt(
        "INSERT INTO facility_schedules (facility_id, weekday, opens_minute, closes_minute) \
         SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[])",
        [
            facility_id.into(),
            hours.iter().map(|h| h.weekday).collect::<Vec<_>>().into(),
            hours
                .iter()
                .map(|h| h.from_minute)
                .collect::<Vec<_>>()
                .into(),
            hours.iter().map(|h| h.to_minute).collect::<Vec<_>>().into(),
        ],
    ))
    .await?;
    Ok(schedules_of(db, &[facility_id])
        .await?
        .remove(&facility_id)
        .unwrap_or_default())
}

/// Replaces a facility's peak windows.
pub async fn set_peak_windows(
    db: &impl ConnectionTrait,
    facility_id: i64,
    windows: &[(DayRange, i64)],
) -> ApiResult<Vec<PeakRow>> {
    find_facility(db, facility_id).await?;
    if windows.iter().any(|(_, rate)| *rate < 0) {
        return Err(ApiError::bad_input("windows", "a rate is not negative"));
    }
    db.execute_raw(stmt(
        "DELETE FROM facility_peak_windows WHERE facility_id = $1",
        [facility_id.into()],
    ))
    .await?;
    db.execute_raw(stmt(
        "INSERT INTO facility_peak_windows (facility_id, weekday, starts_minute, ends_minute, rate) \
         SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::bigint[])",
        [
            facility_id.into(),
            windows.iter().map(|w| w.0.weekday).collect::<Vec<_>>().into(),
            windows.iter().map(|w| w.0.from_minute).collect::<Vec<_>>().into(),
            windows.iter().map(|w| w.0.to_minute).collect::<Vec<_>>().into(),
            windows.iter().map(|w| w.1).collect::<Vec<_>>().into(),
        ],
    ))
    .await?;
    Ok(peaks_of(db, &[facility_id])
        .await?
        .remove(&facility_id)
        .unwrap_or_default())
}

pub async fn add_closure(
    db: &impl ConnectionTrait,
    facility_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    reason: &str,
) -> ApiResult<ClosureRow> {
    find_facility(db, facility_id).await?;
    let reason = required_text("reason", reason, 500)?;
    if ends_on < starts_on {
        return Err(ApiError::bad_input("endsOn", "must not be before startsOn"));
    }
    ClosureRow::find_by_statement(stmt(
        "INSERT INTO facility_closures (facility_id, starts_on, ends_on, reason) \
         VALUES ($1, $2, $3, $4) RETURNING id, facility_id, starts_on, ends_on, reason",
        [
            facility_id.into(),
            starts_on.into(),
            ends_on.into(),
            reason.into(),
        ],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::NotFound("facility"))
}

/// Removes a closure; returns its facility.
pub async fn remove_closure(db: &impl ConnectionTrait, id: i64) -> ApiResult<i64> {
    let row = db
        .query_one_raw(stmt(
            "DELETE FROM facility_closures WHERE id = $1 RETURNING facility_id",
            [id.into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("closure"))?;
    Ok(row.try_get_by_index(0)?)
}

fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> i64) -> HashMap<i64, Vec<T>> {
    let mut by: HashMap<i64, Vec<T>> = HashMap::new();
    for row in rows {
        by.entry(key(&row)).or_default().push(row);
    }
    by
}

pub async fn schedules_of(
    db: &impl ConnectionTrait,
    facility_ids: &[i64],
) -> ApiResult<HashMap<i64, Vec<OpeningRow>>> {
    let rows = OpeningRow::find_by_statement(stmt(
        "SELECT facility_id, weekday, opens_minute, closes_minute FROM facility_schedules \
         WHERE facility_id = ANY($1) ORDER BY facility_id, weekday",
        [facility_ids.to_vec().into()],
    ))
    .all(db)
    .await?;
    Ok(group(rows, |r| r.facility_id))
}

/// Closures of these facilities that have not ended before `from` (local date).
pub async fn closures_of(
    db: &impl ConnectionTrait,
    facility_ids: &[i64],
    from: Option<NaiveDate>,
) -> ApiResult<HashMap<i64, Vec<ClosureRow>>> {
    let rows = ClosureRow::find_by_statement(stmt(
        "SELECT id, facility_id, starts_on, ends_on, reason FROM facility_closures \
         WHERE facility_id = ANY($1) AND ($2::date IS NULL OR ends_on >= $2) \
         ORDER BY facility_id, starts_on, id",
        [facility_ids.to_vec().into(), from.into()],
    ))
    .all(db)
    .await?;
    Ok(group(rows, |r| r.facility_id))
}

pub async fn peaks_of(
    db: &impl ConnectionTrait,
    facility_ids: &[i64],
) -> ApiResult<HashMap<i64, Vec<PeakRow>>> {
    let rows = PeakRow::find_by_statement(stmt(
        "SELECT id, facility_id, weekday, starts_minute, ends_minute, rate \
         FROM facility_peak_windows WHERE facility_id = ANY($1) \
         ORDER BY facility_id, weekday, starts_minute, id",
        [facility_ids.to_vec().into()],
    ))
    .all(db)
    .await?;
    Ok(group(rows, |r| r.facility_id))
}

/// Money given back on a booking (a Midtrans refund of its order's payment).
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct RefundRow {
    pub id: i64,
    pub booking_id: i64,
    pub amount: i64,
    pub source: RefundSource,
    pub order_id: Option<String>,
    pub created_at: DateTime<FixedOffset>,
}

/// The refunds of these bookings, oldest first. Whoever led to the ids decided visibility.
pub async fn refunds_of(
    db: &impl ConnectionTrait,
    booking_ids: &[i64],
) -> ApiResult<HashMap<i64, Vec<RefundRow>>> {
    let rows = RefundRow::find_by_statement(stmt(
        "SELECT r.id, r.booking_id, r.amount, r.source, p.midtrans_order_id AS order_id, r.created_at \
         FROM booking_refunds r JOIN booking_payments p ON p.id = r.payment_id \
         WHERE r.booking_id = ANY($1) ORDER BY r.booking_id, r.id",
        [booking_ids.to_vec().into()],
    ))
    .all(db)
    .await?;
    Ok(group(rows, |r| r.booking_id))
}

// ---------------------------------------------------------------------------------------
// Quotes and the rules of a stay

/// A booking request.
#[derive(Debug, Clone)]
pub struct BookingRequest {
    pub facility_id: i64,
    pub unit_id: i64,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub party_size: i32,
    pub note: String,
}

/// The request's instants in the tenant's local time, and now.
#[derive(Debug, Clone, Copy, FromQueryResult)]
pub struct LocalStay {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub now: NaiveDateTime,
}

async fn local_stay(
    db: &impl ConnectionTrait,
    time_zone: &str,
    starts_at: DateTime<FixedOffset>,
    ends_at: DateTime<FixedOffset>,
) -> ApiResult<LocalStay> {
    LocalStay::find_by_statement(stmt(
        "SELECT ($1::timestamptz AT TIME ZONE $3) AS start, ($2::timestamptz AT TIME ZONE $3) AS \"end\", \
                (statement_timestamp() AT TIME ZONE $3) AS now",
        [starts_at.into(), ends_at.into(), time_zone.into()],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::TenantNotFound)
}

/// Everything a stay is checked against, besides other bookings.
pub struct Calendar<'a> {
    pub facility: &'a facility::Model,
    pub hours: &'a [OpeningRow],
    pub closures: &'a [ClosureRow],
}

/// Checks a stay against the facility's rules: active, party size, the grid, minimum and
/// maximum duration, opening hours, closures, not in the past and (`book_ahead`) within
/// the book-ahead window. Pure: local times in, the first broken rule out.
pub fn check_stay(
    cal: &Calendar<'_>,
    stay: &LocalStay,
    party_size: i32,
    book_ahead: bool,
) -> ApiResult<()> {
    let f = cal.facility;
    if !f.active {
        return Err(ApiError::bad_input(
            "facilityId",
            "this facility is not taking bookings",
        ));
    }
    if party_size < 1 || party_size > f.capacity {
        return Err(ApiError::bad_input(
            "partySize",
            format!("must be between 1 and {}", f.capacity),
        ));
    }
    if stay.end <= stay.start {
        return Err(ApiError::bad_input("endsAt", "must be after startsAt"));
    }
    let minutes = (stay.end - stay.start).num_minutes();
    let slot = i64::from(f.slot_minutes);
    let start_minute = minute_of_day(stay.start);
    let on_grid = |t: NaiveDateTime| {
        t.and_utc().timestamp() % 60 == 0 && t.and_utc().timestamp_subsec_nanos() == 0
    };
    if !on_grid(stay.start) || !on_grid(stay.end) || start_minute % slot != 0 || minutes % slot != 0
    {
        return Err(ApiError::bad_input(
            "startsAt",
            format!("bookings start and end on the facility's {slot}-minute grid"),
        ));
    }
    if minutes < f.min_minutes.into() || minutes > f.max_minutes.into() {
        return Err(ApiError::bad_input(
            "endsAt",
            format!(
                "a booking lasts {} to {} minutes",
                f.min_minutes, f.max_minutes
            ),
        ));
    }
    let day = stay.start.date();
    let end_minute = start_minute + minutes;
    let weekday = i32::try_from(chrono::Datelike::weekday(&day).number_from_monday()).unwrap_or(0);
    let open = cal.hours.iter().find(|h| h.weekday == weekday);
    let inside = open.is_some_and(|h| {
        i64::from(h.opens_minute) <= start_minute && end_minute <= i64::from(h.closes_minute)
    });
    if !inside {
        let hours = match open {
            Some(h) => format!(
                "open {} to {} that day",
                hhmm(h.opens_minute.into()),
                hhmm(h.closes_minute.into())
            ),
            None => "closed that day".to_owned(),
        };
        return Err(ApiError::bad_input(
            "startsAt",
            format!("outside opening hours ({hours})"),
        ));
    }
    if let Some(c) = cal
        .closures
        .iter()
        .find(|c| c.starts_on <= day && day <= c.ends_on)
    {
        return Err(ApiError::bad_input(
            "startsAt",
            format!("closed from {} to {}: {}", c.starts_on, c.ends_on, c.reason),
        ));
    }
    if stay.start <= stay.now {
        return Err(ApiError::bad_input("startsAt", "must be in the future"));
    }
    if book_ahead && day > stay.now.date() + Duration::days(f.book_ahead_days.into()) {
        return Err(ApiError::bad_input(
            "startsAt",
            format!("bookings open {} days ahead", f.book_ahead_days),
        ));
    }
    Ok(())
}

fn rates_of(f: &facility::Model, peaks: &[PeakRow]) -> Rates {
    Rates {
        pricing: f.pricing,
        rate: f.rate,
        deposit: f.deposit,
        ppn_rate_bp: u32::try_from(f.ppn_rate_bp).unwrap_or(0),
        peaks: peaks
            .iter()
            .map(|p| PeakWindow {
                weekday: u32::try_from(p.weekday).unwrap_or(0),
                starts_minute: p.starts_minute.into(),
                ends_minute: p.ends_minute.into(),
                rate: p.rate,
            })
            .collect(),
    }
}

/// Everything about a facility a booking is decided by.
struct Loaded {
    facility: facility::Model,
    hours: Vec<OpeningRow>,
    closures: Vec<ClosureRow>,
    peaks: Vec<PeakRow>,
}

async fn load(db: &impl ConnectionTrait, viewer: &Viewer, facility_id: i64) -> ApiResult<Loaded> {
    let facility = get_facility(db, viewer, facility_id).await?;
    let ids = [facility_id];
    Ok(Loaded {
        facility,
        hours: schedules_of(db, &ids)
            .await?
            .remove(&facility_id)
            .unwrap_or_default(),
        closures: closures_of(db, &ids, None)
            .await?
            .remove(&facility_id)
            .unwrap_or_default(),
        peaks: peaks_of(db, &ids)
            .await?
            .remove(&facility_id)
            .unwrap_or_default(),
    })
}

impl Loaded {
    fn check(&self, stay: &LocalStay, party_size: i32, book_ahead: bool) -> ApiResult<Quote> {
        let cal = Calendar {
            facility: &self.facility,
            hours: &self.hours,
            closures: &self.closures,
        };
        check_stay(&cal, stay, party_size, book_ahead)?;
        pricing::quote(
            &rates_of(&self.facility, &self.peaks),
            &Stay {
                start: stay.start,
                end: stay.end,
                party_size: party_size.into(),
            },
        )
    }
}

/// The price of a booking, checked against the facility's rules, without booking.
pub async fn quote(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    time_zone: &str,
    req: &BookingRequest,
) -> ApiResult<Quote> {
    let loaded = load(db, viewer, req.facility_id).await?;
    let stay = local_stay(db, time_zone, req.starts_at, req.ends_at).await?;
    loaded.check(&stay, req.party_size, !viewer.is_manager())
}

// ---------------------------------------------------------------------------------------
// Bookings

/// Creates a booking for `req.unit_id`: a resident for their household's unit, a
/// manager for any unit. Status: PENDING_APPROVAL if the facility needs approval, else
/// PENDING_PAYMENT (holding the slot for `hold_minutes`) if anything is due, else
/// CONFIRMED.
pub async fn create_booking(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    time_zone: &str,
    req: BookingRequest,
) -> ApiResult<booking::Model> {
    match viewer.role() {
        Role::Resident if viewer.sees_unit(req.unit_id) => {}
        Role::Resident => {
            return Err(ApiError::Forbidden("you may only book for your own unit"));
        }
        Role::Manager => {}
        _ => return Err(ApiError::Forbidden("your role may not book")),
    }
    if req.note.chars().count() > 1000 {
        return Err(ApiError::bad_input("note", "at most 1000 characters"));
    }
    let loaded = load(db, viewer, req.facility_id).await?;
    let f = &loaded.facility;
    let stay = local_stay(db, time_zone, req.starts_at, req.ends_at).await?;
    let quote = loaded.check(&stay, req.party_size, !viewer.is_manager())?;
    let minutes = (stay.end - stay.start).num_minutes();

    // Locks, always unit before facility.
    let unit = db
        .query_one_raw(stmt(
            if f.weekly_quota_minutes.is_some() {
                "SELECT id FROM units WHERE id = $1 FOR NO KEY UPDATE"
            } else {
                "SELECT id FROM units WHERE id = $1"
            },
            [req.unit_id.into()],
        ))
        .await?;
    if unit.is_none() {
        return Err(ApiError::NotFound("unit"));
    }
    if let Some(quota) = f.weekly_quota_minutes {
        let used = db
            .query_one_raw(stmt(
                &format!(
                    "SELECT COALESCE(sum(EXTRACT(EPOCH FROM ends_at - starts_at)) / 60, 0)::bigint \
                     FROM bookings WHERE unit_id = $1 AND facility_id = $2 \
                       AND status NOT IN {FREEING_SQL} \
                       AND date_trunc('week', starts_at AT TIME ZONE $3) = date_trunc('week', $4::timestamp)"
                ),
                [req.unit_id.into(), f.id.into(), time_zone.into(), stay.start.into()],
            ))
            .await?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        if used + minutes > i64::from(quota) {
            return Err(ApiError::Conflict(format!(
                "this unit has {} of its {quota} weekly minutes at {} left",
                (i64::from(quota) - used).max(0),
                f.name
            )));
        }
    }
    let slot_text = || {
        format!(
            "{} {} to {}",
            stay.start.format("%Y-%m-%d"),
            stay.start.format("%H:%M"),
            stay.end.format("%H:%M")
        )
    };
    if f.kind == FacilityKind::Shared {
        db.execute_raw(stmt(
            "SELECT 1 FROM facilities WHERE id = $1 FOR NO KEY UPDATE",
            [f.id.into()],
        ))
        .await?;
        // The fullest slot of the stay, counting every booking that holds it.
        let used = db
            .query_one_raw(stmt(
                &format!(
                    "SELECT COALESCE(max(used), 0)::bigint FROM ( \
                       SELECT (SELECT COALESCE(sum(b.party_size), 0) FROM bookings b \
                               WHERE b.facility_id = $1 AND b.status NOT IN {FREEING_SQL} \
                                 AND tstzrange(b.starts_at, b.ends_at) && tstzrange(g, g + make_interval(mins => $4))) AS used \
                       FROM generate_series($2::timestamptz, $3::timestamptz - make_interval(mins => $4), make_interval(mins => $4)) g \
                     ) s"
                ),
                [f.id.into(), req.starts_at.into(), req.ends_at.into(), f.slot_minutes.into()],
            ))
            .await?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        let left = i64::from(f.capacity) - used;
        if i64::from(req.party_size) > left {
            return Err(ApiError::Conflict(format!(
                "{} has {} places left on {}",
                f.name,
                left.max(0),
                slot_text()
            )));
        }
    }
    let to_bill = f.payment == FacilityPayment::NextBill;
    let (status, hold) = if f.needs_approval {
        (BookingStatus::PendingApproval, None)
    } else if quote.amount_due() > 0 && !to_bill {
        (
            BookingStatus::PendingPayment,
            Some(Utc::now().fixed_offset() + Duration::minutes(f.hold_minutes.into())),
        )
    } else {
        (BookingStatus::Confirmed, None)
    };
    let lines = serde_json::to_value(&quote.lines)
        .map_err(|e| ApiError::internal(DbErr::Custom(e.to_string())))?;
    let inserted = booking::ActiveModel {
        facility_id: Set(f.id),
        exclusive: Set(f.kind == FacilityKind::Exclusive),
        unit_id: Set(req.unit_id),
        booked_by: Set(viewer.user_id()),
        resident_id: Set(viewer.resident_id()),
        starts_at: Set(req.starts_at),
        ends_at: Set(req.ends_at),
        party_size: Set(req.party_size),
        status: Set(status),
        lines: Set(lines),
        subtotal: Set(quote.subtotal),
        ppn: Set(quote.ppn),
        total: Set(quote.total),
        deposit: Set(quote.deposit),
        note: Set(req.note.trim().to_owned()),
        hold_expires_at: Set(hold),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(row) if to_bill && status == BookingStatus::Confirmed => {
            let charged = charge_to_next_bill(db, &row, f).await?;
            save_payment_state(db, row.id, row.paid + charged, row.status, None, None).await
        }
        Ok(row) => Ok(row),
        Err(err) if sqlstate(&err).as_deref() == Some(EXCLUSION_VIOLATION) => Err(
            ApiError::Conflict(format!("{} is already booked on {}", f.name, slot_text())),
        ),
        Err(err) => Err(err.into()),
    }
}

/// Booking `id`, locked for the rest of the transaction (a payment or a step decides on it).
pub async fn lock_booking(db: &impl ConnectionTrait, id: i64) -> ApiResult<booking::Model> {
    find_booking(db, id, true).await
}

/// Writes what a payment changed: `paid`, the status, what is owed back, the hold.
pub async fn save_payment_state(
    db: &impl ConnectionTrait,
    id: i64,
    paid: i64,
    status: BookingStatus,
    refund_due: Option<i64>,
    hold_expires_at: Option<DateTime<FixedOffset>>,
) -> ApiResult<booking::Model> {
    booking::Entity::find()
        .from_raw_sql(stmt(
            "UPDATE bookings SET paid = $2, status = $3, refund_due = $4, hold_expires_at = $5, \
             updated_at = now() WHERE id = $1 RETURNING *",
            [
                id.into(),
                paid.into(),
                sea_orm::ActiveEnum::to_value(&status).into(),
                refund_due.into(),
                hold_expires_at.into(),
            ],
        ))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("booking"))
}

async fn find_booking(db: &impl ConnectionTrait, id: i64, lock: bool) -> ApiResult<booking::Model> {
    let sql = if lock {
        "SELECT * FROM bookings WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT * FROM bookings WHERE id = $1"
    };
    booking::Entity::find()
        .from_raw_sql(stmt(sql, [id.into()]))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("booking"))
}

/// Booking `id` if `viewer` may see it: staff all, residents their household's.
pub async fn get_booking(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<booking::Model> {
    let row = find_booking(db, id, false).await?;
    if !viewer.sees_unit(row.unit_id) {
        return Err(ApiError::NotFound("booking"));
    }
    Ok(row)
}

/// The calendar filter.
#[derive(Debug, Clone, Default)]
pub struct BookingFilter {
    pub facility_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub statuses: Vec<BookingStatus>,
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
}

/// Bookings overlapping `[from, to)` (at most 31 days), by start: every booking for
/// staff, the household's for residents.
pub async fn list_bookings(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &BookingFilter,
) -> ApiResult<Vec<booking::Model>> {
    if filter.to <= filter.from {
        return Err(ApiError::bad_input("to", "must be after from"));
    }
    if filter.to - filter.from > Duration::days(MAX_AVAILABILITY_DAYS) {
        return Err(ApiError::bad_input("to", "at most 31 days at a time"));
    }
    let units: Option<Vec<i64>> = viewer.household().map(|h| h.iter().copied().collect());
    let statuses: Vec<String> = filter
        .statuses
        .iter()
        .map(sea_orm::ActiveEnum::to_value)
        .collect();
    // Decoded by position from the declared columns (`common::rows`): a month is up to
    // 2,000 rows, and decoding them by name was most of the calendar's CPU.
    rows::all_raw(
        db,
        stmt(
            &format!(
                "SELECT {} FROM bookings b \
                 WHERE starts_at < $2 AND ends_at > $1 \
                   AND ($3::bigint IS NULL OR facility_id = $3) \
                   AND ($4::bigint IS NULL OR unit_id = $4) \
                   AND (cardinality($5::text[]) = 0 OR status = ANY($5)) \
                   AND ($6::bigint[] IS NULL OR unit_id = ANY($6)) \
                 ORDER BY starts_at, id LIMIT 2000",
                <booking::Model as Declared>::columns("b")
            ),
            [
                filter.from.into(),
                filter.to.into(),
                filter.facility_id.into(),
                filter.unit_id.into(),
                statuses.into(),
                units.into(),
            ],
        ),
    )
    .await
}

/// A lifecycle step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Approve,
    Reject,
    Cancel,
    CheckIn,
    Complete,
    NoShow,
}

impl Step {
    /// The statuses a booking may take this step from.
    pub fn from(self) -> &'static [BookingStatus] {
        use BookingStatus::*;
        match self {
            Step::Approve => &[PendingApproval],
            Step::Reject => &[PendingApproval, PendingPayment],
            Step::Cancel => &[PendingApproval, PendingPayment, Confirmed],
            Step::CheckIn | Step::NoShow => &[Confirmed],
            Step::Complete => &[CheckedIn],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Step::Approve => "approved",
            Step::Reject => "rejected",
            Step::Cancel => "cancelled",
            Step::CheckIn => "checked in",
            Step::Complete => "completed",
            Step::NoShow => "marked as a no-show",
        }
    }

    /// Who may take it: managers everything; security staff the day's steps; residents
    /// cancelling their household's bookings.
    pub fn allowed(self, viewer: &Viewer) -> bool {
        match viewer.role() {
            Role::Manager | Role::SuperAdmin => true,
            Role::Security => matches!(self, Step::CheckIn | Step::Complete | Step::NoShow),
            Role::Resident => self == Step::Cancel,
        }
    }
}

/// What a cancellation owes back: everything paid before the deadline, the deposit
/// (at most what was paid) after it.
pub fn refund_due(paid: i64, deposit: i64, before_deadline: bool) -> i64 {
    if before_deadline {
        paid
    } else {
        paid.min(deposit)
    }
}

/// Takes `step` on booking `id` as `viewer`; `reason` for rejections and cancellations.
pub async fn transition(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    step: Step,
    reason: Option<String>,
) -> ApiResult<booking::Model> {
    let row = find_booking(db, id, true).await?;
    if !viewer.sees_unit(row.unit_id) {
        return Err(ApiError::NotFound("booking"));
    }
    if !step.allowed(viewer) {
        return Err(ApiError::Forbidden(
            "your role may not do this to a booking",
        ));
    }
    if !step.from().contains(&row.status) {
        return Err(ApiError::Conflict(format!(
            "a {} booking cannot be {}",
            sea_orm::ActiveEnum::to_value(&row.status),
            step.name()
        )));
    }
    let reason = match reason {
        Some(r) => Some(required_text("reason", &r, 1000)?),
        None => None,
    };
    let facility = find_facility(db, row.facility_id).await?;
    let now = Utc::now().fixed_offset();
    let deadline = row.starts_at - Duration::hours(facility.cancel_deadline_hours.into());
    let mut am: booking::ActiveModel = row.clone().into();
    am.updated_at = Set(now);
    am.hold_expires_at = Set(None);
    match step {
        Step::Approve => {
            if owed(&row) > 0 && facility.payment == FacilityPayment::NextBill {
                let charged = charge_to_next_bill(db, &row, &facility).await?;
                am.paid = Set(row.paid + charged);
                am.status = Set(BookingStatus::Confirmed);
            } else if owed(&row) > 0 {
                am.status = Set(BookingStatus::PendingPayment);
                am.hold_expires_at =
                    Set(Some(now + Duration::minutes(facility.hold_minutes.into())));
            } else {
                am.status = Set(BookingStatus::Confirmed);
            }
        }
        Step::Reject => {
            let paid = row.paid - withdraw_charges(db, row.id).await?;
            am.paid = Set(paid);
            am.status = Set(BookingStatus::Rejected);
            am.reason = Set(reason);
            am.refund_due = Set(Some(paid));
        }
        Step::Cancel => {
            let before = now < deadline;
            if viewer.role() == Role::Resident && !before {
                return Err(ApiError::Forbidden(
                    "the cancellation deadline has passed; ask the estate office",
                ));
            }
            let paid = row.paid - withdraw_charges(db, row.id).await?;
            am.paid = Set(paid);
            am.status = Set(BookingStatus::Cancelled);
            am.reason = Set(reason);
            am.refund_due = Set(Some(refund_due(paid, row.deposit, before)));
        }
        Step::CheckIn => am.status = Set(BookingStatus::CheckedIn),
        Step::Complete => am.status = Set(BookingStatus::Completed),
        Step::NoShow => {
            if now < row.starts_at {
                return Err(ApiError::Conflict("the booking has not started yet".into()));
            }
            am.status = Set(BookingStatus::NoShow);
        }
    }
    Ok(am.update(db).await?)
}

/// The condition of an unpaid hold past its time.
const HOLD_LAPSED: &str = "status = 'PENDING_PAYMENT' AND hold_expires_at <= statement_timestamp()";

/// Whether some unpaid hold is past its time (the scheduler enqueues the sweep only then).
pub async fn any_holds_due(db: &impl ConnectionTrait) -> ApiResult<bool> {
    Ok(db
        .query_one_raw(stmt(
            &format!("SELECT 1 FROM bookings WHERE {HOLD_LAPSED} LIMIT 1"),
            [],
        ))
        .await?
        .is_some())
}

/// Unpaid holds past their time become EXPIRED, freeing their slots, in one statement (a
/// rerun expires nothing twice). Returns the expired bookings.
pub async fn expire_holds(db: &impl ConnectionTrait) -> ApiResult<Vec<booking::Model>> {
    Ok(booking::Entity::find()
        .from_raw_sql(stmt(
            &format!(
                "UPDATE bookings SET status = 'EXPIRED', hold_expires_at = NULL, updated_at = now() \
                 WHERE {HOLD_LAPSED} RETURNING *"
            ),
            [],
        ))
        .all(db)
        .await?)
}

/// What subscribers hear once a change of `row` committed.
pub fn changed(row: &booking::Model) -> DomainEvent {
    DomainEvent::BookingChanged {
        booking_id: row.id,
        facility_id: row.facility_id,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
    }
}

// ---------------------------------------------------------------------------------------
// Paying on the unit's next bill

/// What `row` still owes.
pub fn owed(row: &booking::Model) -> i64 {
    row.total + row.deposit - row.paid
}

/// Puts what `row` owes on its unit's next bill (its quote lines, and the deposit as a
/// line of its own) and records it as paid that way. Returns the amount charged.
pub async fn charge_to_next_bill(
    db: &impl ConnectionTrait,
    row: &booking::Model,
    facility: &facility::Model,
) -> ApiResult<i64> {
    let amount = owed(row);
    if amount <= 0 {
        return Ok(0);
    }
    let lines: Vec<pricing::Line> = serde_json::from_value(row.lines.clone())
        .map_err(|e| ApiError::internal(sea_orm::DbErr::Custom(e.to_string())))?;
    let when = row.starts_at.format("%Y-%m-%d %H:%M");
    let mut description = Vec::new();
    let mut amounts = Vec::new();
    let mut ppns = Vec::new();
    for line in lines {
        description.push(format!("{} {when}: {}", facility.name, line.description));
        amounts.push(line.amount);
        ppns.push(line.ppn);
    }
    if row.deposit > 0 {
        description.push(format!("{} {when}: deposit", facility.name));
        amounts.push(row.deposit);
        ppns.push(0);
    }
    db.execute_raw(stmt(
        "INSERT INTO booking_charges (booking_id, unit_id, description, amount, ppn_rate_bp, ppn) \
         SELECT $1, $2, d, a, CASE WHEN p > 0 THEN $6 ELSE 0 END, p \
         FROM UNNEST($3::text[], $4::bigint[], $5::bigint[]) AS x(d, a, p)",
        [
            row.id.into(),
            row.unit_id.into(),
            description.into(),
            amounts.into(),
            ppns.into(),
            facility.ppn_rate_bp.into(),
        ],
    ))
    .await?;
    db.execute_raw(stmt(
        "INSERT INTO booking_payments (booking_id, method, amount) VALUES ($1, 'NEXT_BILL', $2)",
        [row.id.into(), amount.into()],
    ))
    .await?;
    Ok(amount)
}

/// Withdraws `booking`'s charges not yet on a bill (and their payment record). Returns
/// the amount withdrawn: no longer paid, so not owed back.
pub async fn withdraw_charges(db: &impl ConnectionTrait, booking: i64) -> ApiResult<i64> {
    let row = db
        .query_one_raw(stmt(
            "WITH gone AS (DELETE FROM booking_charges WHERE booking_id = $1 AND bill_id IS NULL \
                           RETURNING amount + ppn AS owed) \
             SELECT COALESCE(sum(owed), 0)::bigint FROM gone",
            [booking.into()],
        ))
        .await?;
    let withdrawn: i64 = match row {
        Some(r) => r.try_get_by_index(0)?,
        None => 0,
    };
    if withdrawn > 0 {
        db.execute_raw(stmt(
            "DELETE FROM booking_payments WHERE booking_id = $1 AND method = 'NEXT_BILL'",
            [booking.into()],
        ))
        .await?;
    }
    Ok(withdrawn)
}

// ---------------------------------------------------------------------------------------
// Availability

/// One slot of a facility's grid.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SlotRow {
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    /// Places left (EXCLUSIVE: its capacity, or 0 when taken).
    pub remaining: i64,
    /// Free, and not started yet.
    pub available: bool,
}

/// The slots of local dates `from..=to` (at most 31 days): the weekly schedule in the
/// tenant's zone, minus closures, minus what holding bookings take. One statement.
pub async fn availability(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    time_zone: &str,
    facility_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Vec<SlotRow>> {
    if to < from {
        return Err(ApiError::bad_input("to", "must not be before from"));
    }
    if (to - from).num_days() >= MAX_AVAILABILITY_DAYS {
        return Err(ApiError::bad_input("to", "at most 31 days at a time"));
    }
    get_facility(db, viewer, facility_id).await?;
    Ok(SlotRow::find_by_statement(stmt(
        &availability_sql(),
        [facility_id.into(), from.into(), to.into(), time_zone.into()],
    ))
    .all(db)
    .await?)
}

/// The instants local date `day` begins and ends at in `time_zone`.
pub async fn local_day(
    db: &impl ConnectionTrait,
    time_zone: &str,
    day: NaiveDate,
) -> ApiResult<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    let row = db
        .query_one_raw(stmt(
            "SELECT ($1::date::timestamp AT TIME ZONE $2), (($1::date + 1)::timestamp AT TIME ZONE $2)",
            [day.into(), time_zone.into()],
        ))
        .await?
        .ok_or(ApiError::TenantNotFound)?;
    Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?))
}

/// The availability statement: `$1` facility, `$2`..`$3` local dates, `$4` time zone.
pub fn availability_sql() -> String {
    format!(
        "WITH f AS (SELECT id, kind, capacity, slot_minutes FROM facilities WHERE id = $1), \
         slots AS ( \
           SELECT ((d::date + make_interval(mins => m)) AT TIME ZONE $4) AS starts_at, \
                  ((d::date + make_interval(mins => m + f.slot_minutes)) AT TIME ZONE $4) AS ends_at \
           FROM f \
           CROSS JOIN generate_series($2::date, $3::date, interval '1 day') d \
           JOIN facility_schedules s ON s.facility_id = f.id \
                AND s.weekday = EXTRACT(ISODOW FROM d)::int \
           CROSS JOIN LATERAL generate_series(s.opens_minute, s.closes_minute - f.slot_minutes, f.slot_minutes) m \
           WHERE NOT EXISTS (SELECT 1 FROM facility_closures c WHERE c.facility_id = f.id \
                             AND d::date BETWEEN c.starts_on AND c.ends_on) \
         ) \
         SELECT sl.starts_at, sl.ends_at, \
                GREATEST(f.capacity - u.used, 0)::bigint AS remaining, \
                (sl.starts_at > statement_timestamp() AND u.used < f.capacity) AS available \
         FROM slots sl CROSS JOIN f \
         CROSS JOIN LATERAL ( \
           SELECT COALESCE(sum(CASE WHEN f.kind = 'EXCLUSIVE' THEN f.capacity ELSE b.party_size END), 0) AS used \
           FROM bookings b WHERE b.facility_id = f.id AND b.status NOT IN {FREEING_SQL} \
             AND tstzrange(b.starts_at, b.ends_at) && tstzrange(sl.starts_at, sl.ends_at)) u \
         ORDER BY sl.starts_at"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_parse_strictly() {
        assert_eq!(parse_time_of_day("t", "06:30").unwrap(), 390);
        assert_eq!(parse_time_of_day("t", "24:00").unwrap(), 1440);
        for bad in ["24:01", "6:30", "06:60", "", "0630", "25:00"] {
            assert!(parse_time_of_day("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refunds_are_full_before_the_deadline_and_the_deposit_after() {
        assert_eq!(refund_due(550_000, 200_000, true), 550_000);
        assert_eq!(refund_due(550_000, 200_000, false), 200_000);
        assert_eq!(refund_due(100_000, 200_000, false), 100_000);
    }
}
