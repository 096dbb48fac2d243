//! GraphQL objects of billing, built from entities.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use klustera_entities::tenant::bill;

use super::loaders::{
    BillsOfUnit, ItemColumn, ItemsOfBill, MAX_RECENT_BILLS, PaymentColumn, PaymentsOfBill,
    RefundColumn, RefundsOfBill,
};
use crate::common::batch::Row;
use crate::common::by_id::UnitById;
use crate::common::context::ContextExt;
use crate::common::error::ApiError;
use crate::common::ids::{BillId, BillItemId, PaymentId, RefundId, TariffId};
use crate::common::inline::{Inline, row_object};
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

pub use klustera_entities::states::{
    BillItemKind, BillStatus, PaymentMethod, RefundSource, TariffKind,
};

/// A monthly bill of one unit.
pub struct Bill(pub Row<bill::Model>);

row_object! {
    #[Object]
    Bill(b: bill::Model) {
        plain {
            "id" id: BillId = BillId::new(b.id);
            /// `YYYY-MM`.
            "period" period: &str = &b.period;
            "dueOn" due_on: NaiveDate = b.due_on;
            "status" status: BillStatus = b.status;
            "subtotal" subtotal: Rupiah = Rupiah(b.subtotal);
            "ppn" ppn: Rupiah = Rupiah(b.ppn);
            "lateFee" late_fee: Rupiah = Rupiah(b.late_fee);
            /// subtotal + ppn + lateFee.
            "total" total: Rupiah = Rupiah(b.total);
            /// What its payments brought in, less what their refunds gave back.
            "paid" paid: Rupiah = Rupiah(b.paid);
            "outstanding" outstanding: Rupiah = Rupiah(b.total - b.paid);
            "voidReason" void_reason: Option<&str> = b.void_reason.as_deref();
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
    /// Money given back, oldest first: each refund takes back part or all of one payment.
    async fn refunds(&self, ctx: &Context<'_>) -> Result<Vec<Inline<Refund>>> {
        let refunds = ctx
            .loader()?
            .load_one(RefundsOfBill(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(refunds.rows().map(|r| Inline(Refund(r))).collect())
    }
}
}

/// One line of a bill, answered from its row as PostgreSQL sent it.
pub struct BillItem(pub Row<Kept<ItemColumn>>);

row_object! {
    #[Object]
    BillItem(i: Kept<ItemColumn>) {
        plain {
            "id" id: BillItemId = BillItemId::new(i.get(ItemColumn::Id)?);
            "kind" kind: BillItemKind = i.get(ItemColumn::Kind)?;
            "description" description: &str = i.get(ItemColumn::Description)?;
            "quantity" quantity: Decimal = i.get(ItemColumn::Quantity)?;
            "unitPrice" unit_price: Rupiah = Rupiah(i.get(ItemColumn::UnitPrice)?);
            "amount" amount: Rupiah = Rupiah(i.get(ItemColumn::Amount)?);
            /// PPN rate in basis points (1100 = 11%).
            "ppnRateBp" ppn_rate_bp: i32 = i.get(ItemColumn::PpnRateBp)?;
            "ppn" ppn: Rupiah = Rupiah(i.get(ItemColumn::Ppn)?);
        }
    }
}

/// Money received for a bill, answered from its row as PostgreSQL sent it.
pub struct Payment(pub Row<Kept<PaymentColumn>>);

type Timestamp = chrono::DateTime<chrono::FixedOffset>;

row_object! {
    #[Object]
    Payment(p: Kept<PaymentColumn>) {
        plain {
            "id" id: PaymentId = PaymentId::new(p.get(PaymentColumn::Id)?);
            "method" method: PaymentMethod = p.get(PaymentColumn::Method)?;
            "amount" amount: Rupiah = Rupiah(p.get(PaymentColumn::Amount)?);
            "reference" reference: Option<&str> = p.get(PaymentColumn::Reference)?;
            "paidAt" paid_at: Timestamp = p.get(PaymentColumn::PaidAt)?;
            /// Whether its refunds gave all of it back.
            "refunded" refunded: bool =
                p.get::<Option<Timestamp>>(PaymentColumn::RefundedAt)?.is_some();
        }
    }
}

/// Money given back on a bill: from a Midtrans refund, or recorded by a manager.
pub struct Refund(pub Row<Kept<RefundColumn>>);

row_object! {
    #[Object]
    Refund(r: Kept<RefundColumn>) {
        plain {
            "id" id: RefundId = RefundId::new(r.get(RefundColumn::Id)?);
            /// The payment it takes back (part or all of).
            "paymentId" payment_id: PaymentId = PaymentId::new(r.get(RefundColumn::PaymentId)?);
            "amount" amount: Rupiah = Rupiah(r.get(RefundColumn::Amount)?);
            "source" source: RefundSource = r.get(RefundColumn::Source)?;
            "reason" reason: Option<&str> = r.get(RefundColumn::Reason)?;
            "createdAt" created_at: Timestamp = r.get(RefundColumn::CreatedAt)?;
        }
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
    /// Paid on the period's bills, net of refunds.
    pub collected: Rupiah,
    /// Given back on the period's bills (already taken out of `collected`).
    pub refunded: Rupiah,
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
