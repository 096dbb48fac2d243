//! GraphQL objects of billing, built from entities.

use async_graphql::resolver_utils::enum_value;
use async_graphql::{Context, Enum, Object, Result, ScalarType, SimpleObject, Value};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use klustera_entities::tenant::{bill, bill_item, payment};

use super::loaders::{ItemsOfBill, PaymentsOfBill, UnitById};
use crate::batch::Row;
use crate::context::ContextExt;
use crate::error::ApiError;
use crate::inline::{Inline, PlainFields};
use crate::property::model::Unit;
use crate::types::{RowId, Rupiah};

/// `Unit.bills` without `last`.
pub const DEFAULT_RECENT_BILLS: u8 = 3;

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillStatus {
    Unpaid,
    PartiallyPaid,
    Paid,
    Overdue,
    Void,
}

impl BillStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unpaid => "UNPAID",
            Self::PartiallyPaid => "PARTIALLY_PAID",
            Self::Paid => "PAID",
            Self::Overdue => "OVERDUE",
            Self::Void => "VOID",
        }
    }

    pub fn from_db(raw: &str) -> Self {
        match raw {
            "PARTIALLY_PAID" => Self::PartiallyPaid,
            "PAID" => Self::Paid,
            "OVERDUE" => Self::Overdue,
            "VOID" => Self::Void,
            _ => Self::Unpaid,
        }
    }
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TariffKindGql {
    Fixed,
    PerArea,
    Metered,
    OneOff,
}

/// A monthly bill of one unit.
pub struct Bill(pub Row<bill::Model>);

#[Object]
impl Bill {
    async fn id(&self) -> RowId {
        RowId(self.0.id)
    }
    /// `YYYY-MM`.
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn due_on(&self) -> NaiveDate {
        self.0.due_on
    }
    async fn status(&self) -> BillStatus {
        BillStatus::from_db(&self.0.status)
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

impl PlainFields for Bill {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let b = &*self.0;
        Some(match name {
            "id" => RowId(b.id).into(),
            "period" => b.period.as_str().into(),
            "dueOn" => b.due_on.to_value(),
            "status" => enum_value(BillStatus::from_db(&b.status)),
            "subtotal" => Rupiah(b.subtotal).to_value(),
            "ppn" => Rupiah(b.ppn).to_value(),
            "lateFee" => Rupiah(b.late_fee).to_value(),
            "total" => Rupiah(b.total).to_value(),
            "paid" => Rupiah(b.paid).to_value(),
            "outstanding" => Rupiah(b.total - b.paid).to_value(),
            "voidReason" => b.void_reason.as_deref().into(),
            _ => return None,
        })
    }
}

/// One line of a bill.
pub struct BillItem(pub Row<bill_item::Model>);

#[Object]
impl BillItem {
    async fn id(&self) -> RowId {
        RowId(self.0.id)
    }
    /// FIXED, PER_AREA, METERED, ONE_OFF or LATE_FEE.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn quantity(&self) -> Decimal {
        self.0.quantity
    }
    async fn unit_price(&self) -> Rupiah {
        Rupiah(self.0.unit_price)
    }
    async fn amount(&self) -> Rupiah {
        Rupiah(self.0.amount)
    }
    /// PPN rate in basis points (1100 = 11%).
    async fn ppn_rate_bp(&self) -> i32 {
        self.0.ppn_rate_bp
    }
    async fn ppn(&self) -> Rupiah {
        Rupiah(self.0.ppn)
    }
}

impl PlainFields for BillItem {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let i = &*self.0;
        Some(match name {
            "id" => RowId(i.id).into(),
            "kind" => i.kind.as_str().into(),
            "description" => i.description.as_str().into(),
            "quantity" => i.quantity.to_value(),
            "unitPrice" => Rupiah(i.unit_price).to_value(),
            "amount" => Rupiah(i.amount).to_value(),
            "ppnRateBp" => i.ppn_rate_bp.into(),
            "ppn" => Rupiah(i.ppn).to_value(),
            _ => return None,
        })
    }
}

/// Money received for a bill.
pub struct Payment(pub Row<payment::Model>);

#[Object]
impl Payment {
    async fn id(&self) -> RowId {
        RowId(self.0.id)
    }
    /// CASH, TRANSFER or MIDTRANS.
    async fn method(&self) -> &str {
        &self.0.method
    }
    async fn amount(&self) -> Rupiah {
        Rupiah(self.0.amount)
    }
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    async fn paid_at(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.0.paid_at
    }
    async fn refunded(&self) -> bool {
        self.0.refunded_at.is_some()
    }
}

impl PlainFields for Payment {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let p = &*self.0;
        Some(match name {
            "id" => RowId(p.id).into(),
            "method" => p.method.as_str().into(),
            "amount" => Rupiah(p.amount).to_value(),
            "reference" => p.reference.as_deref().into(),
            "paidAt" => p.paid_at.to_value(),
            "refunded" => p.refunded_at.is_some().into(),
            _ => return None,
        })
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

/// A file, inline: decode `base64` and save it as `filename`.
#[derive(SimpleObject)]
pub struct ExportFile {
    pub filename: String,
    pub content_type: String,
    pub base64: String,
}
