//! Exact batching for bill lists (see `property::prefetch` for the why).

use std::collections::BTreeSet;

use async_graphql::{Context, Lookahead};

use klustera_entities::tenant::bill;

use super::loaders::{BillsOfUnit, ItemsOfBill, PaymentsOfBill, UnitById};
use crate::context::ContextExt;
use crate::error::ApiResult;
use crate::loader::prefetch;

/// Primes `bills` under a `Unit` selection for all `unit_ids`, honouring its `last` argument.
pub async fn bills_of_units(
    ctx: &Context<'_>,
    field: Lookahead<'_>,
    unit_ids: &[i64],
) -> ApiResult<()> {
    if unit_ids.is_empty() || !field.exists() {
        return Ok(());
    }
    let last = field
        .selection_fields()
        .first()
        .and_then(|f| f.arguments().ok())
        .and_then(|args| args.into_iter().find(|(name, _)| name.as_str() == "last"))
        .and_then(|(_, v)| match v {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .map_or(super::model::DEFAULT_RECENT_BILLS, |n| {
            usize::try_from(n).unwrap_or(usize::MAX)
        });
    let loaded = ctx
        .loader()?
        .load_many(unit_ids.iter().map(|id| BillsOfUnit(*id)))
        .await?;
    let recent: Vec<bill::Model> = loaded
        .into_values()
        .flat_map(|b| b.into_iter().take(last))
        .collect();
    bills(ctx, field, &recent).await
}

/// Primes what a `Bill` selection will ask for, for all `bills` at once.
pub async fn bills(ctx: &Context<'_>, node: Lookahead<'_>, bills: &[bill::Model]) -> ApiResult<()> {
    if bills.is_empty() {
        return Ok(());
    }
    let loader = ctx.loader()?;
    if node.field("items").exists() {
        loader
            .load_many(bills.iter().map(|b| ItemsOfBill(b.id)))
            .await?;
    }
    if node.field("payments").exists() {
        loader
            .load_many(bills.iter().map(|b| PaymentsOfBill(b.id)))
            .await?;
    }
    if node.field("unit").exists() {
        let units: BTreeSet<i64> = bills.iter().map(|b| b.unit_id).collect();
        prefetch(loader, units.into_iter().map(UnitById).collect()).await?;
    }
    Ok(())
}
