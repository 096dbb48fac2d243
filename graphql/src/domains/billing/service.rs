//! Billing rules and SQL: tariffs, bill generation, payments, sweeps, reports.
//!
//! Every function takes the connection it must use: in the API the request's tenant
//! transaction, in jobs a transaction bound by the worker. Multi-row changes happen in
//! the caller's one transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, Statement,
};

use sea_orm::ActiveEnum;

use klustera_entities::states::{
    BillItemKind, BillStatus, LateFeeKind, PaymentMethod, RefundSource, TariffKind, UnitType,
};
use klustera_entities::tenant::bill;

use super::factory::{self, Tariff, UnitFacts};
use super::loaders::{self, PaymentColumn};
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::jobs::{self, JobRow};
use crate::common::pagination::Page;
use crate::common::rows::Kept;
use crate::common::tenancy::TenantTx;
use crate::common::types::{Period, Rupiah};
use crate::common::viewer::Viewer;

fn stmt(sql: &str, values: impl IntoIterator<Item = sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

// ---- reading bills --------------------------------------------------------------------

/// Which bills a listing wants (all of them when empty).
#[derive(Debug, Default, Clone)]
pub struct BillFilter {
    pub status: Option<BillStatus>,
    pub period: Option<Period>,
    pub unit_id: Option<i64>,
    /// Only bills past their due date (in the tenant's time zone) and not paid or void.
    pub overdue: bool,
}

/// The bills `viewer` may see (residents: their household's) that match `filter`, one
/// page of them by id. `time_zone` is the tenant's, for `overdue`.
pub async fn list_bills(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &BillFilter,
    time_zone: &str,
    page: &Page,
) -> ApiResult<Vec<bill::Model>> {
    let mut q = bill::Entity::find();
    if let Some(units) = viewer.household() {
        q = q.filter(bill::Column::UnitId.is_in(units.iter().copied()));
    }
    if let Some(status) = filter.status {
        q = q.filter(bill::Column::Status.eq(status.as_str()));
    }
    if let Some(period) = filter.period {
        q = q.filter(bill::Column::Period.eq(period.to_string()));
    }
    if let Some(unit_id) = filter.unit_id {
        q = q.filter(bill::Column::UnitId.eq(unit_id));
    }
    if filter.overdue {
        let today = tenant_today(db, time_zone).await?;
        q = q
            .filter(bill::Column::DueOn.lt(today))
            .filter(bill::Column::Status.is_in(["UNPAID", "PARTIALLY_PAID", "OVERDUE"]));
    }
    Ok(page.apply(q, bill::Column::Id).all(db).await?)
}

/// Bill `id` if `viewer` may see it (residents: their household's), else `NOT_FOUND`, as
/// if it did not exist.
pub async fn get_bill(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<bill::Model> {
    bill::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|b| viewer.sees_unit(b.unit_id))
        .ok_or(ApiError::NotFound("bill"))
}

/// Payment `id` if `viewer` may see its bill, else `NOT_FOUND`.
pub async fn get_payment(
    tx: &TenantTx,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<Kept<PaymentColumn>> {
    let payment = loaders::payment(tx, id).await?;
    get_bill(tx, viewer, payment.key)
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::NotFound("payment"),
            other => other,
        })?;
    Ok(payment)
}

/// Job `id` of `tenant` for managers (the only ones who start and follow jobs); anyone
/// else gets `NOT_FOUND`.
pub async fn get_job(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    tenant: &str,
    id: i64,
) -> ApiResult<JobRow> {
    if !viewer.is_manager() {
        return Err(ApiError::NotFound("job"));
    }
    jobs::get(db, tenant, id).await
}

// ---- settings and tariffs -------------------------------------------------------------

#[derive(Debug, Clone, FromQueryResult)]
pub struct Settings {
    pub billing_day: i16,
    pub due_day: i16,
    pub late_fee_kind: LateFeeKind,
    pub late_fee_value: i64,
}

pub async fn settings(db: &impl ConnectionTrait) -> ApiResult<Settings> {
    Settings::find_by_statement(stmt(
        "SELECT billing_day, due_day, late_fee_kind, late_fee_value FROM settings",
        [],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::NotFound("settings"))
}

pub async fn update_settings(db: &impl ConnectionTrait, s: &Settings) -> ApiResult<Settings> {
    if !(1..=28).contains(&s.billing_day) {
        return Err(ApiError::bad_input(
            "billingDay",
            "must be between 1 and 28",
        ));
    }
    if !(1..=28).contains(&s.due_day) {
        return Err(ApiError::bad_input("dueDay", "must be between 1 and 28"));
    }
    let max = match s.late_fee_kind {
        LateFeeKind::Percent => 10_000,
        _ => Rupiah::MAX_INPUT,
    };
    if !(0..=max).contains(&s.late_fee_value) {
        return Err(ApiError::bad_input(
            "lateFeeValue",
            "rupiah (<= 1,000,000,000,000) for FLAT, basis points (<= 10000) for PERCENT",
        ));
    }
    db.execute_raw(stmt(
        "UPDATE settings SET billing_day = $1, due_day = $2, late_fee_kind = $3, late_fee_value = $4",
        [s.billing_day.into(), s.due_day.into(), s.late_fee_kind.into(), s.late_fee_value.into()],
    ))
    .await?;
    settings(db).await
}

#[derive(Debug, Clone, FromQueryResult)]
struct TariffRow {
    id: i64,
    name: String,
    kind: TariffKind,
    rate: i64,
    ppn_rate_bp: i32,
    unit_type: Option<UnitType>,
}

/// A tariff as managers list it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TariffListRow {
    pub id: i64,
    pub name: String,
    pub kind: TariffKind,
    pub rate: i64,
    pub ppn_rate_bp: i32,
    pub unit_type: Option<UnitType>,
    pub active: bool,
}

/// Tariffs by name (active ones first), inactive ones only when asked for.
pub async fn list_tariffs(
    db: &impl ConnectionTrait,
    include_inactive: bool,
) -> ApiResult<Vec<TariffListRow>> {
    Ok(TariffListRow::find_by_statement(stmt(
        "SELECT id, name, kind, rate, ppn_rate_bp, unit_type, active FROM tariffs \
         WHERE active OR $1 ORDER BY active DESC, name, id",
        [include_inactive.into()],
    ))
    .all(db)
    .await?)
}

/// How many units bill generation has left after unit `after_unit` (by id).
pub async fn units_to_bill(db: &impl ConnectionTrait, after_unit: i64) -> ApiResult<i64> {
    let row = db
        .query_one_raw(stmt(
            "SELECT count(*) AS n FROM units WHERE archived_at IS NULL AND id > $1",
            [after_unit.into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("units"))?;
    Ok(row.try_get("", "n")?)
}

pub async fn active_tariffs(db: &impl ConnectionTrait) -> ApiResult<Vec<Tariff>> {
    let rows = TariffRow::find_by_statement(stmt(
        "SELECT id, name, kind, rate, ppn_rate_bp, unit_type FROM tariffs WHERE active ORDER BY id",
        [],
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Tariff {
                id: r.id,
                name: r.name,
                kind: r.kind,
                rate: r.rate,
                ppn_rate_bp: u32::try_from(r.ppn_rate_bp).ok()?,
                unit_type: r.unit_type,
            })
        })
        .collect())
}

pub struct NewTariff {
    pub name: String,
    pub kind: TariffKind,
    pub rate: i64,
    pub ppn_rate_bp: i32,
    pub unit_type: Option<UnitType>,
}

pub async fn create_tariff(db: &impl ConnectionTrait, t: NewTariff) -> ApiResult<i64> {
    let name = t.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad_input("name", "1 to 100 characters"));
    }
    if t.rate < 0 {
        return Err(ApiError::bad_input("rate", "must not be negative"));
    }
    if !(0..=10_000).contains(&t.ppn_rate_bp) {
        return Err(ApiError::bad_input(
            "ppnRateBp",
            "basis points between 0 and 10000 (1100 = 11%)",
        ));
    }
    let row = db
        .query_one_raw(stmt(
            "INSERT INTO tariffs (name, kind, rate, ppn_rate_bp, unit_type) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            [name.into(), t.kind.into(), t.rate.into(), t.ppn_rate_bp.into(), t.unit_type.into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("tariff"))?;
    Ok(row.try_get("", "id")?)
}

pub async fn set_tariff_active(db: &impl ConnectionTrait, id: i64, active: bool) -> ApiResult<()> {
    let res = db
        .execute_raw(stmt(
            "UPDATE tariffs SET active = $2 WHERE id = $1",
            [id.into(), active.into()],
        ))
        .await?;
    if res.rows_affected() == 0 {
        return Err(ApiError::NotFound("tariff"));
    }
    Ok(())
}

async fn tariff_kind(db: &impl ConnectionTrait, id: i64) -> ApiResult<TariffKind> {
    let row = db
        .query_one_raw(stmt("SELECT kind FROM tariffs WHERE id = $1", [id.into()]))
        .await?
        .ok_or(ApiError::bad_input("tariffId", "no such tariff"))?;
    Ok(row.try_get("", "kind")?)
}

async fn ensure_unit(db: &impl ConnectionTrait, id: i64) -> ApiResult<()> {
    db.query_one_raw(stmt(
        "SELECT 1 AS one FROM units WHERE id = $1",
        [id.into()],
    ))
    .await?
    .map(|_| ())
    .ok_or(ApiError::bad_input("unitId", "no such unit"))
}

/// Records (or corrects) a unit's meter usage for a METERED tariff and period.
pub async fn record_reading(
    db: &impl ConnectionTrait,
    unit_id: i64,
    tariff_id: i64,
    period: Period,
    usage: Decimal,
) -> ApiResult<()> {
    if usage < Decimal::ZERO {
        return Err(ApiError::bad_input("usage", "must not be negative"));
    }
    if tariff_kind(db, tariff_id).await? != TariffKind::Metered {
        return Err(ApiError::bad_input("tariffId", "not a METERED tariff"));
    }
    ensure_unit(db, unit_id).await?;
    db.execute_raw(stmt(
        "INSERT INTO meter_readings (unit_id, tariff_id, period, usage) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (unit_id, tariff_id, period) DO UPDATE SET usage = EXCLUDED.usage",
        [
            unit_id.into(),
            tariff_id.into(),
            period.to_string().into(),
            usage.round_dp(2).into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn add_one_off(
    db: &impl ConnectionTrait,
    unit_id: i64,
    tariff_id: i64,
    period: Period,
    quantity: i32,
    note: Option<String>,
) -> ApiResult<()> {
    if quantity <= 0 {
        return Err(ApiError::bad_input("quantity", "must be positive"));
    }
    if tariff_kind(db, tariff_id).await? != TariffKind::OneOff {
        return Err(ApiError::bad_input("tariffId", "not a ONE_OFF tariff"));
    }
    ensure_unit(db, unit_id).await?;
    db.execute_raw(stmt(
        "INSERT INTO one_off_charges (unit_id, tariff_id, period, quantity, note) VALUES ($1, $2, $3, $4, $5)",
        [unit_id.into(), tariff_id.into(), period.to_string().into(), quantity.into(), note.into()],
    ))
    .await?;
    Ok(())
}

// ---- bill generation ------------------------------------------------------------------

/// What one generation batch did.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub units: usize,
    pub bills_created: usize,
    /// The last unit id seen; the next batch starts after it. `None`: no units were left.
    pub last_unit: Option<i64>,
    /// Units that got no bill because an amount would leave the exact range
    /// ([`Rupiah::MAX_TOTAL`]), each with the tariff that overflowed (0: the total).
    /// The batch goes on: one unit's data never fails the generation.
    pub refused: Vec<(i64, i64)>,
}

#[derive(FromQueryResult)]
struct UnitRow {
    id: i64,
    unit_type: UnitType,
    area_m2: Decimal,
}

#[derive(FromQueryResult)]
struct UsageRow {
    unit_id: i64,
    tariff_id: i64,
    usage: Decimal,
}

#[derive(FromQueryResult)]
struct OneOffRow {
    unit_id: i64,
    tariff_id: i64,
    quantity: i64,
}

/// A booking's item waiting for its unit's next bill.
#[derive(FromQueryResult)]
struct ChargeRow {
    id: i64,
    unit_id: i64,
    description: String,
    amount: i64,
    ppn_rate_bp: i32,
    ppn: i64,
}

#[derive(FromQueryResult)]
struct CreatedBill {
    id: i64,
    unit_id: i64,
}

/// Generates the bills of up to `limit` units after `after_unit` (by id) for `period`.
///
/// Idempotent: a unit that already has a bill for the period is skipped by the database's
/// `UNIQUE (unit_id, period)` (`ON CONFLICT DO NOTHING`), and items are inserted only for
/// the bills this call created. Memory is bounded by `limit`.
pub async fn generate_batch(
    db: &impl ConnectionTrait,
    tariffs: &[Tariff],
    period: Period,
    due_on: NaiveDate,
    after_unit: i64,
    limit: u64,
) -> ApiResult<Batch> {
    let units = UnitRow::find_by_statement(stmt(
        "SELECT id, unit_type, area_m2 FROM units WHERE archived_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
        [after_unit.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()],
    ))
    .all(db)
    .await?;
    let Some(last) = units.last().map(|u| u.id) else {
        return Ok(Batch::default());
    };
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let p = period.to_string();
    let mut facts: HashMap<i64, UnitFacts> = units
        .iter()
        .map(|u| {
            (
                u.id,
                UnitFacts {
                    unit_type: u.unit_type,
                    area_m2: u.area_m2,
                    ..Default::default()
                },
            )
        })
        .collect();
    if tariffs.iter().any(|t| t.kind == TariffKind::Metered) {
        let usages = UsageRow::find_by_statement(stmt(
            "SELECT unit_id, tariff_id, usage FROM meter_readings WHERE period = $1 AND unit_id = ANY($2)",
            [p.clone().into(), ids.clone().into()],
        ))
        .all(db)
        .await?;
        for u in usages {
            if let Some(f) = facts.get_mut(&u.unit_id) {
                f.usage.insert(u.tariff_id, u.usage);
            }
        }
    }
    if tariffs.iter().any(|t| t.kind == TariffKind::OneOff) {
        let charges = OneOffRow::find_by_statement(stmt(
            "SELECT unit_id, tariff_id, sum(quantity)::bigint AS quantity FROM one_off_charges \
             WHERE period = $1 AND unit_id = ANY($2) GROUP BY unit_id, tariff_id",
            [p.clone().into(), ids.clone().into()],
        ))
        .all(db)
        .await?;
        for c in charges {
            if let Some(f) = facts.get_mut(&c.unit_id) {
                f.one_offs.insert(c.tariff_id, c.quantity);
            }
        }
    }

    // Bookings charged to the bill: locked, so a concurrent generation (another period)
    // waits and then finds them billed; attached below to the bills this batch creates.
    let charges = ChargeRow::find_by_statement(stmt(
        "SELECT id, unit_id, description, amount, ppn_rate_bp, ppn FROM booking_charges \
         WHERE bill_id IS NULL AND unit_id = ANY($1) ORDER BY id FOR UPDATE",
        [ids.clone().into()],
    ))
    .all(db)
    .await?;
    let mut charge_ids_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for c in charges {
        if let Some(f) = facts.get_mut(&c.unit_id) {
            charge_ids_of.entry(c.unit_id).or_default().push(c.id);
            f.charges.push(factory::Item {
                tariff_id: None,
                kind: TariffKind::OneOff,
                description: c.description,
                quantity: Decimal::ONE,
                unit_price: c.amount,
                amount: c.amount,
                ppn_rate_bp: u32::try_from(c.ppn_rate_bp).unwrap_or(0),
                ppn: c.ppn,
            });
        }
    }

    let mut items_of: HashMap<i64, Vec<factory::Item>> = HashMap::new();
    let mut refused = Vec::new();
    let (mut b_unit, mut b_sub, mut b_ppn, mut b_total) = (vec![], vec![], vec![], vec![]);
    for u in &units {
        let Some(f) = facts.get(&u.id) else { continue };
        let priced =
            factory::items_for(f, tariffs).and_then(|items| Ok((factory::totals(&items)?, items)));
        let (t, items) = match priced {
            Ok(priced) => priced,
            Err(factory::FactoryError::Overflow(tariff)) => {
                tracing::warn!(
                    unit = u.id,
                    tariff,
                    "bill amount out of range; unit skipped"
                );
                refused.push((u.id, tariff));
                continue;
            }
        };
        if items.is_empty() {
            continue;
        }
        b_unit.push(u.id);
        b_sub.push(t.subtotal);
        b_ppn.push(t.ppn);
        b_total.push(t.total);
        items_of.insert(u.id, items);
    }
    if b_unit.is_empty() {
        return Ok(Batch {
            units: units.len(),
            bills_created: 0,
            last_unit: Some(last),
            refused,
        });
    }
    let created = CreatedBill::find_by_statement(stmt(
        "INSERT INTO bills (unit_id, period, due_on, subtotal, ppn, total) \
         SELECT u, $2, $3, s, p, t FROM UNNEST($1::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) AS x(u, s, p, t) \
         ON CONFLICT (unit_id, period) DO NOTHING RETURNING id, unit_id",
        [b_unit.into(), p.into(), due_on.into(), b_sub.into(), b_ppn.into(), b_total.into()],
    ))
    .all(db)
    .await?;

    let mut cols = ItemColumns::default();
    let (mut charged, mut charged_bill) = (Vec::new(), Vec::new());
    for bill in &created {
        for item in items_of.remove(&bill.unit_id).unwrap_or_default() {
            cols.push(bill.id, item);
        }
        for charge in charge_ids_of.remove(&bill.unit_id).unwrap_or_default() {
            charged.push(charge);
            charged_bill.push(bill.id);
        }
    }
    if !charged.is_empty() {
        db.execute_raw(stmt(
            "UPDATE booking_charges c SET bill_id = x.bill FROM UNNEST($1::bigint[], $2::bigint[]) AS x(id, bill) \
             WHERE c.id = x.id",
            [charged.into(), charged_bill.into()],
        ))
        .await?;
    }
    if !cols.bill.is_empty() {
        db.execute_raw(stmt(
            "INSERT INTO bill_items (bill_id, tariff_id, kind, description, quantity, unit_price, amount, ppn_rate_bp, ppn) \
             SELECT b, NULLIF(t, 0), k, d, q, u, a, r, p \
             FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::numeric[], $6::bigint[], \
                         $7::bigint[], $8::int[], $9::bigint[]) AS x(b, t, k, d, q, u, a, r, p)",
            cols.into_values(),
        ))
        .await?;
    }
    Ok(Batch {
        units: units.len(),
        bills_created: created.len(),
        last_unit: Some(last),
        refused,
    })
}

/// Bill items as column arrays, for one `INSERT ... SELECT FROM UNNEST(...)`.
#[derive(Default)]
struct ItemColumns {
    bill: Vec<i64>,
    tariff: Vec<Option<i64>>,
    kind: Vec<String>,
    description: Vec<String>,
    quantity: Vec<Decimal>,
    unit_price: Vec<i64>,
    amount: Vec<i64>,
    ppn_rate_bp: Vec<i32>,
    ppn: Vec<i64>,
}

impl ItemColumns {
    fn push(&mut self, bill_id: i64, i: factory::Item) {
        self.bill.push(bill_id);
        self.tariff.push(i.tariff_id);
        self.kind.push(BillItemKind::from(i.kind).to_value());
        self.description.push(i.description);
        self.quantity.push(i.quantity);
        self.unit_price.push(i.unit_price);
        self.amount.push(i.amount);
        self.ppn_rate_bp
            .push(i32::try_from(i.ppn_rate_bp).unwrap_or(i32::MAX));
        self.ppn.push(i.ppn);
    }

    fn into_values(self) -> [sea_orm::Value; 9] {
        [
            self.bill.into(),
            // The driver binds no arrays with NULL elements: 0 (never an identity id)
            // stands for "no tariff", turned back into NULL by the INSERT.
            self.tariff
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect::<Vec<i64>>()
                .into(),
            self.kind.into(),
            self.description.into(),
            self.quantity.into(),
            self.unit_price.into(),
            self.amount.into(),
            self.ppn_rate_bp.into(),
            self.ppn.into(),
        ]
    }
}

/// The due date of `period`'s bills under `settings`.
pub fn due_on(settings: &Settings, period: Period) -> ApiResult<NaiveDate> {
    period
        .day(u32::try_from(settings.due_day).unwrap_or(10))
        .ok_or(ApiError::bad_input("period", "no such day in this period"))
}

// ---- payments -------------------------------------------------------------------------

/// Locks a bill for a payment decision.
pub async fn lock_bill(db: &impl ConnectionTrait, id: i64) -> ApiResult<bill::Model> {
    use sea_orm::{EntityTrait, QuerySelect};
    bill::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("bill"))
}

/// The status a bill has once `paid` of its `total` is paid.
pub fn status_after(current: BillStatus, paid: i64, total: i64) -> BillStatus {
    use BillStatus as S;
    match current {
        S::Void => S::Void,
        _ if paid >= total => S::Paid,
        S::Overdue => S::Overdue,
        _ if paid > 0 => S::PartiallyPaid,
        _ => S::Unpaid,
    }
}

pub struct NewPayment {
    pub method: PaymentMethod,
    pub amount: Rupiah,
    pub reference: Option<String>,
    pub midtrans_order_id: Option<String>,
    pub recorded_by: Option<i64>,
}

/// A payment settled on a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub payment_id: i64,
    pub amount: i64,
    /// The bill as the payment left it.
    pub bill: bill::Model,
}

impl Settled {
    /// What subscribers hear once the settling transaction committed.
    pub fn event(&self) -> DomainEvent {
        DomainEvent::BillPaid {
            bill_id: self.bill.id,
            unit_id: self.bill.unit_id,
            amount: self.amount,
            status: self.bill.status,
        }
    }
}

/// Settles a payment from any source (cash, transfer, Midtrans) on a bill locked with
/// [`lock_bill`]: never above the outstanding amount, never on a void bill. Writes the
/// payment, the bill's new `paid` and status, and the receipt with its delivery job, all
/// in the caller's transaction; the caller publishes [`Settled::event`] after commit.
/// The one way money reaches a bill.
pub async fn settle(
    db: &impl ConnectionTrait,
    tenant: &str,
    locked: &bill::Model,
    p: NewPayment,
) -> ApiResult<Settled> {
    if locked.status == BillStatus::Void {
        return Err(ApiError::bad_input("billId", "the bill is void"));
    }
    let outstanding = locked.total - locked.paid;
    if p.amount.0 > outstanding {
        return Err(ApiError::bad_input(
            "amount",
            format!("exceeds the outstanding Rp {outstanding}"),
        ));
    }
    let row = db
        .query_one_raw(stmt(
            "INSERT INTO payments (bill_id, method, amount, reference, midtrans_order_id, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            [
                locked.id.into(),
                p.method.into(),
                p.amount.0.into(),
                p.reference.into(),
                p.midtrans_order_id.into(),
                p.recorded_by.into(),
            ],
        ))
        .await?
        .ok_or(ApiError::NotFound("payment"))?;
    let payment_id: i64 = row.try_get("", "id")?;
    let paid = locked.paid + p.amount.0;
    let status = status_after(locked.status, paid, locked.total);
    db.execute_raw(stmt(
        "UPDATE bills SET paid = $2, status = $3 WHERE id = $1",
        [locked.id.into(), paid.into(), status.into()],
    ))
    .await?;
    super::notify::queue_receipt(db, locked, payment_id, p.amount).await?;
    super::notify::schedule_delivery(db, tenant).await?;
    let mut bill = locked.clone();
    bill.paid = paid;
    bill.status = status;
    Ok(Settled {
        payment_id,
        amount: p.amount.0,
        bill,
    })
}

pub async fn void_bill(db: &impl ConnectionTrait, id: i64, reason: &str) -> ApiResult<bill::Model> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::bad_input("reason", "a void needs a reason"));
    }
    let locked = lock_bill(db, id).await?;
    if locked.status == BillStatus::Void {
        return Err(ApiError::Conflict("the bill is already void".into()));
    }
    if locked.paid > 0 {
        return Err(ApiError::Conflict(
            "a bill with payments cannot be voided".into(),
        ));
    }
    db.execute_raw(stmt(
        "UPDATE bills SET status = $3, void_reason = $2 WHERE id = $1",
        [id.into(), reason.into(), BillStatus::Void.into()],
    ))
    .await?;
    let mut bill = locked;
    bill.status = BillStatus::Void;
    bill.void_reason = Some(reason.to_owned());
    Ok(bill)
}

// ---- sweeps ---------------------------------------------------------------------------

/// Marks bills past their due date OVERDUE and applies the tenant's late fee, once: only
/// UNPAID and PARTIALLY_PAID bills move, and OVERDUE never moves back. Returns how many.
/// The fee is computed in `numeric` and never lifts a total above [`Rupiah::MAX_TOTAL`],
/// so no stored amount can make the sweep fail.
pub async fn overdue_sweep(db: &impl ConnectionTrait, today: NaiveDate) -> ApiResult<u64> {
    let res = db
        .execute_raw(stmt(
            "WITH s AS (SELECT late_fee_kind AS k, late_fee_value AS v FROM settings), \
             fee AS ( \
                SELECT b.id, GREATEST(0, LEAST($2 - b.total, CASE s.k WHEN 'FLAT' THEN s.v \
                         WHEN 'PERCENT' THEN div(b.total::numeric * s.v + 5000, 10000) ELSE 0 END))::bigint AS f \
                FROM bills b, s \
                WHERE b.status IN ('UNPAID', 'PARTIALLY_PAID') AND b.due_on < $1), \
             due AS ( \
                UPDATE bills b SET status = 'OVERDUE', late_fee = fee.f, total = b.total + fee.f \
                FROM fee WHERE b.id = fee.id \
                RETURNING b.id, b.late_fee) \
             INSERT INTO bill_items (bill_id, kind, description, quantity, unit_price, amount) \
             SELECT id, 'LATE_FEE', 'Denda keterlambatan', 1, late_fee, late_fee FROM due WHERE late_fee > 0",
            [today.into(), Rupiah::MAX_TOTAL.into()],
        ))
        .await?;
    Ok(res.rows_affected())
}

// ---- reports --------------------------------------------------------------------------

#[derive(Debug, Clone, Default, FromQueryResult)]
pub struct CollectionRow {
    pub bills: i64,
    pub billed: i64,
    pub collected: i64,
    pub refunded: i64,
    pub current: i64,
    pub days_1_30: i64,
    pub days_31_60: i64,
    pub days_61_90: i64,
    pub days_over_90: i64,
}

/// Billed, collected (net of refunds) and refunded for `period` (void bills excluded), and the arrears of every
/// period up to it, aged by days past due as of `today`.
pub async fn collection_report(
    db: &impl ConnectionTrait,
    period: Period,
    today: NaiveDate,
) -> ApiResult<CollectionRow> {
    Ok(CollectionRow::find_by_statement(stmt(
        "SELECT count(*) FILTER (WHERE period = $1)::bigint AS bills, \
                coalesce(sum(total) FILTER (WHERE period = $1), 0)::bigint AS billed, \
                coalesce(sum(paid) FILTER (WHERE period = $1), 0)::bigint AS collected, \
                (SELECT coalesce(sum(r.amount), 0) FROM refunds r JOIN bills rb ON rb.id = r.bill_id \
                  WHERE rb.period = $1 AND rb.status <> 'VOID')::bigint AS refunded, \
                coalesce(sum(total - paid) FILTER (WHERE due_on >= $2), 0)::bigint AS current, \
                coalesce(sum(total - paid) FILTER (WHERE $2 - due_on BETWEEN 1 AND 30), 0)::bigint AS days_1_30, \
                coalesce(sum(total - paid) FILTER (WHERE $2 - due_on BETWEEN 31 AND 60), 0)::bigint AS days_31_60, \
                coalesce(sum(total - paid) FILTER (WHERE $2 - due_on BETWEEN 61 AND 90), 0)::bigint AS days_61_90, \
                coalesce(sum(total - paid) FILTER (WHERE $2 - due_on > 90), 0)::bigint AS days_over_90 \
         FROM bills WHERE status <> 'VOID' AND period <= $1",
        [period.to_string().into(), today.into()],
    ))
    .one(db)
    .await?
    .unwrap_or_default())
}

/// `collected / billed` in percent with two decimals (exact decimal arithmetic); zero
/// when nothing was billed.
pub fn collection_rate(collected: i64, billed: i64) -> Decimal {
    if billed == 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(collected) * Decimal::ONE_HUNDRED / Decimal::from(billed)).round_dp(2)
    }
}

/// Today in the tenant's time zone.
pub async fn tenant_today(db: &impl ConnectionTrait, time_zone: &str) -> ApiResult<NaiveDate> {
    let row = db
        .query_one_raw(stmt(
            "SELECT (now() AT TIME ZONE $1)::date AS today",
            [time_zone.into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("today"))?;
    Ok(row.try_get("", "today")?)
}

// ---- refunds --------------------------------------------------------------------------

pub struct NewRefund {
    pub payment_id: i64,
    pub amount: Rupiah,
    pub source: RefundSource,
    /// For a Midtrans refund: what it covers (`<order id>:<refunded so far>`), unique.
    pub midtrans_key: Option<String>,
    pub reason: Option<String>,
    pub created_by: Option<i64>,
}

/// A refund recorded on a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refunded {
    pub refund_id: i64,
    /// The bill as the refund left it.
    pub bill: bill::Model,
}

impl Refunded {
    /// What subscribers hear once the refunding transaction committed.
    pub fn event(&self) -> DomainEvent {
        DomainEvent::BillChanged {
            bill_id: self.bill.id,
            unit_id: self.bill.unit_id,
        }
    }
}

#[derive(FromQueryResult)]
struct RefundablePayment {
    amount: i64,
    method: PaymentMethod,
    refunded: i64,
}

/// What payment `payment_id` of `bill_id` brought in and how much of it was given back.
async fn refundable(
    db: &impl ConnectionTrait,
    bill_id: i64,
    payment_id: i64,
) -> ApiResult<RefundablePayment> {
    RefundablePayment::find_by_statement(stmt(
        "SELECT p.amount, p.method, \
                (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.payment_id = p.id)::bigint AS refunded \
         FROM payments p WHERE p.id = $1 AND p.bill_id = $2",
        [payment_id.into(), bill_id.into()],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::NotFound("payment"))
}

/// Records a refund of part or all of one payment of a bill locked with [`lock_bill`]:
/// the payment's refunds never add up to more than it brought in, the bill's `paid` drops
/// by exactly the refund and its status follows (PAID -> PARTIALLY_PAID or UNPAID). The
/// bill's lock serialises every payment and refund of it, so concurrent refunds add up
/// instead of each checking against the same stale total. The one way money leaves a bill.
pub async fn refund(
    db: &impl ConnectionTrait,
    locked: &bill::Model,
    r: NewRefund,
) -> ApiResult<Refunded> {
    let payment = refundable(db, locked.id, r.payment_id).await?;
    let left = payment.amount - payment.refunded;
    if r.amount.0 <= 0 || r.amount.0 > left {
        return Err(ApiError::bad_input(
            "amount",
            format!("between Rp 1 and the Rp {left} of this payment not yet refunded"),
        ));
    }
    let row = db
        .query_one_raw(stmt(
            "INSERT INTO refunds (bill_id, payment_id, amount, source, midtrans_key, reason, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            [
                locked.id.into(),
                r.payment_id.into(),
                r.amount.0.into(),
                r.source.into(),
                r.midtrans_key.into(),
                r.reason.into(),
                r.created_by.into(),
            ],
        ))
        .await?
        .ok_or(ApiError::NotFound("refund"))?;
    let refund_id: i64 = row.try_get("", "id")?;
    if r.amount.0 == left {
        db.execute_raw(stmt(
            "UPDATE payments SET refunded_at = now() WHERE id = $1",
            [r.payment_id.into()],
        ))
        .await?;
    }
    let paid = locked.paid - r.amount.0;
    let status = status_after(locked.status, paid, locked.total);
    db.execute_raw(stmt(
        "UPDATE bills SET paid = $2, status = $3 WHERE id = $1",
        [locked.id.into(), paid.into(), status.into()],
    ))
    .await?;
    let mut bill = locked.clone();
    bill.paid = paid;
    bill.status = status;
    Ok(Refunded { refund_id, bill })
}

/// A manager's refund of cash or a transfer: `payment_id` is a payment of a bill the
/// caller may see, not a Midtrans one (those are refunded in Midtrans, whose notification
/// records the refund).
pub async fn record_refund(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    payment_id: i64,
    amount: Rupiah,
    reason: &str,
    created_by: i64,
) -> ApiResult<Refunded> {
    let reason = crate::common::types::required_text("reason", reason, 500)?;
    let amount = Rupiah::positive("amount", amount.0)?;
    let bill_id = db
        .query_one_raw(stmt(
            "SELECT bill_id FROM payments WHERE id = $1",
            [payment_id.into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("payment"))?
        .try_get::<i64>("", "bill_id")?;
    get_bill(db, viewer, bill_id)
        .await
        .map_err(|_| ApiError::NotFound("payment"))?;
    let locked = lock_bill(db, bill_id).await?;
    if refundable(db, bill_id, payment_id).await?.method == PaymentMethod::Midtrans {
        return Err(ApiError::bad_input(
            "paymentId",
            "a Midtrans payment is refunded in Midtrans; its notification records the refund",
        ));
    }
    refund(
        db,
        &locked,
        NewRefund {
            payment_id,
            amount,
            source: RefundSource::Manual,
            midtrans_key: None,
            reason: Some(reason),
            created_by: Some(created_by),
        },
    )
    .await
}

#[derive(FromQueryResult)]
struct OrderPayment {
    id: i64,
    bill_id: i64,
    amount: i64,
}

/// Applies a Midtrans refund of order `order_id` (of `gross` rupiah) that has given back
/// `refunded_so_far` in all, as Midtrans reports it: records what was not recorded yet,
/// so each notification counts once whatever the order or number of deliveries. When a
/// payment made first left the order's settlement only part of its amount to apply, the
/// part never applied to the bill is what a refund gives back first. `None`: nothing new.
pub async fn refund_order(
    db: &impl ConnectionTrait,
    order_id: &str,
    gross: i64,
    refunded_so_far: i64,
) -> ApiResult<Option<Refunded>> {
    let Some(payment) = OrderPayment::find_by_statement(stmt(
        "SELECT id, bill_id, amount FROM payments WHERE midtrans_order_id = $1",
        [order_id.into()],
    ))
    .one(db)
    .await?
    else {
        return Ok(None);
    };
    let locked = lock_bill(db, payment.bill_id).await?;
    let never_applied = gross - payment.amount;
    let due_back = (refunded_so_far - never_applied).clamp(0, payment.amount);
    let recorded = refundable(db, payment.bill_id, payment.id).await?.refunded;
    if due_back <= recorded {
        return Ok(None);
    }
    refund(
        db,
        &locked,
        NewRefund {
            payment_id: payment.id,
            amount: Rupiah(due_back - recorded),
            source: RefundSource::Midtrans,
            midtrans_key: Some(format!("{order_id}:{refunded_so_far}")),
            reason: None,
            created_by: None,
        },
    )
    .await
    .map(Some)
}

#[cfg(test)]
mod tests {
    use super::status_after;
    use klustera_entities::states::BillStatus;

    #[test]
    fn a_bill_is_paid_exactly_when_nothing_is_owed() {
        for (current, paid, total, after) in [
            ("UNPAID", 0, 100, "UNPAID"),
            ("UNPAID", 1, 100, "PARTIALLY_PAID"),
            ("UNPAID", 99, 100, "PARTIALLY_PAID"),
            ("UNPAID", 100, 100, "PAID"),
            ("PARTIALLY_PAID", 0, 100, "UNPAID"),
            ("PARTIALLY_PAID", 100, 100, "PAID"),
            ("PAID", 40, 100, "PARTIALLY_PAID"),
            // OVERDUE stays so until it is paid in full; a late fee keeps it owed.
            ("OVERDUE", 0, 100, "OVERDUE"),
            ("OVERDUE", 99, 100, "OVERDUE"),
            ("OVERDUE", 100, 100, "PAID"),
            ("VOID", 0, 100, "VOID"),
            ("VOID", 100, 100, "VOID"),
        ] {
            let current = BillStatus::parse(current).unwrap();
            assert_eq!(
                status_after(current, paid, total).as_str(),
                after,
                "{current:?} with {paid} of {total} paid"
            );
        }
    }
}
