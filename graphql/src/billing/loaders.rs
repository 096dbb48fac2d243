//! Batch loaders for unit -> bills, bill -> items, bill -> payments, bill -> unit.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, Statement};

use klustera_entities::tenant::{bill, bill_item, payment, unit};

use crate::batch::{Row, Rows, by_key, group};
use crate::error::ApiError;
use crate::loader::{TenantLoader, ids};
use crate::rows;

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

/// Key: unit id -> unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitById(pub i64);

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
                "SELECT id, unit_id, period, due_on, status, subtotal, ppn, late_fee, total, paid, void_reason, created_at \
                 FROM (SELECT b.*, row_number() OVER (PARTITION BY unit_id ORDER BY period DESC) AS n \
                       FROM bills b WHERE unit_id = ANY($1)) ranked \
                 WHERE n <= $2 ORDER BY unit_id, period DESC",
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

impl Loader<ItemsOfBill> for TenantLoader {
    type Value = Rows<bill_item::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ItemsOfBill],
    ) -> Result<HashMap<ItemsOfBill, Self::Value>, ApiError> {
        let rows: Vec<bill_item::Model> = rows::all_raw(
            self.tx()?.as_ref(),
            Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT id, bill_id, tariff_id, kind, description, quantity, unit_price, amount, ppn_rate_bp, ppn \
                 FROM bill_items WHERE bill_id = ANY($1) ORDER BY bill_id, id",
                [ids(keys, |k| k.0).into()],
            ),
        )
        .await?;
        Ok(group(keys, rows, |i| ItemsOfBill(i.bill_id)))
    }
}

impl Loader<PaymentsOfBill> for TenantLoader {
    type Value = Rows<payment::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[PaymentsOfBill],
    ) -> Result<HashMap<PaymentsOfBill, Self::Value>, ApiError> {
        let rows: Vec<payment::Model> = rows::all_raw(
            self.tx()?.as_ref(),
            Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT id, bill_id, method, amount, reference, midtrans_order_id, recorded_by, paid_at, refunded_at \
                 FROM payments WHERE bill_id = ANY($1) ORDER BY bill_id, id",
                [ids(keys, |k| k.0).into()],
            ),
        )
        .await?;
        Ok(group(keys, rows, |p| PaymentsOfBill(p.bill_id)))
    }
}

impl Loader<UnitById> for TenantLoader {
    type Value = Row<unit::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[UnitById]) -> Result<HashMap<UnitById, Self::Value>, ApiError> {
        let select = unit::Entity::find().filter(unit::Column::Id.is_in(ids(keys, |k| k.0)));
        let rows: Vec<unit::Model> = rows::all(self.tx()?.as_ref(), select).await?;
        Ok(by_key(rows, |u| UnitById(u.id)))
    }
}
