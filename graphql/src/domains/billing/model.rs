//! GraphQL objects of billing, built from entities.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use klustera_entities::tenant::bill;

use super::loaders::{
    BillsOfUnit, ItemColumn, ItemsOfBill, MAX_RECENT_BILLS, PaymentColumn, PaymentsOfBill,
};
use crate::common::batch::Row;
use crate::common::by_id::UnitById;
use crate::common::context::ContextExt;
use crate::common::error::ApiError;
use crate::common::ids::{BillId, BillItemId, PaymentId, TariffId};
use crate::common::inline::Inline;
use crate::common::rows::Kept;
use crate::common::types::Rupiah;
use crate::domains::property::model::Unit;

/// `Unit.bills` without `last`.
pub const DEFAULT_RECENT_BILLS: u8 = 3;

/// A unit's `last` most recent bills, newest first, through the request's loader: what
/// `Unit.bills` answers (property's object, billing's rows), so that no other domain needs
/// billing's loaders. `last` above [`MAX_RECENT_BILLS`] is `BAD_USER_INPUT`.
pub async fn recent_bills_of_unit(
    ctx: &Context<'_>,
    unit_id: i64,
    last: usize,
) -> Result<Vec<Inline<Bill>>> {
    let last = u8::try_from(last)
        .ok()
        .filter(|n| *n <= MAX_RECENT_BILLS)
        .ok_or_else(|| ApiError::bad_input("last", format!("at most {MAX_RECENT_BILLS}")))?;
    let bills = ctx
        .loader()?
        .load_one(BillsOfUnit(unit_id, last))
        .await?
        .unwrap_or_default();
    Ok(bills.rows().map(|b| Inline(Bill(b))).collect())
}

pub use klustera_entities::states::{BillItemKind, BillStatus, PaymentMethod, TariffKind};

/// A monthly bill of one unit.
pub struct Bill(pub Row<bill::Model>);

#[Object]
impl Bill {
    pub async fn id(&self) -> BillId {
        BillId::new(self.0.id)
    }
    /// `YYYY-MM`.
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn due_on(&self) -> NaiveDate {
        self.0.due_on
    }
    async fn status(&self) -> BillStatus {
        self.0.status
    }
    async fn subtotal(&self) -> Rupiah {
        Rupiah(self.0.subtotal)
    }
    async fn ppn(&self) -> Rupiah {
        Rupiah(self.0.ppn)
    }
    async fn late_fee(&self) -> Rupiah {
        Rupiah(self.0.late_fee)
    }
    /// subtotal + ppn + lateFee.
    async fn total(&self) -> Rupiah {
        Rupiah(self.0.total)
    }
    async fn paid(&self) -> Rupiah {
        Rupiah(self.0.paid)
    }
    async fn outstanding(&self) -> Rupiah {
        Rupiah(self.0.total - self.0.paid)
    }
    async fn void_reason(&self) -> Option<&str> {
        self.0.void_reason.as_deref()
    }
    async fn unit(&self, ctx: &Context<'_>) -> Result<Unit> {
        let unit = ctx.loader()?.load_one(UnitById(self.0.unit_id)).await?;
        unit.map(Unit)
            .ok_or_else(|| ApiError::NotFound("unit").into())
    }
    async fn items(&self, ctx: &Context<'_>) -> Result<Vec<Inline<BillItem>>> {
        let items = ctx
            .loader()?
            .load_one(ItemsOfBill(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(items.rows().map(|i| Inline(BillItem(i))).collect())
    }
    async fn payments(&self, ctx: &Context<'_>) -> Result<Vec<Inline<Payment>>> {
        let payments = ctx
            .loader()?
            .load_one(PaymentsOfBill(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(payments.rows().map(|p| Inline(Payment(p))).collect())
    }
}

/// One line of a bill, answered from its row as PostgreSQL sent it.
pub struct BillItem(pub Row<Kept<ItemColumn>>);

#[Object]
impl BillItem {
    async fn id(&self) -> Result<BillItemId> {
        Ok(BillItemId::new(self.0.get(ItemColumn::Id)?))
    }
    async fn kind(&self) -> Result<BillItemKind> {
        Ok(self.0.get(ItemColumn::Kind)?)
    }
    async fn description(&self) -> Result<&str> {
        Ok(self.0.get(ItemColumn::Description)?)
    }
    async fn quantity(&self) -> Result<Decimal> {
        Ok(self.0.get(ItemColumn::Quantity)?)
    }
    async fn unit_price(&self) -> Result<Rupiah> {
        Ok(Rupiah(self.0.get(ItemColumn::UnitPrice)?))
    }
    async fn amount(&self) -> Result<Rupiah> {
        Ok(Rupiah(self.0.get(ItemColumn::Amount)?))
    }
    /// PPN rate in basis points (1100 = 11%).
    async fn ppn_rate_bp(&self) -> Result<i32> {
        Ok(self.0.get(ItemColumn::PpnRateBp)?)
    }
    async fn ppn(&self) -> Result<Rupiah> {
        Ok(Rupiah(self.0.get(ItemColumn::Ppn)?))
    }
}

/// Money received for a bill, answered from its row as PostgreSQL sent it.
pub struct Payment(pub Row<Kept<PaymentColumn>>);

type Timestamp = chrono::DateTime<chrono::FixedOffset>;

#[Object]
impl Payment {
    pub async fn id(&self) -> Result<PaymentId> {
        Ok(PaymentId::new(self.0.get(PaymentColumn::Id)?))
    }
    async fn method(&self) -> Result<PaymentMethod> {
        Ok(self.0.get(PaymentColumn::Method)?)
    }
    async fn amount(&self) -> Result<Rupiah> {
        Ok(Rupiah(self.0.get(PaymentColumn::Amount)?))
    }
    async fn reference(&self) -> Result<Option<&str>> {
        Ok(self.0.get(PaymentColumn::Reference)?)
    }
    async fn paid_at(&self) -> Result<Timestamp> {
        Ok(self.0.get(PaymentColumn::PaidAt)?)
    }
    async fn refunded(&self) -> Result<bool> {
        let at: Option<Timestamp> = self.0.get(PaymentColumn::RefundedAt)?;
        Ok(at.is_some())
    }
}

/// A Midtrans Snap checkout: open `redirectUrl` or use `token` with Snap.js.
#[derive(SimpleObject)]
pub struct Checkout {
    pub order_id: String,
    pub gross_amount: Rupiah,
    pub token: String,
    pub redirect_url: String,
}

#[derive(SimpleObject)]
pub struct Aging {
    /// Not yet due.
    pub current: Rupiah,
    pub days_1_to_30: Rupiah,
    pub days_31_to_60: Rupiah,
    pub days_61_to_90: Rupiah,
    pub over_90_days: Rupiah,
}

#[derive(SimpleObject)]
pub struct CollectionReport {
    pub period: String,
    pub bills: i64,
    pub billed: Rupiah,
    pub collected: Rupiah,
    /// collected / billed in percent, two decimals (exact decimal, no float).
    pub collection_rate: Decimal,
    /// Outstanding amounts of all periods up to this one, by days past due, as of today.
    pub arrears: Aging,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// A charge bill generation applies to every unit (of its `unitType`, if it has one).
#[derive(SimpleObject, Debug, Clone)]
pub struct Tariff {
    pub id: TariffId,
    pub name: String,
    pub kind: super::factory::TariffKind,
    /// Rupiah per unit, per m², per meter unit or per charge.
    pub rate: Rupiah,
    /// PPN in basis points (1100 = 11%).
    pub ppn_rate_bp: i32,
    /// Only units of this type; `null`: every unit.
    pub unit_type: Option<crate::domains::property::model::UnitType>,
    /// Inactive tariffs are kept for old bills and no longer billed.
    pub active: bool,
}

impl From<super::service::TariffListRow> for Tariff {
    fn from(t: super::service::TariffListRow) -> Self {
        Self {
            id: TariffId::new(t.id),
            name: t.name,
            kind: t.kind,
            rate: Rupiah(t.rate),
            ppn_rate_bp: t.ppn_rate_bp,
            unit_type: t.unit_type,
            active: t.active,
        }
    }
}

/// When bills are generated and fall due, and the late fee.
#[derive(SimpleObject, Debug, Clone)]
pub struct BillingSettings {
    /// Day of the month bills are generated (1-28).
    pub billing_day: i16,
    /// Day of the period's month bills are due (1-28).
    pub due_day: i16,
    pub late_fee_kind: klustera_entities::states::LateFeeKind,
    /// Rupiah for FLAT, basis points of the bill total for PERCENT.
    pub late_fee_value: i64,
}

impl From<super::service::Settings> for BillingSettings {
    fn from(s: super::service::Settings) -> Self {
        Self {
            billing_day: s.billing_day,
            due_day: s.due_day,
            late_fee_kind: s.late_fee_kind,
            late_fee_value: s.late_fee_value,
        }
    }
}

/// A file, inline: decode `base64` and save it as `filename`.
#[derive(SimpleObject)]
pub struct ExportFile {
    pub filename: String,
    pub content_type: String,
    pub base64: String,
}

/// A bill's state as a `billUpdated` subscription streams it (self-contained: no loaders).
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct BillUpdate {
    pub id: BillId,
    pub status: BillStatus,
    pub total: Rupiah,
    pub paid: Rupiah,
    pub outstanding: Rupiah,
}

impl From<&bill::Model> for BillUpdate {
    fn from(b: &bill::Model) -> Self {
        Self {
            id: BillId::new(b.id),
            status: b.status,
            total: Rupiah(b.total),
            paid: Rupiah(b.paid),
            outstanding: Rupiah(b.total - b.paid),
        }
    }
}

/// A period's collection as managers watch it live (`collectionCounters`).
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct CollectionCounters {
    pub period: String,
    pub bills: i64,
    pub billed: Rupiah,
    pub collected: Rupiah,
    /// collected / billed in percent, two decimals.
    pub collection_rate: Decimal,
}
