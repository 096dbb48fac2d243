//! Exact batching for bill lists (see `property::prefetch` for the why).

use std::collections::BTreeSet;

use async_graphql::{Context, Lookahead};

use klustera_entities::tenant::bill;

use super::loaders::{BillsOfUnit, ItemsOfBill, PaymentsOfBill};
use crate::common::batch::Row;
use crate::common::by_id::UnitById;
use crate::common::context::ContextExt;
use crate::common::error::ApiResult;
use crate::common::loader::{prefetch, prime};

/// Primes `bills` under a `Unit` selection for all `unit_ids`, honouring its `last` argument.
pub async fn bills_of_units(
    ctx: &Context<'_>,
    field: Lookahead<'_>,
    unit_ids: &[i64],
) -> ApiResult<()> {
    if unit_ids.is_empty() || !field.exists() {
        return Ok(());
    }
    // Same key as `Unit.bills` uses, so the per-unit lookups hit the cache; an invalid
    // `last` is left to that resolver to refuse.
    let last = field
        .selection_fields()
        .first()
        .and_then(|f| f.arguments().ok())
        .and_then(|args| args.into_iter().find(|(name, _)| name.as_str() == "last"))
        .map_or(Some(super::model::DEFAULT_RECENT_BILLS), |(_, v)| match v {
            async_graphql::Value::Number(n) => n.as_u64().and_then(|n| u8::try_from(n).ok()),
            _ => None,
        });
    let Some(last) = last.filter(|n| *n <= super::loaders::MAX_RECENT_BILLS) else {
        return Ok(());
    };
    let loaded = prefetch(
        ctx.loader()?,
        unit_ids.iter().map(|id| BillsOfUnit(*id, last)).collect(),
    )
    .await?;
    let recent: Vec<Row<bill::Model>> = loaded.values().flat_map(|bills| bills.rows()).collect();
    bills(ctx, field, &recent).await
}

/// Primes what a `Bill` selection will ask for, for all `bills` at once.
pub async fn bills(
    ctx: &Context<'_>,
    node: Lookahead<'_>,
    bills: &[Row<bill::Model>],
) -> ApiResult<()> {
    if bills.is_empty() {
        return Ok(());
    }
    let loader = ctx.loader()?;
    if node.field("items").exists() {
        prime(loader, bills.iter().map(|b| ItemsOfBill(b.id)).collect()).await?;
    }
    if node.field("payments").exists() {
        prime(loader, bills.iter().map(|b| PaymentsOfBill(b.id)).collect()).await?;
    }
    if node.field("unit").exists() {
        let units: BTreeSet<i64> = bills.iter().map(|b| b.unit_id).collect();
        prime(loader, units.into_iter().map(UnitById).collect()).await?;
    }
    Ok(())
}
