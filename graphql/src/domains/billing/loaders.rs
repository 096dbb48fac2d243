//! Batch loaders for unit -> bills, bill -> items, bill -> payments, bill -> refunds (bill -> unit is
//! `common::by_id::UnitById`).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use rust_decimal::Decimal;
use sea_orm::{DbBackend, Statement};

use klustera_entities::states::{BillItemKind, PaymentMethod, RefundSource};
use klustera_entities::tenant::bill;

use crate::common::batch::{Rows, group};
use crate::common::error::ApiError;
use crate::common::loader::{TenantLoader, ids};
use crate::common::rows::{self, Columns, Declared, Kept, kept_columns};
use crate::common::tenancy::TenantTx;

type Timestamp = chrono::DateTime<chrono::FixedOffset>;

/// Most bills `Unit.bills(last:)` returns.
pub const MAX_RECENT_BILLS: u8 = 24;

/// Key: (unit id, n) -> the unit's n most recent bills, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BillsOfUnit(pub i64, pub u8);

/// Key: bill id -> its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemsOfBill(pub i64);

/// Key: bill id -> its payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaymentsOfBill(pub i64);

/// Key: bill id -> its refunds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefundsOfBill(pub i64);

impl Loader<BillsOfUnit> for TenantLoader {
    type Value = Rows<bill::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[BillsOfUnit],
    ) -> Result<HashMap<BillsOfUnit, Self::Value>, ApiError> {
        let most = keys.iter().map(|k| k.1).max().unwrap_or(0);
        let rows: Vec<bill::Model> = rows::all_raw(
            self.tx()?.as_ref(),
            Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!(
                    "SELECT {} \
                     FROM (SELECT b.*, row_number() OVER (PARTITION BY unit_id ORDER BY period DESC) AS n \
                           FROM bills b WHERE unit_id = ANY($1)) ranked \
                     WHERE n <= $2 ORDER BY unit_id, period DESC",
                    bill::Model::columns("ranked")
                ),
                [ids(keys, |k| k.0).into(), i32::from(most).into()],
            ),
        )
        .await?;
        // One statement for the batch, fetching the largest n asked; each key keeps its own n.
        let by_unit = group(&ids(keys, |k| k.0), rows, |b| b.unit_id);
        Ok(keys
            .iter()
            .map(|k| {
                let bills = by_unit.get(&k.0).cloned().unwrap_or_default();
                (*k, bills.first(usize::from(k.1)))
            })
            .collect())
    }
}

kept_columns! {
    /// A bill item's columns, as the items loader selects them.
    pub enum ItemColumn from "bill_items" {
        Id = id: i64, BillId = bill_id: i64, Kind = kind: BillItemKind,
        Description = description: String, Quantity = quantity: Decimal,
        UnitPrice = unit_price: i64, Amount = amount: i64, PpnRateBp = ppn_rate_bp: i32,
        Ppn = ppn: i64,
    }
}

kept_columns! {
    /// A payment's columns, as the payments loader selects them.
    pub enum PaymentColumn from "payments" {
        Id = id: i64, BillId = bill_id: i64, Method = method: PaymentMethod,
        Amount = amount: i64, Reference = reference: Option<String>,
        PaidAt = paid_at: Timestamp, RefundedAt = refunded_at: Option<Timestamp>,
    }
}

kept_columns! {
    /// A refund's columns, as the refunds loader selects them.
    pub enum RefundColumn from "refunds" {
        Id = id: i64, BillId = bill_id: i64, PaymentId = payment_id: i64,
        Amount = amount: i64, Source = source: RefundSource, Reason = reason: Option<String>,
        CreatedAt = created_at: Timestamp,
    }
}

/// The `C` rows of the bills named by `keys` (column `bill_id`), kept and grouped by bill.
async fn kept_of_bills<K, C>(
    loader: &TenantLoader,
    keys: &[K],
    bill: fn(K) -> i64,
    key: fn(i64) -> K,
    bill_id: C,
) -> Result<HashMap<K, Rows<Kept<C>>>, ApiError>
where
    K: Copy + Eq + std::hash::Hash + Ord,
    C: Columns,
{
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{} WHERE bill_id = ANY($1) ORDER BY bill_id, id", C::SELECT),
        [ids(keys, bill).into()],
    );
    let rows = rows::all_kept(loader.tx()?.as_ref(), statement, bill_id).await?;
    Ok(group(keys, rows, |r| key(r.key)))
}

impl Loader<ItemsOfBill> for TenantLoader {
    type Value = Rows<Kept<ItemColumn>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ItemsOfBill],
    ) -> Result<HashMap<ItemsOfBill, Self::Value>, ApiError> {
        let bill = |k: ItemsOfBill| k.0;
        kept_of_bills(self, keys, bill, ItemsOfBill, ItemColumn::BillId).await
    }
}

impl Loader<PaymentsOfBill> for TenantLoader {
    type Value = Rows<Kept<PaymentColumn>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[PaymentsOfBill],
    ) -> Result<HashMap<PaymentsOfBill, Self::Value>, ApiError> {
        let bill = |k: PaymentsOfBill| k.0;
        kept_of_bills(self, keys, bill, PaymentsOfBill, PaymentColumn::BillId).await
    }
}

impl Loader<RefundsOfBill> for TenantLoader {
    type Value = Rows<Kept<RefundColumn>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[RefundsOfBill],
    ) -> Result<HashMap<RefundsOfBill, Self::Value>, ApiError> {
        let bill = |k: RefundsOfBill| k.0;
        kept_of_bills(self, keys, bill, RefundsOfBill, RefundColumn::BillId).await
    }
}

/// One payment, as the payments loader reads them.
pub async fn payment(tx: &TenantTx, id: i64) -> Result<Kept<PaymentColumn>, ApiError> {
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("{} WHERE id = $1", PaymentColumn::SELECT),
        [id.into()],
    );
    rows::all_kept(tx, statement, PaymentColumn::BillId)
        .await?
        .pop()
        .ok_or(ApiError::NotFound("payment"))
}
